import type { Metrics } from '../types.ts';
import { platformOf } from './platforms.ts';

/** One reading of a mention's engagement (a metric snapshot). */
export interface Reading {
  /** Epoch ms. */
  at: number;
  metrics: Metrics;
}

export interface Virality {
  /** Weighted engagement at the last reading (a repost counts for two likes). */
  engagement: number;
  /** Engagement gained per hour over the latest interval between readings. */
  velocity: number;
  /** Hours for engagement to double at the recent pace; null while nothing grows. */
  doublingHours: number | null;
  /** Engagement expected `hours` after the last reading, with a 90 % band. */
  projected: { hours: number; engagement: number; low: number; high: number };
  /** What a post of this author usually gathers in its first day, on this platform. */
  usual: number;
  /**
   * 0..1: how far the post's first day runs above its author's usual, on a log scale: 0 is the
   * usual or less, 0.5 ten times it, 1 a hundred times or more.
   */
  score: number;
}

export const ENGAGEMENT_WEIGHTS: Partial<Record<keyof Metrics, number>> = {
  likes: 1,
  reposts: 2,
  quotes: 2,
  replies: 1.5,
  score: 1,
  // A copy is a repost by other means.
  copies: 2,
};

const W = ENGAGEMENT_WEIGHTS as Required<Pick<typeof ENGAGEMENT_WEIGHTS, EngagementMetric>>;
type EngagementMetric = 'likes' | 'reposts' | 'quotes' | 'replies' | 'score' | 'copies';

/**
 * The weighted sum, in the order of ENGAGEMENT_WEIGHTS. Each metric is read by its name: reading
 * `m[k]` for a varying `k` was 4 % of a replay, which asks it of every viral candidate every tick.
 */
export function engagementOf(m: Metrics): number {
  let e = 0;
  e += Math.max(0, m.likes ?? 0) * W.likes;
  e += Math.max(0, m.reposts ?? 0) * W.reposts;
  e += Math.max(0, m.quotes ?? 0) * W.quotes;
  e += Math.max(0, m.replies ?? 0) * W.replies;
  e += Math.max(0, m.score ?? 0) * W.score;
  e += Math.max(0, m.copies ?? 0) * W.copies;
  return e;
}

const HOUR = 3_600_000;
/** Spread of the pace when too few readings show it: a factor of about 2.2 either way. */
const UNKNOWN_SPREAD = 0.8;
const Z90 = 1.645;

export function usualEngagement(source: string, followers?: number): number {
  const a = platformOf(source);
  return a.a + (followers && followers > 0 ? a.b * followers ** 0.8 : 0);
}

/**
 * Velocity, growth and a first-day projection from a mention's readings. A post has no engagement
 * when it is made, so its creation counts as the first reading: one snapshot already gives a pace.
 */
export function virality(input: {
  source: string;
  createdAt: number;
  readings: readonly Reading[];
  followers?: number;
  horizonHours?: number;
}): Virality {
  const att = platformOf(input.source);
  const readings = inOrder(input.readings);
  // The creation (no engagement yet), then each later reading: the last two give the pace, the
  // positive paces between consecutive points their spread. Walked once, without a list of points.
  let lastT = input.createdAt;
  let lastE = 0;
  let prevT = NaN;
  let prevE = NaN;
  let positive = 0;
  for (const r of readings) {
    if (!(r.at > input.createdAt)) continue;
    const e = engagementOf(r.metrics);
    const pace = (e - lastE) / ((r.at - lastT) / HOUR);
    if (pace > 0) LOG_PACES[positive++ % SPREAD_OF] = Math.log(pace);
    prevT = lastT;
    prevE = lastE;
    lastT = r.at;
    lastE = e;
  }
  const velocity = Number.isNaN(prevT) ? 0 : Math.max(0, (lastE - prevE) / ((lastT - prevT) / HOUR));
  const spread = positive >= 3 ? Math.max(0.2, logStdev(positive)) : UNKNOWN_SPREAD;
  const horizon = input.horizonHours ?? 6;
  const ahead = gain(velocity, att.tau, horizon);
  const ageHours = (lastT - input.createdAt) / HOUR;
  const firstDay = lastE + gain(velocity, att.tau, 24 - ageHours);
  const usual = usualEngagement(input.source, input.followers);
  return {
    engagement: round(lastE),
    velocity: round(velocity),
    doublingHours: velocity > 0 && lastE > 0 ? round(lastE / velocity) : null,
    projected: {
      hours: horizon,
      engagement: round(lastE + ahead),
      low: round(lastE + ahead * Math.exp(-Z90 * spread)),
      high: round(lastE + ahead * Math.exp(Z90 * spread)),
    },
    usual: round(usual),
    score: round(Math.min(1, Math.max(0, Math.log10(firstDay / usual) / 2))),
  };
}

/**
 * Engagement gained in `hours` at `velocity`, slowing down with the platform's attention span.
 * A module function, not a closure: under tsx every closure made in a call is also given its name.
 */
function gain(velocity: number, tau: number, hours: number): number {
  return velocity * tau * (1 - Math.exp(-Math.max(0, hours) / tau));
}

/** How many of the latest positive paces the spread is measured on. */
const SPREAD_OF = 6;
/** The logs of the latest positive paces of the reading being scored, as a ring: virality is synchronous. */
const LOG_PACES = new Float64Array(SPREAD_OF);

/** The standard deviation of the last (up to six) of `count` logged paces, oldest first. */
function logStdev(count: number): number {
  const n = Math.min(count, SPREAD_OF);
  const first = count - n;
  let sum = 0;
  for (let i = first; i < count; i++) sum += LOG_PACES[i % SPREAD_OF] as number;
  const mean = sum / n;
  let sq = 0;
  for (let i = first; i < count; i++) sq += ((LOG_PACES[i % SPREAD_OF] as number) - mean) ** 2;
  return Math.sqrt(sq / Math.max(1, n - 1));
}

/** The readings by time: as given when they already are (replay's and the database's are). */
function inOrder(readings: readonly Reading[]): readonly Reading[] {
  for (let i = 1; i < readings.length; i++)
    if ((readings[i] as Reading).at < (readings[i - 1] as Reading).at)
      return [...readings].sort((x, y) => x.at - y.at);
  return readings;
}

const round = (x: number) => Math.round(x * 100) / 100;
