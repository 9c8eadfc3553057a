import {
  isTeamReport,
  type AnyDigestReport,
  type DigestReport,
  type Tally,
  type TeamDigestReport,
} from './types.ts';

// Words and figures shared by the HTML, the plain text and the Slack summary.

const whole = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
export const count = (n: number) => whole.format(n);
export const people = (n: number) => compact.format(n);

export interface Change {
  arrow: '▲' | '▼' | '=';
  /** "+12 %", "−3 pts", "new". */
  words: string;
  /** good, bad or neither, for the colour. */
  tone: 'good' | 'bad' | 'flat';
}

/** A volume against another: the relative change. More talk is neither good nor bad by itself. */
export function volumeChange(now: number, then: number): Change {
  if (then === 0)
    return now === 0
      ? { arrow: '=', words: 'same', tone: 'flat' }
      : { arrow: '▲', words: 'new', tone: 'flat' };
  const pct = Math.round(((now - then) / then) * 100);
  if (pct === 0) return { arrow: '=', words: 'same', tone: 'flat' };
  return { arrow: pct > 0 ? '▲' : '▼', words: `${pct > 0 ? '+' : '−'}${Math.abs(pct)} %`, tone: 'flat' };
}

/** Net sentiment against another, in points: up is good news. */
export function netChange(now: number | null, then: number | null): Change {
  if (now === null || then === null) return { arrow: '=', words: 'n/a', tone: 'flat' };
  const d = now - then;
  if (d === 0) return { arrow: '=', words: 'same', tone: 'flat' };
  return {
    arrow: d > 0 ? '▲' : '▼',
    words: `${d > 0 ? '+' : '−'}${Math.abs(d)} pts`,
    tone: d > 0 ? 'good' : 'bad',
  };
}

export const net = (n: number | null) =>
  n === null ? 'n/a' : `${n > 0 ? '+' : n < 0 ? '−' : ''}${Math.abs(n)}`;

/** Shares of the three labels, in whole percents. */
export function split(t: Tally): { negative: number; neutral: number; positive: number } {
  const all = t.negative + t.neutral + t.positive;
  const pct = (n: number) => (all > 0 ? Math.round((n / all) * 100) : 0);
  return { negative: pct(t.negative), neutral: pct(t.neutral), positive: pct(t.positive) };
}

const DAY_PARTS = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "Tuesday 13 January 2026" (assembled from parts: ICU versions differ on the commas). */
export function dayWords(date: string, year = true): string {
  const p: Record<string, string> = {};
  for (const part of DAY_PARTS.formatToParts(new Date(`${date}T12:00:00Z`))) p[part.type] = part.value;
  return `${p.weekday} ${p.day} ${p.month}${year ? ` ${p.year}` : ''}`;
}

/** The days a report covers: a brand's or a team's. */
type Span = Pick<DigestReport, 'period' | 'from' | 'date'>;

/** "Tuesday 13 January 2026", or "Tuesday 6 January – Monday 12 January 2026" for a week. */
export function periodWords(r: Span): string {
  return r.period === 'day' ? dayWords(r.date) : `${dayWords(r.from, false)} – ${dayWords(r.date)}`;
}

export const periodName = (r: Span) => (r.period === 'day' ? 'Daily digest' : 'Weekly digest');
export const beforeName = (r: Span) => (r.period === 'day' ? 'the day before' : 'the week before');
export const usualName = (r: Span) => (r.period === 'day' ? '7-day average' : '4-week average');

/** The local time of an instant in the report's time zone, "09:14" or "Mon 09:14" when another day. */
export function at(r: DigestReport, t: number): string {
  const opts: Intl.DateTimeFormatOptions = {
    timeZone: r.timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  };
  const inside = t >= r.start && t < r.end && r.period === 'day';
  return new Date(t).toLocaleString(
    'en-GB',
    inside ? opts : { ...opts, weekday: 'short', day: 'numeric', month: 'short' },
  );
}

/** The one line of a quiet day. */
export function quietLine(r: DigestReport): string {
  const usual =
    r.usual.volume > 0
      ? ` (usually ${count(Math.round(r.usual.volume))} ${r.period === 'day' ? 'a day' : 'a week'})`
      : '';
  return `A quiet ${r.period}: nobody mentioned ${r.displayName}, no incident, no complaint waiting${usual}.`;
}

/** "Acme Air", "Acme Air and Acme Cargo", "A, B and C". */
export function names(list: string[]): string {
  return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}

/** The one line of a team whose brands all had a quiet day. */
export function teamQuietLine(t: TeamDigestReport): string {
  return `A quiet ${t.period} for ${t.displayName}: nobody mentioned ${names(t.brands.map((b) => b.displayName))}, no incident, no complaint waiting.`;
}

/** The team's figures added up over its brands (net sentiment is each brand's own). */
export function teamTotals(t: TeamDigestReport) {
  const sum = (f: (r: DigestReport) => number) => t.brands.reduce((a, r) => a + f(r), 0);
  return {
    mentions: sum((r) => r.totals.volume),
    incidents: sum((r) => r.incidents.length),
    notAcknowledged: sum((r) => r.incidents.filter((i) => i.status === 'open').length),
    notResolved: sum((r) => r.incidents.filter((i) => i.status !== 'resolved').length),
    waiting: sum((r) => r.unansweredCount),
  };
}

/** One brand's line in a team's summary, in plain words. */
export function brandSummary(r: DigestReport): string {
  if (r.quiet) return `${r.displayName}: quiet (no mention, no incident, no complaint waiting)`;
  const t = r.totals;
  const c = (x: Change) => `${x.arrow} ${x.words}`;
  const open = r.incidents.filter((i) => i.status === 'open').length;
  return `${r.displayName}: ${count(t.volume)} mentions (${c(volumeChange(t.volume, r.previous.volume))}), net ${net(t.net)} (${c(netChange(t.net, r.previous.net))} vs ${beforeName(r)}, ${c(netChange(t.net, r.usual.net))} vs ${usualName(r)}), ${count(r.incidents.length)} incident(s) (${count(open)} not acknowledged), ${count(r.unansweredCount)} complaint(s) waiting`;
}

export function subject(r: AnyDigestReport): string {
  if (isTeamReport(r)) return teamSubject(r);
  const head = `${r.displayName} · ${periodName(r).toLowerCase()} · ${periodWords(r)}`;
  if (r.quiet) return `${head}: quiet`;
  const open = r.incidents.filter((i) => i.status !== 'resolved').length;
  return `${head}: ${count(r.totals.volume)} mentions, net ${net(r.totals.net)}${open ? `, ${open} incident(s) not resolved` : ''}`;
}

function teamSubject(t: TeamDigestReport): string {
  const head = `${t.displayName} · ${periodName(t).toLowerCase()} · ${periodWords(t)}`;
  if (t.quiet) return `${head}: quiet`;
  const s = teamTotals(t);
  return `${head}: ${count(s.mentions)} mentions across ${t.brands.length} brand(s)${s.notResolved ? `, ${s.notResolved} incident(s) not resolved` : ''}`;
}

export const safeLink = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);
