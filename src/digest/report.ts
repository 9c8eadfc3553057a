import type { Brand, Config } from '../config.ts';
import type { Store } from '../db/client.ts';
import {
  hourlyFrom,
  incidentsDuring,
  postsWithIntent,
  tally,
  topAuthors,
  topPosts,
  topSources,
  unansweredSince,
  volume,
} from '../db/digests.ts';
import { addDays, clockLabel, dayRange, localTime } from './time.ts';
import type { DigestReport, Tally } from './types.ts';

export type Period = DigestReport['period'];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far back a complaint still counts as waiting for an answer. */
const UNANSWERED_SPAN = 7 * DAY;

export function digestId(brand: string, period: Period, date: string): string {
  return `digest-${brand}-${period}-${date}`;
}

/** The local days covered: one, or the seven ending on `date`. */
export function span(tz: string, period: Period, date: string) {
  const from = period === 'day' ? date : addDays(date, -6);
  return { from, start: localTime(tz, from), end: dayRange(tz, date).end };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
function usualOf(tallies: Tally[]): { volume: number; net: number | null } {
  const nets = tallies.flatMap((t) => (t.net === null ? [] : [t.net]));
  return {
    volume: Math.round(mean(tallies.map((t) => t.volume)) * 10) / 10,
    net: nets.length ? Math.round(mean(nets)) : null,
  };
}

/**
 * Builds the report of one brand's local day (or week ending that day) from the database. Reads
 * only: sending and saving are the digest job's.
 */
export async function buildReport(
  store: Store,
  config: Config,
  brand: Brand,
  period: Period,
  date: string,
  now: number,
): Promise<DigestReport> {
  const tz = brand.timezone;
  const { from, start, end } = span(tz, period, date);
  const name = brand.name;
  const days = Array.from({ length: 7 }, (_, i) => addDays(date, i - 6));
  const daily = [];
  for (const d of days) {
    const r = dayRange(tz, d);
    daily.push({ date: d, ...(await tally(store, name, r.start, r.end)) });
  }
  const totals = await tally(store, name, start, end);
  // The day before and the 7 days before that one's; for a week, the week before and the 4 before it.
  const back = (k: number) => span(tz, period, addDays(date, -k * (period === 'day' ? 1 : 7)));
  const before = Array.from({ length: period === 'day' ? 7 : 4 }, (_, i) => back(i + 1));
  const beforeTallies: Tally[] = [];
  for (const b of before) beforeTallies.push(await tally(store, name, b.start, b.end));
  const last = dayRange(tz, date);
  const hours = Math.round((last.end - last.start) / HOUR);
  const hourly = Array.from({ length: hours }, (_, h) => ({
    label: clockLabel(tz, last.start + h * HOUR),
    negative: 0,
    neutral: 0,
    positive: 0,
  }));
  for (const r of await hourlyFrom(store, name, last.start, last.end)) {
    const slot = hourly[r.h];
    if (slot) slot[r.label] += r.n;
  }
  const rivals: { brand: string; name: string; volume: number }[] = [];
  for (const c of brand.competitors) {
    const b = config.brands.find((x) => x.name === c);
    if (b)
      rivals.push({ brand: b.name, name: b.displayName, volume: await volume(store, b.name, start, end) });
  }
  const voices = [{ brand: name, name: brand.displayName, volume: totals.volume }, ...rivals];
  const all = voices.reduce((a, v) => a + v.volume, 0);
  const incidents = await incidentsDuring(store, name, start, end);
  const unanswered = await unansweredSince(store, name, end - UNANSWERED_SPAN, end);
  return {
    id: digestId(name, period, date),
    brand: name,
    displayName: brand.displayName,
    period,
    from,
    date,
    timezone: tz,
    start,
    end,
    generatedAt: now,
    totals,
    previous: beforeTallies[0] ?? totals,
    usual: usualOf(beforeTallies),
    daily,
    hourly,
    shareOfVoice: rivals.length
      ? voices.map((v) => ({ ...v, share: all > 0 ? Math.round((v.volume / all) * 1000) / 10 : 0 }))
      : [],
    incidents,
    topNegative: await topPosts(store, name, 'negative', start, end),
    topPositive: await topPosts(store, name, 'positive', start, end),
    unanswered: unanswered.posts,
    unansweredCount: unanswered.count,
    sources: await topSources(store, name, start, end),
    authors: await topAuthors(store, name, start, end),
    questions: await postsWithIntent(store, name, 'question', start, end),
    purchaseIntents: await postsWithIntent(store, name, 'purchase_intent', start, end),
    quiet: totals.volume === 0 && incidents.length === 0 && unanswered.count === 0,
  };
}
