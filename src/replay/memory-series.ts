import { addToTotals, noTotals, type HourTotals } from '../detection/baseline.ts';
import type { Counts, HourCount, SeriesReader } from '../detection/series.ts';
import type { DetectedMention } from '../detection/types.ts';
import type { AnalyzedMention, Intent, SentimentLabel } from '../types.ts';

// Replay's copy of what detection reads, kept as mentions are stored instead of asked of the
// database on every simulated minute. It answers exactly as the queries of src/db/series.ts do,
// order included: where the database sorts, equal keys keep its scan order (creation time, then
// the order rows were inserted), and the virality index is walked backwards (newest row first).

const HOUR = 3_600_000;
const LABELS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];
/** The LIMIT of the viral and unanswered queries. */
const MOST = 50;

interface Row {
  m: DetectedMention;
  /** Insertion order: the database's rowid. */
  seq: number;
  /** The stored columns as they are, null included (DetectedMention says 0 for null). */
  reach: number | null;
  virality: number | null;
}

/** What the database holds of a mention after a batch changed it (metrics, reach, virality, answer). */
export interface StoredReading {
  metrics: Record<string, number>;
  reach: number | null;
  virality: number | null;
  answeredAt: number | null;
}

/** Rows ordered by creation time, then insertion: range reads and counts by binary search. */
class Timeline {
  readonly rows: Row[] = [];

  add(r: Row): void {
    const at = r.m.createdAt;
    const last = this.rows[this.rows.length - 1];
    // Nearly always the newest: appended. An older post found late goes after its equals (later rowid).
    if (!last || last.m.createdAt <= at) this.rows.push(r);
    else this.rows.splice(this.after(at), 0, r);
  }

  /** Rows created in [from, to), oldest first. */
  range(from: number, to: number): Row[] {
    return this.rows.slice(this.from(from), this.from(to));
  }

  count(from: number, to: number): number {
    return Math.max(0, this.from(to) - this.from(from));
  }

  /** Index of the first row created at or after `t`. */
  from(t: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.rows[mid] as Row).m.createdAt < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first row created after `t`. */
  private after(t: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.rows[mid] as Row).m.createdAt <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const byLabel = <T>(make: () => T): Record<SentimentLabel, T> => ({
  negative: make(),
  neutral: make(),
  positive: make(),
});

class BrandSeries {
  readonly rows = new Map<string, Row>();
  /** Every post per label (copies included), and opinions only (copies left out). */
  readonly posts = byLabel(() => new Timeline());
  readonly opinions = byLabel(() => new Timeline());
  /** Originals that are negative or say "complaint": the unanswered rule's candidates. */
  readonly complaints = new Timeline();
  readonly bySource = new Map<string, Timeline>();
  /** mention_counts and source_counts: fresh posts per hour of creation. */
  readonly hours = new Map<number, Counts>();
  readonly sourceHours = new Map<string, Map<number, number>>();
  firstHour: number | null = null;
  /** Rows at or above `viralMin`, older ones dropped once asked for no older than `viralSince`. */
  viralMin: number | null = null;
  viralSince = -Infinity;
  readonly viral = new Set<Row>();

  insert(r: Row, copy: boolean, complaint: boolean): void {
    const m = r.m;
    this.rows.set(m.id, r);
    this.posts[m.label].add(r);
    if (!copy) this.opinions[m.label].add(r);
    if (!copy && complaint) this.complaints.add(r);
    let source = this.bySource.get(m.source);
    if (!source) this.bySource.set(m.source, (source = new Timeline()));
    source.add(r);
    const hour = Math.floor(m.createdAt / HOUR) * HOUR;
    let counts = this.hours.get(hour);
    if (!counts) this.hours.set(hour, (counts = { negative: 0, neutral: 0, positive: 0 }));
    counts[m.label]++;
    let perHour = this.sourceHours.get(m.source);
    if (!perHour) this.sourceHours.set(m.source, (perHour = new Map<number, number>()));
    perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
    if (this.firstHour === null || hour < this.firstHour) this.firstHour = hour;
    this.placeViral(r);
  }

  placeViral(r: Row): void {
    if (this.viralMin === null) return;
    if (r.virality !== null && r.virality >= this.viralMin) this.viral.add(r);
    else this.viral.delete(r);
  }

  viralSet(min: number, since: number): Set<Row> {
    if (this.viralMin !== min || since < this.viralSince) {
      this.viralMin = min;
      this.viralSince = -Infinity;
      this.viral.clear();
      for (const r of this.rows.values()) this.placeViral(r);
    }
    // Posts too old to ask about again leave the set; a later rescore of one puts it back, harmlessly.
    for (const r of this.viral) if (r.m.createdAt < since) this.viral.delete(r);
    this.viralSince = since;
    return this.viral;
  }
}

/** labelledMentions' order: widest reach, then newest, then the scan order (insertion among equal times). */
const byReach = (x: Row, y: Row): number =>
  (y.reach ?? 0) - (x.reach ?? 0) || y.m.createdAt - x.m.createdAt || x.seq - y.seq;

/** SQLite's ORDER BY of a nullable column, descending: NULL is the least value, so it comes last. */
const desc = (a: number | null, b: number | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a;

/** The text SQLite gives back: a lone surrogate cannot be UTF-8, so it comes back as U+FFFD. */
export const stored = (s: string): string => (isWellFormed(s) ? s : toWellFormed(s));
// ES2024 string methods (Node 20 has them; the lib the project compiles against does not): a
// fifth of the regex's time, and the same replacement of lone surrogates by U+FFFD.
type Es2024String = { isWellFormed(): boolean; toWellFormed(): string };
const isWellFormed = (s: string) => (s as unknown as Es2024String).isWellFormed();
const toWellFormed = (s: string) => (s as unknown as Es2024String).toWellFormed();
const storedOrNull = (s: string | undefined): string | null => (s === undefined ? null : stored(s));

export class MemorySeries implements SeriesReader {
  private readonly brands = new Map<string, BrandSeries>();
  private seq = 0;

  /**
   * What one stored batch did (storeMentions): `inserted` are the ids it added; every other id of
   * the batch, and each original a new copy points to, may have changed in the database and is
   * read back through `readBack`.
   */
  record(
    brand: string,
    batch: readonly AnalyzedMention[],
    inserted: readonly string[],
    readBack: (ids: readonly string[]) => Map<string, StoredReading>,
  ): void {
    const b = this.brand(brand);
    const fresh = new Set(inserted);
    const changed = new Set<string>();
    for (const m of batch) {
      if (fresh.has(m.id) && !b.rows.has(m.id)) {
        this.insert(b, m);
        if (m.duplicateOf !== undefined) changed.add(m.duplicateOf);
      } else changed.add(m.id);
    }
    if (changed.size === 0) return;
    for (const [id, now] of readBack([...changed])) {
      const r = b.rows.get(id);
      if (!r) continue;
      r.m = {
        ...r.m,
        metrics: now.metrics,
        reach: now.reach ?? 0,
        virality: now.virality ?? 0,
        answeredAt: now.answeredAt,
      };
      r.reach = now.reach;
      r.virality = now.virality;
      b.placeViral(r);
    }
  }

  hourlyCounts(brand: string, from: number, to: number): HourCount[] {
    const b = this.brands.get(brand);
    if (!b) return [];
    const hours = this.hoursIn(b.hours, from, to);
    const out: HourCount[] = [];
    for (const label of LABELS)
      for (const [hour, counts] of hours) if (counts[label] > 0) out.push({ hour, label, n: counts[label] });
    return out;
  }

  hourTotals(brand: string, from: number, to: number): HourTotals {
    const totals = noTotals();
    const b = this.brands.get(brand);
    if (!b) return totals;
    const add = (hour: number, counts: Counts) => {
      for (const label of LABELS) if (counts[label] > 0) addToTotals(totals, hour, label, counts[label]);
    };
    // Sums of whole counts: the same in any order. Whichever of the span and the map is shorter is walked.
    const first = Math.ceil(from / HOUR) * HOUR;
    if ((to - first) / HOUR <= b.hours.size)
      for (let h = first; h < to; h += HOUR) {
        const counts = b.hours.get(h);
        if (counts !== undefined) add(h, counts);
      }
    else for (const [h, counts] of b.hours) if (h >= from && h < to) add(h, counts);
    return totals;
  }

  windowCounts(brand: string, from: number, to: number, volume = false): Counts {
    const b = this.brands.get(brand);
    if (!b) return { negative: 0, neutral: 0, positive: 0 };
    const lines = volume ? b.posts : b.opinions;
    return {
      negative: lines.negative.count(from, to),
      neutral: lines.neutral.count(from, to),
      positive: lines.positive.count(from, to),
    };
  }

  labelledMentions(
    brand: string,
    label: SentimentLabel,
    from: number,
    to: number,
    limit: number,
  ): DetectedMention[] {
    const b = this.brands.get(brand);
    if (!b) return [];
    // Equal keys keep the scan order, as SQLite's sorter does: by insertion among equal times.
    const line = b.posts[label];
    const out: Row[] = [];
    const k = Math.max(0, limit);
    if (k > 0)
      for (let i = line.from(from), end = line.from(to); i < end; i++)
        offer(out, line.rows[i] as Row, k, byReach);
    return out.map((r) => r.m);
  }

  viralMentions(brand: string, min: number, since: number): DetectedMention[] {
    const b = this.brands.get(brand);
    if (!b) return [];
    return firstOf(
      b.viralSet(min, since),
      MOST,
      (x, y) => (y.virality as number) - (x.virality as number) || y.seq - x.seq,
    ).map((r) => r.m);
  }

  unansweredComplaints(brand: string, from: number, to: number, minReach: number): DetectedMention[] {
    const b = this.brands.get(brand);
    if (!b) return [];
    return b.complaints
      .range(from, to)
      .filter((r) => r.m.answeredAt === null && (r.reach ?? 0) >= minReach)
      .sort((x, y) => desc(x.reach, y.reach))
      .slice(0, MOST)
      .map((r) => r.m);
  }

  historyStart(brand: string): number | null {
    return this.brands.get(brand)?.firstHour ?? null;
  }

  sourceCounts(brand: string, from: number, to: number, hours = false): Map<string, number> {
    const out = new Map<string, number>();
    const b = this.brands.get(brand);
    if (!b) return out;
    // Grouped by source, as the database's GROUP BY gives them: in byte order of the name.
    const sources = [...b.bySource.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    for (const source of sources) {
      if (!hours) {
        const n = (b.bySource.get(source) as Timeline).count(from, to);
        if (n > 0) out.set(source, n);
        continue;
      }
      const perHour = b.sourceHours.get(source);
      const n = perHour ? sumOfHours(perHour, from, to) : -1;
      if (n >= 0) out.set(source, n);
    }
    return out;
  }

  intentsOf(brand: string, ids: readonly string[]): string[][] {
    const rows = this.brands.get(brand)?.rows;
    const out: string[][] = [];
    for (const id of new Set(ids)) {
      const r = rows?.get(id);
      if (r) out.push(r.m.intents.map((i) => i.name));
    }
    return out;
  }

  /** The entries of an hourly map in [from, to), oldest first, by walking whichever is shorter. */
  private hoursIn<T>(map: Map<number, T>, from: number, to: number): [number, T][] {
    const out: [number, T][] = [];
    const first = Math.ceil(from / HOUR) * HOUR;
    if ((to - first) / HOUR <= map.size) {
      for (let h = first; h < to; h += HOUR) {
        const v = map.get(h);
        if (v !== undefined) out.push([h, v]);
      }
      return out;
    }
    for (const [h, v] of map) if (h >= from && h < to) out.push([h, v]);
    return out.sort((x, y) => x[0] - y[0]);
  }

  private brand(name: string): BrandSeries {
    let b = this.brands.get(name);
    if (!b) this.brands.set(name, (b = new BrandSeries()));
    return b;
  }

  /** A new row as storeMentions writes it and series.ts reads it back. */
  private insert(b: BrandSeries, m: AnalyzedMention): void {
    const r: Row = {
      seq: this.seq++,
      reach: m.reach ?? null,
      virality: m.virality ?? null,
      m: {
        id: m.id,
        source: stored(m.source),
        url: storedOrNull(m.url),
        text: stored(m.text),
        authorHandle: storedOrNull(m.author?.handle),
        authorFollowers: m.author?.followers ?? null,
        authorVerified: m.author?.verified === true,
        label: m.sentiment.label,
        score: m.sentiment.score,
        // Copies, as reading the row gives: names and numbers only (a JSON round trip cost 1.6 µs).
        intents: m.intents.map((i): Intent => ({ name: i.name, confidence: i.confidence })),
        metrics: { ...m.metrics },
        reach: m.reach ?? 0,
        virality: m.virality ?? 0,
        createdAt: m.createdAt.getTime(),
        answeredAt: m.answeredAt?.getTime() ?? null,
      },
    };
    // The query's `sentiment_label = 'negative' or intents like '%"complaint"%'` (LIKE ignores ASCII case).
    const complaint =
      m.sentiment.label === 'negative' || m.intents.some((i) => i.name.toLowerCase() === 'complaint');
    b.insert(r, m.duplicateOf !== undefined, complaint);
  }
}

/** The sum of an hourly map's entries in [from, to), or -1 when it has none there. */
function sumOfHours(map: Map<number, number>, from: number, to: number): number {
  let n = 0;
  let any = false;
  const first = Math.ceil(from / HOUR) * HOUR;
  // As hoursIn walks, without listing the entries: whichever of the span and the map is shorter.
  if ((to - first) / HOUR <= map.size)
    for (let h = first; h < to; h += HOUR) {
      const k = map.get(h);
      if (k !== undefined) {
        n += k;
        any = true;
      }
    }
  else
    for (const [h, k] of map)
      if (h >= from && h < to) {
        n += k;
        any = true;
      }
  return any ? n : -1;
}

/**
 * The first `k` of `items` in the order of `cmp` (a total order): what sorting them all and taking
 * `k` gives, without sorting the thousands of viral candidates of a busy brand on every tick.
 */
export function firstOf<T>(items: Iterable<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  const out: T[] = [];
  if (k <= 0) return out;
  for (const item of items) offer(out, item, k, cmp);
  return out;
}

/** `item` into `out`, the first (at most `k`, k > 0) items met so far in the order of `cmp`. */
function offer<T>(out: T[], item: T, k: number, cmp: (a: T, b: T) => number): void {
  if (out.length === k && cmp(item, out[k - 1] as T) >= 0) return;
  let lo = 0;
  let hi = out.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(out[mid] as T, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  out.splice(lo, 0, item);
  if (out.length > k) out.pop();
}
