import type Database from 'better-sqlite3';
import { MENTION_WRITES, mentionRow, withCopies, type Rescore, type StoredPoll } from '../db/mentions.ts';
import type { AnalyzedMention, Metrics } from '../types.ts';
import { stored, type StoredReading } from './memory-series.ts';
import { readingsOf } from './read-back.ts';

// Replay stores its mentions here, as storeMentions stores them in the database, and writes them to
// SQLite only when something is about to read the database (an alert reads its mentions' intents,
// a test compares, the replay ends into a database the caller keeps): ten statements an
// observation were most of a replay's time. What it writes is what storeMentions would have left,
// row for row; tests/integration/replay-series.test.ts compares the tables.

const HOUR = 3_600_000;
/** The LIMIT of storeMentions' history query: the readings a rescore reads. */
const HISTORY = 8;

interface Snapshot {
  at: number;
  metrics: string;
  parsed: Record<string, number>;
}

/** A mention's row: what it was inserted with, and the columns later readings change. */
interface Row {
  brand: string;
  id: string;
  /** The mention and its first reading, made into the insert's columns when written. */
  first: { m: AnalyzedMention; sourceKey: string; metrics: string };
  source: string;
  createdAt: number;
  followers: number | undefined;
  metrics: string;
  /** `metrics` parsed, once a reading has parsed it: what readBack hands detection. */
  parsed: Record<string, number> | null;
  firstSeenAt: number;
  lastSeenAt: number;
  reach: number | null;
  virality: number | null;
  answeredAt: number | null;
  /** Ordered by time, then by insertion (the snapshots index and its rowid). */
  snapshots: Snapshot[];
  written: boolean;
  changed: boolean;
}

export class MemoryStore {
  private readonly brands = new Map<string, Map<string, Row>>();
  /** What the database does not have yet, in the order storeMentions would have written it. */
  private fresh: Row[] = [];
  private changed: Row[] = [];
  private snapshots: { row: Row; snap: Snapshot }[] = [];
  private db: Database.Database | null = null;
  private statements: Statements | null = null;

  /** storeMentions, in memory: same rows, snapshots, counts and return value. */
  store(
    brand: string,
    sourceKey: string,
    list: readonly AnalyzedMention[],
    at: number,
    rescore?: Rescore,
  ): StoredPoll {
    const rows = this.rowsOf(brand);
    const inserted: string[] = [];
    let updated = 0;
    const copies = new Map<string, number>();
    for (const m of list) {
      const metrics = JSON.stringify(m.metrics);
      const known = rows.get(m.id);
      if (!known) {
        const row: Row = {
          brand,
          id: m.id,
          first: { m, sourceKey, metrics },
          source: stored(m.source),
          createdAt: m.createdAt.getTime(),
          followers: m.author?.followers,
          metrics,
          parsed: null,
          firstSeenAt: at,
          lastSeenAt: at,
          reach: m.reach ?? null,
          virality: m.virality ?? null,
          answeredAt: m.answeredAt?.getTime() ?? null,
          snapshots: [],
          written: false,
          changed: false,
        };
        rows.set(m.id, row);
        this.fresh.push(row);
        if (m.duplicateOf !== undefined) copies.set(m.duplicateOf, (copies.get(m.duplicateOf) ?? 0) + 1);
        inserted.push(m.id);
        continue;
      }
      if (m.answeredAt && known.answeredAt === null) {
        known.answeredAt = m.answeredAt.getTime();
        this.touch(known);
      }
      if (metrics === '{}') continue;
      if (this.reread(known, metrics, at, rescore)) updated++;
    }
    for (const [original, n] of copies) {
      const row = rows.get(original);
      if (!row) continue;
      const m = (row.parsed ?? JSON.parse(row.metrics)) as Metrics;
      this.keepFirstReading(row);
      this.read(row, JSON.stringify({ ...m, copies: (m.copies ?? 0) + n }), at);
      if (rescore) this.rescore(row, rescore);
    }
    return { inserted, updated };
  }

  /** What readBack reads of the database: the rows as they stand now. */
  readBack(brand: string, ids: readonly string[]): Map<string, StoredReading> {
    const rows = this.rowsOf(brand);
    return readingsOf(ids, (id) => rows.get(id));
  }

  /** Whether something is not in the database yet. */
  get behind(): boolean {
    return this.fresh.length > 0 || this.changed.length > 0 || this.snapshots.length > 0;
  }

  /** Writes what the database does not have yet, in one transaction. */
  sync(db: Database.Database): void {
    if (!this.behind) return;
    if (this.db !== db) this.statements = prepare((this.db = db));
    const { insert, latest, snapshot, count, sourceCount } = this.statements as Statements;
    // The hourly counts of the new rows, made here: most replays never write to the database.
    const counts = new Map<string, number>();
    const sourceCounts = new Map<string, number>();
    for (const r of this.fresh) {
      const hour = Math.floor(r.createdAt / HOUR) * HOUR;
      add(counts, `${r.brand}\u0000${r.first.m.sentiment.label}\u0000${hour}`);
      add(sourceCounts, `${r.brand}\u0000${r.first.m.source}\u0000${hour}`);
    }
    db.transaction(() => {
      for (const r of this.fresh) {
        insert.run(mentionRow(r.brand, r.first.sourceKey, r.first.m, r.first.metrics, r.firstSeenAt));
        r.written = true;
        if (r.changed) this.changed.push(r);
      }
      for (const r of this.changed) {
        latest.run(r.metrics, r.lastSeenAt, r.reach, r.virality, r.answeredAt, r.brand, r.id);
        r.changed = false;
      }
      for (const { row, snap } of this.snapshots) snapshot.run(row.brand, row.id, snap.at, snap.metrics);
      for (const [key, n] of counts) count.run(...split(key), n);
      for (const [key, n] of sourceCounts) sourceCount.run(...split(key), n);
    })();
    this.fresh = [];
    this.changed = [];
    this.snapshots = [];
  }

  /** A new reading of a known mention; false when nothing changed (storeMentions' reread). */
  private reread(row: Row, metrics: string, at: number, rescore: Rescore | undefined): boolean {
    const merged = withCopies(metrics, row.metrics);
    if (merged === row.metrics) return false;
    // Parsed once: for the views here, the snapshot, and what detection reads back.
    const parsed = JSON.parse(merged) as Record<string, number>;
    const views = parsed.views;
    const reach = typeof views === 'number' ? Math.round(views) : 0;
    this.keepFirstReading(row);
    const before = row.reach ?? 0;
    row.reach = before > reach ? before : reach;
    this.read(row, merged, at, parsed);
    if (rescore) this.rescore(row, rescore);
    return true;
  }

  /** The row's metrics become `metrics` at `at`, with a snapshot of them. */
  private read(row: Row, metrics: string, at: number, parsed?: Record<string, number>): void {
    row.metrics = metrics;
    row.lastSeenAt = at;
    row.parsed = this.snapshot(row, at, metrics, parsed);
    this.touch(row);
  }

  private keepFirstReading(row: Row): void {
    if (row.lastSeenAt !== row.firstSeenAt || row.metrics === '{}' || row.snapshots.length > 0) return;
    this.snapshot(row, row.firstSeenAt, row.metrics);
  }

  private snapshot(
    row: Row,
    at: number,
    metrics: string,
    parsed?: Record<string, number>,
  ): Snapshot['parsed'] {
    const snap = { at, metrics, parsed: parsed ?? (JSON.parse(metrics) as Record<string, number>) };
    const list = row.snapshots;
    let i = list.length;
    while (i > 0 && (list[i - 1] as Snapshot).at > at) i--;
    list.splice(i, 0, snap);
    this.snapshots.push({ row, snap });
    return snap.parsed;
  }

  /**
   * The history query's answer: the last readings by (time, insertion) descending, then by time,
   * equal times keeping that descending order.
   */
  private rescore(row: Row, rescore: Rescore): void {
    // The snapshots are in that order already: the last ones, with each run of equal times reversed.
    const list = row.snapshots;
    const history: { at: number; metrics: Record<string, number> }[] = [];
    for (let i = Math.max(0, list.length - HISTORY); i < list.length;) {
      const at = (list[i] as Snapshot).at;
      let end = i + 1;
      while (end < list.length && (list[end] as Snapshot).at === at) end++;
      for (let k = end - 1; k >= i; k--) history.push({ at, metrics: (list[k] as Snapshot).parsed });
      i = end;
    }
    row.virality = rescore(
      { source: row.source, createdAt: row.createdAt, followers: row.followers },
      history,
    );
    this.touch(row);
  }

  /** An unwritten row is written as it stands; a written one is updated once at the next sync. */
  private touch(row: Row): void {
    if (row.changed) return;
    row.changed = true;
    if (row.written) this.changed.push(row);
  }

  private rowsOf(brand: string): Map<string, Row> {
    let rows = this.brands.get(brand);
    if (!rows) this.brands.set(brand, (rows = new Map<string, Row>()));
    return rows;
  }
}

type Statements = ReturnType<typeof prepare>;

const prepare = (db: Database.Database) => ({
  insert: db.prepare(MENTION_WRITES.insert),
  latest: db.prepare(MENTION_WRITES.latest),
  snapshot: db.prepare(MENTION_WRITES.snapshot),
  count: db.prepare(MENTION_WRITES.count),
  sourceCount: db.prepare(MENTION_WRITES.sourceCount),
});

function add(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function split(key: string): [string, string, number] {
  const [a, b, hour] = key.split('\u0000') as [string, string, string];
  return [a, b, Number(hour)];
}
