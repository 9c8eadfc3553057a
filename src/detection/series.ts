import type { SentimentLabel } from '../types.ts';
import type { HourTotals } from './baseline.ts';
import type { DetectedMention } from './types.ts';

/** Mentions per label. */
export interface Counts {
  negative: number;
  neutral: number;
  positive: number;
}

export interface HourCount {
  hour: number;
  label: SentimentLabel;
  n: number;
}

/**
 * What detection reads about a brand's stored mentions. The daemon reads it from the database on
 * every tick (several daemons may share it); replay keeps the same answers in memory as it stores,
 * so it does not ask the database every simulated minute. Both must answer alike, order included:
 * the order of the mentions decides titles, top posts and the order of alerts.
 *
 * Copies (duplicate_of set) are left out where said: they are spread of their original.
 */
/** An answer now (replay's memory copy) or later (the database). */
export type Awaitable<T> = T | Promise<T>;

export interface SeriesReader {
  /** Hourly counts per label in the whole hours of [from, to), copies included. */
  hourlyCounts(brand: string, from: number, to: number): Awaitable<HourCount[]>;
  /**
   * What `totalsOf` makes of those hourly counts, without listing them: replay's memory copy
   * answers it (a baseline reads four weeks of hours, once an hour per brand).
   */
  hourTotals?(brand: string, from: number, to: number): Awaitable<HourTotals>;
  /** Mentions per label created in [from, to): opinions (copies left out), or with `volume` every post. */
  windowCounts(brand: string, from: number, to: number, volume?: boolean): Awaitable<Counts>;
  /** Mentions of a label created in [from, to), copies included, widest reach first, then newest. */
  labelledMentions(
    brand: string,
    label: SentimentLabel,
    from: number,
    to: number,
    limit: number,
  ): Awaitable<DetectedMention[]>;
  /** Posts made since `since` whose virality is at least `min`, most viral first (50 at most). */
  viralMentions(brand: string, min: number, since: number): Awaitable<DetectedMention[]>;
  /** Unanswered complaints (not copies) made in [from, to) with reach of at least `minReach`, widest first (50 at most). */
  unansweredComplaints(
    brand: string,
    from: number,
    to: number,
    minReach: number,
  ): Awaitable<DetectedMention[]>;
  /** The hour of the brand's oldest counted mention. */
  historyStart(brand: string): Awaitable<number | null>;
  /** Mentions per source (copies included), by source name: whole hours of [from, to) with `hours`, else exactly. */
  sourceCounts(brand: string, from: number, to: number, hours?: boolean): Awaitable<Map<string, number>>;
  /**
   * The intent names of each of these mentions that is stored, for an alert's routing. Replay's
   * memory copy answers it; without it alerts read the database (src/db/routing.ts).
   */
  intentsOf?(brand: string, ids: readonly string[]): Awaitable<string[][]>;
}
