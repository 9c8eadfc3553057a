import { jsonStrings } from './dialect.ts';
import type { Dialect, Sql } from './sql.ts';

// Pruning deletes in chunks, one short transaction each, and lets the event loop run between them:
// a writer (a poll, a detection) waits for one chunk at most, never for the whole prune.

export const PRUNE_CHUNK = 5_000;

export interface Pruned {
  mentions: number;
  snapshots: number;
  /** Transactions it took. */
  chunks: number;
}

const Q = {
  brands: 'select distinct brand from mentions',
  deleteMention: 'delete from mentions where brand = ? and id = ?',
  deleteReadings: 'delete from metric_snapshots where brand = ? and mention_id = ?',
  // Snapshot ids grow with insertion and a snapshot's `at` is the clock at insertion, so walking
  // the ids in order walks time: no index on `at` is needed (nor paid for on every insert).
  readingsAfter: 'select id, at from metric_snapshots where id > ? order by id limit ?',
  deleteReadingsUpTo: 'delete from metric_snapshots where id > ? and id <= ? and at < ?',
};

// The mentions of open incidents stay until the incident is resolved: detection still reads
// them (a viral post is its own incident's subject). Incidents and alerts are never pruned; they
// keep their title, counts, ids and the excerpts of their top posts.
const oldMentions = (d: Dialect) => `select id from mentions where brand = ? and created_at < ?
   and id not in (select j.value from incidents i, ${jsonStrings(d, 'i.mention_ids', 'j')}
                  where i.brand = ? and i.status != 'resolved')
 limit ?`;
const OLD_MENTIONS: Record<Dialect, string> = {
  sqlite: oldMentions('sqlite'),
  postgres: oldMentions('postgres'),
};

const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes mentions made before `mentionsBefore` (with their readings) and readings taken before
 * `snapshotsBefore`. The hourly counts stay: baselines and charts read those, not the mentions.
 */
export async function prune(
  db: Sql,
  cutoffs: { mentionsBefore: number; snapshotsBefore: number },
  chunk = PRUNE_CHUNK,
): Promise<Pruned> {
  const out: Pruned = { mentions: 0, snapshots: 0, chunks: 0 };
  for (const { brand } of await db.all<{ brand: string }>(Q.brands)) {
    for (;;) {
      const n = await pruneMentionChunk(db, brand, cutoffs.mentionsBefore, chunk);
      out.chunks++;
      out.mentions += n;
      if (n < chunk) break;
      await breathe();
    }
  }
  let after = 0;
  for (;;) {
    const step = await pruneReadingChunk(db, after, cutoffs.snapshotsBefore, chunk);
    out.chunks++;
    out.snapshots += step.deleted;
    if (step.next === null) break;
    after = step.next;
    await breathe();
  }
  return out;
}

function pruneMentionChunk(db: Sql, brand: string, before: number, chunk: number): Promise<number> {
  return db.tx(async () => {
    const rows = await db.all<{ id: string }>(OLD_MENTIONS[db.dialect], [brand, before, brand, chunk]);
    for (const r of rows) {
      await db.run(Q.deleteReadings, [brand, r.id]);
      await db.run(Q.deleteMention, [brand, r.id]);
    }
    return rows.length;
  });
}

/** One chunk of readings after id `after`; `next` is null once a reading as new as the cutoff is reached. */
function pruneReadingChunk(
  db: Sql,
  after: number,
  before: number,
  chunk: number,
): Promise<{ deleted: number; next: number | null }> {
  return db.tx(async () => {
    const rows = await db.all<{ id: number; at: number }>(Q.readingsAfter, [after, chunk]);
    const last = rows.at(-1);
    if (!last) return { deleted: 0, next: null };
    const deleted = await db.run(Q.deleteReadingsUpTo, [after, last.id, before]);
    const reachedNow = rows.length < chunk || rows.some((r) => r.at >= before);
    return { deleted, next: reachedNow ? null : last.id };
  });
}
