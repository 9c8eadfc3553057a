/** Shared shapes of the pipeline. Every id is a string: tweet ids exceed 2^53. */

export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export type Severity = 'info' | 'warning' | 'critical';
export type Polarity = 'negative' | 'positive' | 'neutral';

export interface Author {
  handle: string;
  name?: string;
  followers?: number;
  verified?: boolean;
}

/** Engagement as one shape, whatever the platform calls it. */
export interface Metrics {
  likes?: number;
  reposts?: number;
  replies?: number;
  quotes?: number;
  views?: number;
  score?: number;
  stars?: number;
  /** Near-duplicates of this post Earshot has seen (copy-paste, reposts with a few words changed). */
  copies?: number;
}

/** A public post as a source saw it, normalized. */
export interface Mention {
  /** Globally unique: `<source>:<the source's own id>`. */
  id: string;
  source: string;
  url?: string;
  title?: string;
  text: string;
  createdAt: Date;
  /** Language as the source reports it (BCP 47 primary tag), when it does. */
  lang?: string;
  author?: Author;
  metrics: Metrics;
  /** When the brand itself answered this post, where the source shows it. */
  answeredAt?: Date;
}

export interface Sentiment {
  label: SentimentLabel;
  /** -1 (very negative) .. 1 (very positive). */
  score: number;
}

export interface Intent {
  name: string;
  confidence: number;
}

export interface Analysis {
  sentiment: Sentiment;
  intents: Intent[];
  /** Primary language tag, or `und` when unknown. */
  lang: string;
}

export interface AnalyzedMention extends Omit<Mention, 'lang'>, Analysis {
  brand: string;
  observedAt: Date;
  /** Estimated impressions when first seen. */
  reach?: number;
  /** Virality score 0..1 from the first reading. */
  virality?: number;
  /** Id of the earlier mention this one nearly repeats: it then counts as that one's spread. */
  duplicateOf?: string;
}

/** An alert as `earshot replay` prints it and as channels receive it. */
export interface AlertPayload {
  at: string;
  brand: string;
  kind: string;
  polarity: Polarity;
  severity: Severity;
  incident_id: string;
  title: string;
  mention_ids: string[];
  evidence: Record<string, unknown>;
  /** Set on the alerts that update an incident already alerted. */
  update?: boolean;
  /** Set when the alert tells of the incident being acknowledged or resolved. */
  status?: 'acknowledged' | 'resolved';
  /** Who acknowledged it, on an `acknowledged` alert. */
  acknowledged_by?: string;
  /** The incident's dominant intents (`complaint`, `purchase_intent`, …), what routes filter on. */
  intents?: string[];
  /** Set when nobody acknowledged a critical incident in time and it went to the next route. */
  escalated?: boolean;
  /** Top posts, for the people who read the alert. */
  top_mentions?: { id: string; url?: string; text: string; author?: string; sentiment: number }[];
}
