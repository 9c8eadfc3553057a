/**
 * Local calendar days in a team's time zone, with Intl only: a day runs from one local midnight to
 * the next, so a daylight-saving day lasts 23 or 25 hours. Dates are `YYYY-MM-DD` strings.
 */

const formats = new Map<string, Intl.DateTimeFormat>();
function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f)
    formats.set(
      timeZone,
      (f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })),
    );
  return f;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall clock of `timeZone` at instant `t`. */
export function localParts(timeZone: string, t: number): LocalParts {
  const p: Record<string, number> = {};
  for (const part of format(timeZone).formatToParts(new Date(t)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return {
    year: p.year ?? 1970,
    month: p.month ?? 1,
    day: p.day ?? 1,
    hour: (p.hour ?? 0) % 24,
    minute: p.minute ?? 0,
  };
}

/** How far the wall clock of `timeZone` runs ahead of UTC at instant `t`, in ms. */
function offsetAt(timeZone: string, t: number): number {
  const l = localParts(timeZone, t);
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute);
  return wall - Math.floor(t / 60_000) * 60_000;
}

const pad = (n: number) => String(n).padStart(2, '0');
const toDate = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

function parseDate(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  const d = Number(m?.[3]);
  if (!m || Number.isNaN(Date.UTC(y, mo - 1, d)) || toDate(y, mo, d) !== shiftDate(date, 0, true))
    throw new Error(`"${date}" is not a date (write it YYYY-MM-DD, like 2026-01-13)`);
  return [y, mo, d];
}

function shiftDate(date: string, days: number, unchecked = false): string {
  const [y, m, d] = unchecked ? date.split('-').map(Number) : parseDate(date);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return toDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** `date` moved by whole calendar days. Throws a one-line reason on a malformed date. */
export function addDays(date: string, days: number): string {
  return shiftDate(date, days);
}

/** Throws a one-line reason unless `date` is a real YYYY-MM-DD date. */
export function checkDate(date: string): string {
  parseDate(date);
  return date;
}

/** The local calendar date of instant `t`. */
export function localDate(timeZone: string, t: number): string {
  const l = localParts(timeZone, t);
  return toDate(l.year, l.month, l.day);
}

/** 0 = Sunday … 6 = Saturday, as `Date.getUTCDay`. */
export function weekday(date: string): number {
  const [y, m, d] = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/**
 * The instant the wall clock of `timeZone` shows `hh:mm` on `date`. A time skipped by a
 * daylight-saving change is moved forward by the gap, as calendars do (02:30 becomes 03:30); a
 * time shown twice is its first showing.
 */
export function localTime(timeZone: string, date: string, hh = 0, mm = 0): number {
  const [y, m, d] = parseDate(date);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // The offset may differ on the other side of a change: a second step settles it.
  const before = wall - offsetAt(timeZone, wall);
  let t = wall - offsetAt(timeZone, before);
  if (t + offsetAt(timeZone, t) !== wall) t = Math.max(before, t);
  // A zone that skips midnight itself starts its day at the end of the gap.
  while (localDate(timeZone, t) < date) t += 15 * 60_000;
  return t;
}

/** [start, end) of the local day `date`: 23, 24 or 25 hours. */
export function dayRange(timeZone: string, date: string): { start: number; end: number } {
  return { start: localTime(timeZone, date), end: localTime(timeZone, addDays(date, 1)) };
}

/** `HH:MM` on the wall clock of `timeZone` at instant `t`, for chart labels. */
export function clockLabel(timeZone: string, t: number): string {
  const l = localParts(timeZone, t);
  return `${pad(l.hour)}:${pad(l.minute)}`;
}
