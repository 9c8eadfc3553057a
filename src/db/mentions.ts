import type { AnalyzedMention, Metrics } from '../types.ts';
import type { Sql } from './sql.ts';

// The hot path (every mention of every poll, every detection tick): each text below is prepared
// once per connection by the store (SQLite) or planned once per text (PostgreSQL).

const HOUR = 3_600_000;

const Q = {
  known: 'select metrics, first_seen_at, last_seen_at from mentions where brand = ? and id = ?',
  // Positional parameters: binding an object by names costs more than the insert itself.
  insert: `insert into mentions (brand, id, source, source_key, url, title, text, author_handle, author_followers,
     author_verified, lang, created_at, first_seen_at, last_seen_at, sentiment_label, sentiment_score, intents, metrics, answered_at, reach, virality,
     duplicate_of)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
   on conflict (brand, id) do nothing`,
  updateMetrics: 'update mentions set metrics = ?, last_seen_at = ? where brand = ? and id = ?',
  // Views only grow: a later reading can show the post reached more people than first estimated.
  reread: `update mentions set metrics = ?, last_seen_at = ?,
     reach = case when coalesce(reach, 0) > ? then coalesce(reach, 0) else ? end where brand = ? and id = ?`,
  facts: 'select source, created_at, author_followers from mentions where brand = ? and id = ?',
  // The score reads the last readings only (the pace between the last two, the spread of the last
  // six): a campaign's thousands of snapshots are not read again on every copy.
  history:
    'select at, metrics from (select at, metrics from metric_snapshots where brand = ? and mention_id = ? order by at desc limit 8) h order by at',
  setVirality: 'update mentions set virality = ? where brand = ? and id = ?',
  originals: `select id, text from mentions where brand = ? and created_at >= ? and duplicate_of is null
     order by created_at limit ?`,
  answered: 'update mentions set answered_at = ? where brand = ? and id = ? and answered_at is null',
  snapshot: 'insert into metric_snapshots (brand, mention_id, at, metrics) values (?, ?, ?, ?)',
  hasSnapshot: 'select 1 as one from metric_snapshots where brand = ? and mention_id = ? limit 1',
  count: `insert into mention_counts (brand, label, hour, n) values (?, ?, ?, ?)
     on conflict (brand, label, hour) do update set n = mention_counts.n + excluded.n`,
  sourceCount: `insert into source_counts (brand, source, hour, n) values (?, ?, ?, ?)
     on conflict (brand, source, hour) do update set n = source_counts.n + excluded.n`,
  cursor: `select cursor, consecutive_failures, last_success_at, last_error_at, last_items_at
     from source_cursors where brand = ? and source_key = ?`,
  saveCursor: `insert into source_cursors (brand, source_key, source, cursor, updated_at, last_success_at, last_items_at, consecutive_failures, last_error)
     values (?, ?, ?, ?, ?, ?, ?, 0, null)
     on conflict (brand, source_key) do update set cursor = excluded.cursor, updated_at = excluded.updated_at,
       last_success_at = excluded.last_success_at,
       last_items_at = coalesce(excluded.last_items_at, source_cursors.last_items_at),
       consecutive_failures = 0, last_error = null`,
  failure: `insert into source_cursors (brand, source_key, source, cursor, updated_at, last_error, last_error_at, consecutive_failures)
     values (?, ?, ?, null, ?, ?, ?, 1)
     on conflict (brand, source_key) do update set last_error = excluded.last_error, last_error_at = excluded.last_error_at,
       updated_at = excluded.updated_at, consecutive_failures = source_cursors.consecutive_failures + 1
     returning consecutive_failures as n`,
  recent:
    'select id from mentions where brand = ? and source_key = ? and created_at >= ? order by created_at desc limit ?',
};

/** The statements replay's memory store writes its rows with, as storeMentions does. */
export const MENTION_WRITES = {
  insert: Q.insert,
  snapshot: Q.snapshot,
  count: Q.count,
  sourceCount: Q.sourceCount,
  /** A row's readings after it was written: what reread, addCopies, rescore and answers change. */
  latest: `update mentions set metrics = ?, last_seen_at = ?, reach = ?, virality = ?, answered_at = ?
     where brand = ? and id = ?`,
};

/**
 * A stored mention's latest reading. Its first reading is its own row (`metrics` at `first_seen_at`)
 * until a second one arrives, and only then do both become snapshots: most mentions are read once,
 * and a snapshot row and its index entry cost a quarter of storing a mention.
 */
interface Known {
  metrics: string;
  first_seen_at: number;
  last_seen_at: number;
}

interface CursorDbRow {
  cursor: string | null;
  consecutive_failures: number;
  last_success_at: number | null;
  last_error_at: number | null;
  last_items_at: number | null;
}

export interface CursorRow {
  cursor: unknown;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  /** The last poll that brought anything new. */
  lastItemsAt: number | null;
}

export async function getCursor(db: Sql, brand: string, sourceKey: string): Promise<CursorRow | undefined> {
  const row = await db.get<CursorDbRow>(Q.cursor, [brand, sourceKey]);
  if (!row) return undefined;
  return {
    cursor: row.cursor === null ? null : JSON.parse(row.cursor),
    consecutiveFailures: row.consecutive_failures,
    lastSuccessAt: row.last_success_at,
    lastErrorAt: row.last_error_at,
    lastItemsAt: row.last_items_at,
  };
}

export interface StoredPoll {
  inserted: string[];
  updated: number;
}

/**
 * Stores a poll's mentions, their snapshots and counts, and the cursor that covers them, in ONE
 * transaction: the cursor never moves past data that is not stored.
 */
export function storePoll(
  db: Sql,
  poll: {
    brand: string;
    sourceKey: string;
    source: string;
    mentions: AnalyzedMention[];
    cursor: unknown;
    at: number;
    answers?: { id: string; at: Date }[];
    /** Rescores an original's virality when copies of it arrive. */
    rescore?: Rescore;
  },
): Promise<StoredPoll> {
  return db.tx(async () => {
    const result = await storeMentions(db, poll.brand, poll.sourceKey, poll.mentions, poll.at, poll.rescore);
    // After the mentions: an answer may be to a post stored in this very poll.
    for (const a of poll.answers ?? []) await db.run(Q.answered, [a.at.getTime(), poll.brand, a.id]);
    const itemsAt = poll.mentions.length > 0 ? poll.at : null;
    await db.run(Q.saveCursor, [
      poll.brand,
      poll.sourceKey,
      poll.source,
      JSON.stringify(poll.cursor ?? null),
      poll.at,
      poll.at,
      itemsAt,
    ]);
    return result;
  });
}

/**
 * The columns of a new mention's row, in the order of the insert: `metrics` is its first reading,
 * already as JSON. Replay's memory store writes the same rows (src/replay/memory-store.ts).
 */
export function mentionRow(
  brand: string,
  sourceKey: string,
  m: AnalyzedMention,
  metrics: string,
  at: number,
): unknown[] {
  return [
    brand,
    m.id,
    m.source,
    sourceKey,
    m.url ?? null,
    m.title ?? null,
    m.text,
    m.author?.handle ?? null,
    m.author?.followers ?? null,
    m.author?.verified === undefined ? null : m.author.verified ? 1 : 0,
    m.lang,
    m.createdAt.getTime(),
    at,
    at,
    m.sentiment.label,
    m.sentiment.score,
    JSON.stringify(m.intents),
    metrics,
    m.answeredAt?.getTime() ?? null,
    m.reach ?? null,
    m.virality ?? null,
    m.duplicateOf ?? null,
  ];
}

/** Inserts new mentions; for known ones, records a snapshot when their engagement changed. Call inside a transaction. */
export async function storeMentions(
  db: Sql,
  brand: string,
  sourceKey: string,
  list: AnalyzedMention[],
  at: number,
  rescore?: Rescore,
): Promise<StoredPoll> {
  const inserted: string[] = [];
  let updated = 0;
  // Counts are added once per (label, hour) of the batch, not once per mention.
  const counts = new Map<string, number>();
  const sourceCounts = new Map<string, number>();
  // Copies per original, applied once per batch: a campaign of 10,000 copies is one reading a poll.
  const copies = new Map<string, number>();
  for (const m of list) {
    const metrics = JSON.stringify(m.metrics);
    const hasMetrics = metrics !== '{}';
    // Insert first: for a new mention (the common case) that is the only lookup.
    const fresh = (await db.run(Q.insert, mentionRow(brand, sourceKey, m, metrics, at))) > 0;
    // A copy is volume (people posting) and spread of its original, not one more opinion: it is
    // counted here, and the original's copies and virality grow; sentiment shares leave it out.
    if (fresh && m.duplicateOf !== undefined) copies.set(m.duplicateOf, (copies.get(m.duplicateOf) ?? 0) + 1);
    if (fresh) {
      const hour = Math.floor(m.createdAt.getTime() / HOUR) * HOUR;
      const key = `${m.sentiment.label}|${hour}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const bySource = `${m.source}|${hour}`;
      sourceCounts.set(bySource, (sourceCounts.get(bySource) ?? 0) + 1);
      inserted.push(m.id);
    } else {
      // The brand's answer can come in a later poll than the post.
      if (m.answeredAt) await db.run(Q.answered, [m.answeredAt.getTime(), brand, m.id]);
      const before = await db.get<Known>(Q.known, [brand, m.id]);
      if (!hasMetrics || !before) continue;
      if (await reread(db, brand, m.id, metrics, before, at, rescore)) updated++;
    }
  }
  for (const [original, n] of copies) await addCopies(db, brand, original, n, at, rescore);
  for (const [key, n] of counts) {
    const [label, hour] = key.split('|');
    await db.run(Q.count, [brand, label, Number(hour), n]);
  }
  for (const [key, n] of sourceCounts) {
    const cut = key.lastIndexOf('|');
    await db.run(Q.sourceCount, [brand, key.slice(0, cut), Number(key.slice(cut + 1)), n]);
  }
  return { inserted, updated };
}

/**
 * A new reading of a known mention (a poll seeing it again, a refresh, a replayed observation): its
 * metrics, a snapshot, its reach and its virality. False when nothing changed.
 */
async function reread(
  db: Sql,
  brand: string,
  id: string,
  metrics: string,
  before: Known,
  at: number,
  rescore: Rescore | undefined,
): Promise<boolean> {
  const merged = withCopies(metrics, before.metrics);
  if (merged === before.metrics) return false;
  const views = (JSON.parse(merged) as Metrics).views;
  const reach = typeof views === 'number' ? Math.round(views) : 0;
  await keepFirstReading(db, brand, id, before);
  await db.run(Q.reread, [merged, at, reach, reach, brand, id]);
  await db.run(Q.snapshot, [brand, id, at, merged]);
  if (rescore) await rescoreVirality(db, brand, id, rescore);
  return true;
}

/**
 * The source's readings know nothing of the copies Earshot counted: they are carried over, so a
 * refresh does not undo the spread.
 */
export function withCopies(metrics: string, before: string | undefined): string {
  if (before === undefined || !before.includes('"copies"')) return metrics;
  const copies = (JSON.parse(before) as Metrics).copies;
  return copies ? JSON.stringify({ ...(JSON.parse(metrics) as Metrics), copies }) : metrics;
}

/** `n` more copies of `original`: its metrics, a snapshot, and its virality, since copies are spread. */
async function addCopies(
  db: Sql,
  brand: string,
  original: string,
  n: number,
  at: number,
  rescore?: Rescore,
): Promise<void> {
  const before = await db.get<Known>(Q.known, [brand, original]);
  if (!before) return;
  const m = JSON.parse(before.metrics) as Metrics;
  const metrics = JSON.stringify({ ...m, copies: (m.copies ?? 0) + n });
  await keepFirstReading(db, brand, original, before);
  await db.run(Q.updateMetrics, [metrics, at, brand, original]);
  await db.run(Q.snapshot, [brand, original, at, metrics]);
  if (rescore) await rescoreVirality(db, brand, original, rescore);
}

/**
 * Before a mention's reading changes for the first time, its first reading becomes a snapshot. A
 * mention never read again has `last_seen_at = first_seen_at`; one stored before first readings
 * were kept in the row already has its snapshot.
 */
async function keepFirstReading(db: Sql, brand: string, id: string, before: Known): Promise<void> {
  if (Number(before.last_seen_at) !== Number(before.first_seen_at) || before.metrics === '{}') return;
  if (await db.get(Q.hasSnapshot, [brand, id])) return;
  await db.run(Q.snapshot, [brand, id, Number(before.first_seen_at), before.metrics]);
}

async function rescoreVirality(db: Sql, brand: string, id: string, rescore: Rescore): Promise<void> {
  const facts = await db.get<{ source: string; created_at: number; author_followers: number | null }>(
    Q.facts,
    [brand, id],
  );
  if (!facts) return;
  const history = (await db.all<{ at: number; metrics: string }>(Q.history, [brand, id])).map((h) => ({
    at: h.at,
    metrics: JSON.parse(h.metrics) as Record<string, number>,
  }));
  const followers = facts.author_followers ?? undefined;
  await db.run(Q.setVirality, [
    rescore({ source: facts.source, createdAt: facts.created_at, followers }, history),
    brand,
    id,
  ]);
}

/** Texts of the brand's originals (not copies) made since `since`, oldest first: to find copies again after a restart. */
export function recentOriginals(
  db: Sql,
  brand: string,
  since: number,
  limit: number,
): Promise<{ id: string; text: string }[]> {
  return db.all(Q.originals, [brand, since, limit]);
}

/** Ids of the source's mentions made since `since`, newest first: those whose engagement is re-read. */
export async function recentIds(
  db: Sql,
  brand: string,
  sourceKey: string,
  since: number,
  limit: number,
): Promise<string[]> {
  return (await db.all<{ id: string }>(Q.recent, [brand, sourceKey, since, limit])).map((r) => r.id);
}

/**
 * Stores new readings of known mentions: the latest metrics, a snapshot when they changed, and the
 * brand's answer when it appeared. Unknown ids are ignored. One transaction.
 */
export function recordReadings(
  db: Sql,
  brand: string,
  readings: { id: string; metrics: Record<string, number>; answeredAt?: Date }[],
  at: number,
  rescore?: Rescore,
): Promise<number> {
  return db.tx(async () => {
    let changed = 0;
    for (const r of readings) {
      const before = await db.get<Known>(Q.known, [brand, r.id]);
      if (!before) continue;
      if (r.answeredAt) await db.run(Q.answered, [r.answeredAt.getTime(), brand, r.id]);
      const fresh = JSON.stringify(r.metrics);
      if (fresh === '{}') continue;
      if (await reread(db, brand, r.id, fresh, before, at, rescore)) changed++;
    }
    return changed;
  });
}

/** A mention's virality from all its readings; the poll job passes the analysis' own. */
export type Rescore = (
  mention: { source: string; createdAt: number; followers: number | undefined },
  readings: { at: number; metrics: Record<string, number> }[],
) => number;

/** A failed poll: counted, the error kept, the cursor left where it was. Returns the failures in a row. */
export async function recordPollFailure(
  db: Sql,
  f: { brand: string; sourceKey: string; source: string; error: string; at: number },
): Promise<number> {
  const row = await db.get<{ n: number }>(Q.failure, [f.brand, f.sourceKey, f.source, f.at, f.error, f.at]);
  return row?.n ?? 1;
}
