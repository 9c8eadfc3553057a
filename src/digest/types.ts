import type { SentimentLabel, Severity } from '../types.ts';

/** A post as the report shows it. */
export interface DigestPost {
  id: string;
  source: string;
  url?: string;
  author?: string;
  /** An excerpt, at most 280 characters. */
  text: string;
  createdAt: number;
  sentiment: SentimentLabel;
  /** People it probably reached (src/analysis/reach.ts). */
  reach: number;
  /** Weighted engagement at its latest reading. */
  engagement: number;
}

export interface Tally {
  volume: number;
  negative: number;
  neutral: number;
  positive: number;
  /** (positive − negative) / opinions × 100, copies left out; null without opinions. */
  net: number | null;
}

export interface DigestIncident {
  id: string;
  kind: string;
  severity: Severity;
  status: 'open' | 'acknowledged' | 'resolved';
  title: string;
  openedAt: number;
  resolvedAt?: number;
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  mentions: number;
  /** The busiest hour of its mentions: when, and how many. */
  peak?: { at: number; mentions: number };
  /** People its mentions probably reached, together. */
  reach: number;
  topPosts: DigestPost[];
}

/** Everything a digest says, as built from the database: channels and pages render from this. */
export interface DigestReport {
  id: string;
  brand: string;
  displayName: string;
  period: 'day' | 'week';
  /** The first and last local day covered (YYYY-MM-DD). */
  from: string;
  date: string;
  timezone: string;
  /** [start, end) in epoch ms. */
  start: number;
  end: number;
  generatedAt: number;
  totals: Tally;
  /** The period before (the day before, or the week before). */
  previous: Tally;
  /** The usual: the average of the 7 days before (a day), of the 4 weeks before (a week). */
  usual: { volume: number; net: number | null };
  /** One entry per local day, the last 7 up to `date`. */
  daily: ({ date: string } & Tally)[];
  /** One entry per local hour of the last day (23 or 25 on a daylight-saving day). */
  hourly: { label: string; negative: number; neutral: number; positive: number }[];
  shareOfVoice: { brand: string; name: string; volume: number; share: number }[];
  incidents: DigestIncident[];
  topNegative: DigestPost[];
  topPositive: DigestPost[];
  /** Complaints the brand has not answered, where the source shows answers. */
  unanswered: (DigestPost & { waitingHours: number })[];
  /** How many are waiting in all (the list shows the first ten). */
  unansweredCount: number;
  sources: { source: string; mentions: number }[];
  authors: { author: string; source: string; mentions: number; reach: number }[];
  questions: DigestPost[];
  purchaseIntents: DigestPost[];
  /** Nothing said, nothing open, nothing waiting: the report is one line. */
  quiet: boolean;
}

/**
 * A team's report: its brands' own reports over the team's local days, worst first. Stored in
 * the digests table like a brand's, under `team:<name>` (no brand name has a colon).
 */
export interface TeamDigestReport {
  kind: 'team';
  id: string;
  /** `team:<name>`: what the digests table and the outbox keep in their brand column. */
  brand: string;
  team: string;
  displayName: string;
  period: 'day' | 'week';
  from: string;
  date: string;
  timezone: string;
  start: number;
  end: number;
  generatedAt: number;
  /** Each brand's report, built in the team's time zone; the worst first. */
  brands: DigestReport[];
  /** Every brand had a quiet day: the report is one line. */
  quiet: boolean;
}

export type AnyDigestReport = DigestReport | TeamDigestReport;

export const isTeamReport = (r: AnyDigestReport): r is TeamDigestReport =>
  (r as Partial<TeamDigestReport>).kind === 'team';
