import type Database from 'better-sqlite3';
import type { AnalyzedMention, Metrics } from '../types.ts';
import { preparedFor, type Store } from './client.ts';

// The hot path (every mention of every poll, every detection tick) uses statements prepared once
// per connection: building and preparing a query each call cost ten times the query itself.

const HOUR = 3_600_000;

function prepare(db: Database.Database) {
  return {
    known: db.prepare<[string, string], { metrics: string }>(
      'select metrics from mentions where brand = ? and id = ?',
    ),
    // Positional parameters: binding an object by names costs more than the insert itself.
    insert: db.prepare(
      `insert into mentions (brand, id, source, source_key, url, title, text, author_handle, author_followers,
         author_verified, lang, created_at, first_seen_at, last_seen_at, sentiment_label, sentiment_score, intents, metrics, answered_at, reach, virality,
         duplicate_of)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (brand, id) do nothing`,
    ),
    updateMetrics: db.prepare('update mentions set metrics = ?, last_seen_at = ? where brand = ? and id = ?'),
    // Views only grow: a later reading can show the post reached more people than first estimated.
    reread: db.prepare(
      'update mentions set metrics = ?, last_seen_at = ?, reach = max(coalesce(reach, 0), ?) where brand = ? and id = ?',
    ),
    facts: db.prepare<
      [string, string],
      { source: string; created_at: number; author_followers: number | null }
    >('select source, created_at, author_followers from mentions where brand = ? and id = ?'),
    history: db.prepare<[string, string], { at: number; metrics: string }>(
      // The score reads the last readings only (the pace between the last two, the spread of the last
      // six): a campaign's thousands of snapshots are not read again on every copy.
      'select at, metrics from (select at, metrics from metric_snapshots where brand = ? and mention_id = ? order by at desc limit 8) order by at',
    ),
    setVirality: db.prepare('update mentions set virality = ? where brand = ? and id = ?'),
    originals: db.prepare<[string, number, number], { id: string; text: string }>(
      `select id, text from mentions where brand = ? and created_at >= ? and duplicate_of is null
       order by created_at limit ?`,
    ),
    answered: db.prepare(
      'update mentions set answered_at = ? where brand = ? and id = ? and answered_at is null',
    ),
    snapshot: db.prepare('insert into metric_snapshots (brand, mention_id, at, metrics) values (?, ?, ?, ?)'),
    count: db.prepare<[string, string, number, number], unknown>(
      'insert into mention_counts (brand, label, hour, n) values (?, ?, ?, ?) on conflict (brand, label, hour) do update set n = n + excluded.n',
    ),
    sourceCount: db.prepare<[string, string, number, number], unknown>(
      'insert into source_counts (brand, source, hour, n) values (?, ?, ?, ?) on conflict (brand, source, hour) do update set n = n + excluded.n',
    ),
    cursor: db.prepare<
      [string, string],
      {
        cursor: string | null;
        consecutive_failures: number;
        last_success_at: number | null;
        last_error_at: number | null;
        last_items_at: number | null;
      }
    >(
      `select cursor, consecutive_failures, last_success_at, last_error_at, last_items_at
       from source_cursors where brand = ? and source_key = ?`,
    ),
    saveCursor: db.prepare(
      `insert into source_cursors (brand, source_key, source, cursor, updated_at, last_success_at, last_items_at, consecutive_failures, last_error)
       values (@brand, @sourceKey, @source, @cursor, @at, @at, @itemsAt, 0, null)
       on conflict (brand, source_key) do update set cursor = excluded.cursor, updated_at = excluded.updated_at,
         last_success_at = excluded.last_success_at, last_items_at = coalesce(excluded.last_items_at, last_items_at),
         consecutive_failures = 0, last_error = null`,
    ),
    failure: db.prepare<
      [{ brand: string; sourceKey: string; source: string; error: string; at: number }],
      { n: number }
    >(
      `insert into source_cursors (brand, source_key, source, cursor, updated_at, last_error, last_error_at, consecutive_failures)
       values (@brand, @sourceKey, @source, null, @at, @error, @at, 1)
       on conflict (brand, source_key) do update set last_error = excluded.last_error, last_error_at = excluded.last_error_at,
         updated_at = excluded.updated_at, consecutive_failures = consecutive_failures + 1
       returning consecutive_failures as n`,
    ),
    recent: db.prepare<[string, string, number, number], { id: string }>(
      'select id from mentions where brand = ? and source_key = ? and created_at >= ? order by created_at desc limit ?',
    ),
  };
}

type Statements = ReturnType<typeof prepare>;
const stmts = preparedFor(prepare);

export interface CursorRow {
  cursor: unknown;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  /** The last poll that brought anything new. */
  lastItemsAt: number | null;
}

export function getCursor(store: Store, brand: string, sourceKey: string): CursorRow | undefined {
  const row = stmts(store).cursor.get(brand, sourceKey);
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
  store: Store,
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
): StoredPoll {
  return store.sqlite.transaction(() => {
    const result = storeMentions(store, poll.brand, poll.sourceKey, poll.mentions, poll.at, poll.rescore);
    // After the mentions: an answer may be to a post stored in this very poll.
    for (const a of poll.answers ?? []) stmts(store).answered.run(a.at.getTime(), poll.brand, a.id);
    stmts(store).saveCursor.run({
      brand: poll.brand,
      sourceKey: poll.sourceKey,
      source: poll.source,
      cursor: JSON.stringify(poll.cursor ?? null),
      at: poll.at,
      itemsAt: poll.mentions.length > 0 ? poll.at : null,
    });
    return result;
  })();
}

/** Inserts new mentions; for known ones, records a snapshot when their engagement changed. Call inside a transaction. */
export function storeMentions(
  store: Store,
  brand: string,
  sourceKey: string,
  list: AnalyzedMention[],
  at: number,
  rescore?: Rescore,
): StoredPoll {
  const s = stmts(store);
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
    const fresh =
      s.insert.run(
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
      ).changes > 0;
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
      if (m.answeredAt) s.answered.run(m.answeredAt.getTime(), brand, m.id);
      const before = s.known.get(brand, m.id);
      if (!hasMetrics || !before) continue;
      if (reread(s, brand, m.id, metrics, before.metrics, at, rescore)) updated++;
      continue;
    }
    if (hasMetrics) s.snapshot.run(brand, m.id, at, metrics);
  }
  for (const [original, n] of copies) addCopies(s, brand, original, n, at, rescore);
  for (const [key, n] of counts) {
    const [label, hour] = key.split('|');
    s.count.run(brand, label as string, Number(hour), n);
  }
  for (const [key, n] of sourceCounts) {
    const cut = key.lastIndexOf('|');
    s.sourceCount.run(brand, key.slice(0, cut), Number(key.slice(cut + 1)), n);
  }
  return { inserted, updated };
}

/**
 * A new reading of a known mention (a poll seeing it again, a refresh, a replayed observation): its
 * metrics, a snapshot, its reach and its virality. False when nothing changed.
 */
function reread(
  s: Statements,
  brand: string,
  id: string,
  metrics: string,
  before: string,
  at: number,
  rescore: Rescore | undefined,
): boolean {
  const merged = withCopies(metrics, before);
  if (merged === before) return false;
  const views = (JSON.parse(merged) as Metrics).views;
  s.reread.run(merged, at, typeof views === 'number' ? Math.round(views) : 0, brand, id);
  s.snapshot.run(brand, id, at, merged);
  if (rescore) rescoreVirality(s, brand, id, rescore);
  return true;
}

/**
 * The source's readings know nothing of the copies Earshot counted: they are carried over, so a
 * refresh does not undo the spread.
 */
function withCopies(metrics: string, before: string | undefined): string {
  if (before === undefined || !before.includes('"copies"')) return metrics;
  const copies = (JSON.parse(before) as Metrics).copies;
  return copies ? JSON.stringify({ ...(JSON.parse(metrics) as Metrics), copies }) : metrics;
}

/** `n` more copies of `original`: its metrics, a snapshot, and its virality, since copies are spread. */
function addCopies(
  s: Statements,
  brand: string,
  original: string,
  n: number,
  at: number,
  rescore?: Rescore,
): void {
  const before = s.known.get(brand, original);
  if (!before) return;
  const m = JSON.parse(before.metrics) as Metrics;
  const metrics = JSON.stringify({ ...m, copies: (m.copies ?? 0) + n });
  s.updateMetrics.run(metrics, at, brand, original);
  s.snapshot.run(brand, original, at, metrics);
  if (rescore) rescoreVirality(s, brand, original, rescore);
}

function rescoreVirality(s: Statements, brand: string, id: string, rescore: Rescore): void {
  const facts = s.facts.get(brand, id);
  if (!facts) return;
  const history = s.history.all(brand, id).map((h) => ({
    at: h.at,
    metrics: JSON.parse(h.metrics) as Record<string, number>,
  }));
  const followers = facts.author_followers ?? undefined;
  s.setVirality.run(
    rescore({ source: facts.source, createdAt: facts.created_at, followers }, history),
    brand,
    id,
  );
}

/** Texts of the brand's originals (not copies) made since `since`, oldest first: to find copies again after a restart. */
export function recentOriginals(
  store: Store,
  brand: string,
  since: number,
  limit: number,
): { id: string; text: string }[] {
  return stmts(store).originals.all(brand, since, limit);
}

/** Ids of the source's mentions made since `since`, newest first: those whose engagement is re-read. */
export function recentIds(
  store: Store,
  brand: string,
  sourceKey: string,
  since: number,
  limit: number,
): string[] {
  return stmts(store)
    .recent.all(brand, sourceKey, since, limit)
    .map((r) => r.id);
}

/**
 * Stores new readings of known mentions: the latest metrics, a snapshot when they changed, and the
 * brand's answer when it appeared. Unknown ids are ignored. One transaction.
 */
export function recordReadings(
  store: Store,
  brand: string,
  readings: { id: string; metrics: Record<string, number>; answeredAt?: Date }[],
  at: number,
  rescore?: Rescore,
): number {
  const s = stmts(store);
  return store.sqlite.transaction(() => {
    let changed = 0;
    for (const r of readings) {
      const before = s.known.get(brand, r.id);
      if (!before) continue;
      if (r.answeredAt) s.answered.run(r.answeredAt.getTime(), brand, r.id);
      const fresh = JSON.stringify(r.metrics);
      if (fresh === '{}') continue;
      if (reread(s, brand, r.id, fresh, before.metrics, at, rescore)) changed++;
    }
    return changed;
  })();
}

/** A mention's virality from all its readings; the poll job passes the analysis' own. */
export type Rescore = (
  mention: { source: string; createdAt: number; followers: number | undefined },
  readings: { at: number; metrics: Record<string, number> }[],
) => number;

/** A failed poll: counted, the error kept, the cursor left where it was. Returns the failures in a row. */
export function recordPollFailure(
  store: Store,
  f: { brand: string; sourceKey: string; source: string; error: string; at: number },
): number {
  return stmts(store).failure.get(f)?.n ?? 1;
}
