import type { SentimentLabel } from '../types.ts';

export const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A day of history before the hour-of-day rhythm is used (shrunk toward flat while thin), a week before the day-of-week one. */
export const DAILY_AFTER = DAY;
export const WEEKLY_AFTER = 7 * DAY;
/** Counts worth of "like every other hour" each rhythm bucket starts with, so a thin bucket stays near 1. */
const PRIOR = 10;

/** `new Date(t).getUTCHours()` and `.getUTCDay()` by arithmetic: a baseline asks them of every hour of four weeks. */
export const utcHour = (t: number): number => Math.floor((t - Math.floor(t / DAY) * DAY) / HOUR);
// 1970-01-01 was a Thursday.
export const utcDay = (t: number): number => (((Math.floor(t / DAY) + 4) % 7) + 7) % 7;

/** A brand's usual traffic, learned from hourly counts: rates per hour and the weekly rhythm. */
export interface Baseline {
  /** Hours of history it rests on (less than the setting for a new brand). */
  hours: number;
  /** Mentions an hour, on average over the baseline. */
  negativePerHour: number;
  totalPerHour: number;
  /** Share of negative mentions in the baseline (with a prior, so a new brand is not 0 %). */
  negativeShare: number;
  /** How busy the hour starting at `t` usually is against the average hour (1 = average). */
  factor(t: number): number;
}

/** What a baseline is learned from: the mentions of [from, to), in all and per hour of day and weekday. */
export interface HourTotals {
  total: number;
  negative: number;
  byHour: Float64Array;
  byDay: Float64Array;
}

export const noTotals = (): HourTotals => ({
  total: 0,
  negative: 0,
  byHour: new Float64Array(24),
  byDay: new Float64Array(7),
});

/** Adds `n` mentions of `label` made in the hour starting at `hour`. */
export function addToTotals(t: HourTotals, hour: number, label: SentimentLabel, n: number): void {
  t.total += n;
  if (label === 'negative') t.negative += n;
  t.byHour[utcHour(hour)]! += n;
  t.byDay[utcDay(hour)]! += n;
}

/** The totals of hourly counts over [from, to). */
export function totalsOf(
  rows: readonly { hour: number; label: SentimentLabel; n: number }[],
  from: number,
  to: number,
): HourTotals {
  const t = noTotals();
  for (const r of rows) if (r.hour >= from && r.hour < to) addToTotals(t, r.hour, r.label, r.n);
  return t;
}

/** The baseline over [from, to) from hourly counts. */
export function buildBaseline(
  rows: readonly { hour: number; label: SentimentLabel; n: number }[],
  from: number,
  to: number,
): Baseline {
  return baselineOf(totalsOf(rows, from, to), from, to);
}

/**
 * The baseline over [from, to) from its totals. Hour of day and day of week are each a factor,
 * learned apart (a week has 24 + 7 buckets to fill, not 168) and shrunk toward 1 when thin.
 */
export function baselineOf(totals: HourTotals, from: number, to: number): Baseline {
  const hours = Math.max(0, Math.round((to - from) / HOUR));
  const { negative, total, byHour, byDay } = totals;
  const perHour = hours > 0 ? total / hours : 0;
  const daily = hours * HOUR >= DAILY_AFTER && perHour > 0;
  const weekly = hours * HOUR >= WEEKLY_AFTER && perHour > 0;
  const hourF = new Float64Array(24).fill(1);
  const dayF = new Float64Array(7).fill(1);
  if (daily) {
    // Hours of each bucket in the span: close to hours/24 and hours/168*24, computed exactly.
    const nHour = new Float64Array(24);
    const nDay = new Float64Array(7);
    for (let t = from; t < to; t += HOUR) {
      nHour[utcHour(t)]!++;
      nDay[utcDay(t)]!++;
    }
    for (let h = 0; h < 24; h++) hourF[h] = (byHour[h]! + PRIOR) / (nHour[h]! * perHour + PRIOR);
    if (weekly) for (let d = 0; d < 7; d++) dayF[d] = (byDay[d]! + PRIOR) / (nDay[d]! * perHour + PRIOR);
  }
  return {
    hours,
    negativePerHour: hours > 0 ? negative / hours : 0,
    totalPerHour: perHour,
    // One negative in ten mentions a priori, worth 20 mentions.
    negativeShare: (negative + 2) / (total + 20),
    factor: (t) => hourF[utcHour(t)]! * dayF[utcDay(t)]!,
  };
}

/** Mentions expected in [from, to) at a rate per hour, following the rhythm hour by hour. */
export function expectedIn(b: Baseline, perHour: number, from: number, to: number): number {
  let sum = 0;
  for (let t = Math.floor(from / HOUR) * HOUR; t < to; t += HOUR) {
    const overlap = Math.min(to, t + HOUR) - Math.max(from, t);
    if (overlap > 0) sum += (overlap / HOUR) * b.factor(t);
  }
  return perHour * sum;
}
