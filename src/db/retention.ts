import type Database from 'better-sqlite3';
import { preparedFor, type Store } from './client.ts';

// Pruning deletes in chunks, one short transaction each, and lets the event loop run between them:
// a writer (a poll, a detection) waits for one chunk at most, never for the whole prune.

export const PRUNE_CHUNK = 5_000;

export interface Pruned {
  mentions: number;
  snapshots: number;
  /** Transactions it took. */
  chunks: number;
}

function prepare(db: Database.Database) {
  return {
    brands: db.prepare<[], { brand: string }>('select distinct brand from mentions'),
    // The mentions of open incidents stay until the incident is resolved: detection still reads
    // them (a viral post is its own incident's subject). Incidents and alerts are never pruned; they
    // keep their title, counts, ids and the excerpts of their top posts.
    oldMentions: db.prepare<[string, number, string, number], { rowid: number; id: string }>(
      `select rowid, id from mentions where brand = ? and created_at < ?
         and id not in (select j.value from incidents i, json_each(i.mention_ids) j
                        where i.brand = ? and i.status != 'resolved')
       limit ?`,
    ),
    deleteMention: db.prepare<[number], unknown>('delete from mentions where rowid = ?'),
    deleteReadings: db.prepare<[string, string], unknown>(
      'delete from metric_snapshots where brand = ? and mention_id = ?',
    ),
    // Snapshot ids grow with insertion and a snapshot's `at` is the clock at insertion, so walking
    // the ids in order walks time: no index on `at` is needed (nor paid for on every insert).
    readingsAfter: db.prepare<[number, number], { id: number; at: number }>(
      'select id, at from metric_snapshots where id > ? order by id limit ?',
    ),
    deleteReadingsUpTo: db.prepare<[number, number, number], unknown>(
      'delete from metric_snapshots where id > ? and id <= ? and at < ?',
    ),
  };
}

const stmts = preparedFor(prepare);

const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes mentions made before `mentionsBefore` (with their readings) and readings taken before
 * `snapshotsBefore`. The hourly counts stay: baselines and charts read those, not the mentions.
 */
export async function prune(
  store: Store,
  cutoffs: { mentionsBefore: number; snapshotsBefore: number },
  chunk = PRUNE_CHUNK,
): Promise<Pruned> {
  const out: Pruned = { mentions: 0, snapshots: 0, chunks: 0 };
  for (const { brand } of stmts(store).brands.all()) {
    for (;;) {
      const n = pruneMentionChunk(store, brand, cutoffs.mentionsBefore, chunk);
      out.chunks++;
      out.mentions += n;
      if (n < chunk) break;
      await breathe();
    }
  }
  let after = 0;
  for (;;) {
    const step = pruneReadingChunk(store, after, cutoffs.snapshotsBefore, chunk);
    out.chunks++;
    out.snapshots += step.deleted;
    if (step.next === null) break;
    after = step.next;
    await breathe();
  }
  return out;
}

function pruneMentionChunk(store: Store, brand: string, before: number, chunk: number): number {
  const s = stmts(store);
  return store.sqlite.transaction(() => {
    const rows = s.oldMentions.all(brand, before, brand, chunk);
    for (const r of rows) {
      s.deleteReadings.run(brand, r.id);
      s.deleteMention.run(r.rowid);
    }
    return rows.length;
  })();
}

/** One chunk of readings after id `after`; `next` is null once a reading as new as the cutoff is reached. */
function pruneReadingChunk(
  store: Store,
  after: number,
  before: number,
  chunk: number,
): { deleted: number; next: number | null } {
  const s = stmts(store);
  return store.sqlite.transaction(() => {
    const rows = s.readingsAfter.all(after, chunk);
    const last = rows.at(-1);
    if (!last) return { deleted: 0, next: null };
    const deleted = s.deleteReadingsUpTo.run(after, last.id, before).changes;
    const reachedNow = rows.length < chunk || rows.some((r) => r.at >= before);
    return { deleted, next: reachedNow ? null : last.id };
  })();
}
