import type { AnalyzedMention } from '../types.ts';
import { storeMentions } from './mentions.ts';
import type { backfills } from './schema.ts';
import type { Sql } from './sql.ts';

export type BackfillRow = typeof backfills.$inferSelect;

const SELECT = `select brand, source_key as "sourceKey", since, until, position, pages, stored, reached,
  started_at as "startedAt", updated_at as "updatedAt", finished_at as "finishedAt" from backfills`;

export async function getBackfill(
  db: Sql,
  brand: string,
  sourceKey: string,
): Promise<BackfillRow | undefined> {
  const row = await db.get<Omit<BackfillRow, 'position'> & { position: string | null }>(
    `${SELECT} where brand = ? and source_key = ?`,
    [brand, sourceKey],
  );
  return row && { ...row, position: row.position === null ? null : (JSON.parse(row.position) as unknown) };
}

/** A new span to read, from its first page (what an earlier run of the entry had is replaced). */
export async function beginBackfill(
  db: Sql,
  b: { brand: string; sourceKey: string; since: number; until: number; at: number },
): Promise<BackfillRow> {
  const row: BackfillRow = {
    brand: b.brand,
    sourceKey: b.sourceKey,
    since: b.since,
    until: b.until,
    position: null,
    pages: 0,
    stored: 0,
    reached: null,
    startedAt: b.at,
    updatedAt: b.at,
    finishedAt: null,
  };
  await db.run(
    `insert into backfills (brand, source_key, since, until, position, pages, stored, reached, started_at, updated_at, finished_at)
     values (?, ?, ?, ?, null, 0, 0, null, ?, ?, null)
     on conflict (brand, source_key) do update set since = excluded.since, until = excluded.until,
       position = null, pages = 0, stored = 0, reached = null, started_at = excluded.started_at,
       updated_at = excluded.updated_at, finished_at = null`,
    [b.brand, b.sourceKey, b.since, b.until, b.at, b.at],
  );
  return row;
}

/**
 * A page's mentions and the place of the next page, in ONE transaction: interrupted anywhere, a
 * run continues from the last page stored, and the page read again is stored once. The poll's own
 * cursor is not touched.
 */
export function storeBackfillPage(
  db: Sql,
  p: {
    brand: string;
    sourceKey: string;
    mentions: AnalyzedMention[];
    next: unknown;
    oldest: number | null;
    at: number;
  },
): Promise<{ inserted: number }> {
  return db.tx(async () => {
    const { inserted } = await storeMentions(db, p.brand, p.sourceKey, p.mentions, p.at);
    // The oldest post time read so far: a page may reach no older than the last one did.
    await db.run(
      `update backfills set position = ?, pages = pages + 1, stored = stored + ?,
         reached = case when cast(? as bigint) is null then reached
                        when reached is null or reached > ? then ? else reached end,
         updated_at = ?, finished_at = ?
       where brand = ? and source_key = ?`,
      [
        p.next === undefined || p.next === null ? null : JSON.stringify(p.next),
        inserted.length,
        p.oldest,
        p.oldest,
        p.oldest,
        p.at,
        p.next === null ? p.at : null,
        p.brand,
        p.sourceKey,
      ],
    );
    return { inserted: inserted.length };
  });
}
