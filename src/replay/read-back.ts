import type Database from 'better-sqlite3';
import type { Store } from '../db/client.ts';
import { SqliteSql } from '../db/sql.ts';
import type { StoredReading } from './memory-series.ts';

// Replay's memory copy runs on SQLite only (src/commands/replay.ts), and reads back synchronously,
// between two statements of its own, straight from the connection.
const prepare = (db: Database.Database) => ({
  reading: db.prepare<
    [string, string],
    { metrics: string; reach: number | null; virality: number | null; answered_at: number | null }
  >('select metrics, reach, virality, answered_at from mentions where brand = ? and id = ?'),
  any: db.prepare<[], { n: number }>('select count(*) as n from (select 1 from mentions limit 1)'),
});
const cache = new WeakMap<Database.Database, ReturnType<typeof prepare>>();
function stmts(store: Store): ReturnType<typeof prepare> {
  const db = sqliteOf(store);
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
}

/** The connection under the store: replay's memory copies write and read it directly. */
export function sqliteOf(store: Store): Database.Database {
  if (!(store instanceof SqliteSql)) throw new Error('replay keeps its series in memory on SQLite only');
  return store.sqlite;
}

/**
 * What the database holds now of these mentions: storing a batch rescores the originals of its
 * copies and the posts seen again, and replay's memory copy takes those values as they are.
 */
export function readBack(store: Store, brand: string, ids: readonly string[]): Map<string, StoredReading> {
  const s = stmts(store).reading;
  return readingsOf(ids, (id) => {
    const r = s.get(brand, id);
    return r && { metrics: r.metrics, reach: r.reach, virality: r.virality, answeredAt: r.answered_at };
  });
}

/**
 * The readings `get` finds of these ids, their metrics (stored as JSON) parsed, unless `get` has
 * them parsed already (replay's memory store keeps the last reading's).
 */
export function readingsOf(
  ids: readonly string[],
  get: (
    id: string,
  ) =>
    | (Omit<StoredReading, 'metrics'> & { metrics: string; parsed?: StoredReading['metrics'] | null })
    | undefined,
): Map<string, StoredReading> {
  const out = new Map<string, StoredReading>();
  for (const id of ids) {
    const r = get(id);
    if (r)
      out.set(id, {
        metrics: r.parsed ?? (JSON.parse(r.metrics) as Record<string, number>),
        reach: r.reach,
        virality: r.virality,
        answeredAt: r.answeredAt,
      });
  }
  return out;
}

/** Whether the database already holds mentions (a memory copy started now would miss them). */
export function holdsMentions(store: Store): boolean {
  return (stmts(store).any.get()?.n ?? 0) > 0;
}
