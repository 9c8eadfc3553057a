import type { Intent, Polarity, SentimentLabel, Severity } from '../types.ts';

/** A stored mention as the rules see it. */
export interface DetectedMention {
  id: string;
  source: string;
  url: string | null;
  text: string;
  authorHandle: string | null;
  authorFollowers: number | null;
  authorVerified: boolean;
  label: SentimentLabel;
  score: number;
  intents: Intent[];
  metrics: Record<string, number>;
  reach: number;
  virality: number;
  createdAt: number;
  answeredAt: number | null;
}

/** What a rule found: one incident's worth, with the numbers a person needs to judge it. */
export interface Finding {
  kind: string;
  polarity: Polarity;
  severity: Severity;
  /** '' for the brand as a whole; a mention id for a finding about one post. */
  subject: string;
  title: string;
  /** The mentions the finding rests on, most important first. */
  mentionIds: string[];
  evidence: Record<string, number | string | boolean>;
}

export const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
export const BY_RANK: Severity[] = ['info', 'warning', 'critical'];

export function raise(s: Severity, steps = 1): Severity {
  return BY_RANK[Math.min(2, RANK[s] + steps)] as Severity;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function excerpt(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}
