import { and, eq, sql } from 'drizzle-orm';
import type { AnalyzedMention } from '../types.ts';
import type { Store } from './client.ts';
import { storeMentions } from './mentions.ts';
import { backfills } from './schema.ts';

export type BackfillRow = typeof backfills.$inferSelect;

export function getBackfill(store: Store, brand: string, sourceKey: string): BackfillRow | undefined {
  return store.db
    .select()
    .from(backfills)
    .where(and(eq(backfills.brand, brand), eq(backfills.sourceKey, sourceKey)))
    .get();
}

/** A new span to read, from its first page (what an earlier run of the entry had is replaced). */
export function beginBackfill(
  store: Store,
  b: { brand: string; sourceKey: string; since: number; until: number; at: number },
): BackfillRow {
  const row = {
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
  store.db
    .insert(backfills)
    .values(row)
    .onConflictDoUpdate({ target: [backfills.brand, backfills.sourceKey], set: row })
    .run();
  return row;
}

/**
 * A page's mentions and the place of the next page, in ONE transaction: interrupted anywhere, a
 * run continues from the last page stored, and the page read again is stored once. The poll's own
 * cursor is not touched.
 */
export function storeBackfillPage(
  store: Store,
  p: {
    brand: string;
    sourceKey: string;
    mentions: AnalyzedMention[];
    next: unknown;
    oldest: number | null;
    at: number;
  },
): { inserted: number } {
  return store.sqlite.transaction(() => {
    const { inserted } = storeMentions(store, p.brand, p.sourceKey, p.mentions, p.at);
    store.db
      .update(backfills)
      .set({
        position: p.next ?? null,
        pages: sql`${backfills.pages} + 1`,
        stored: sql`${backfills.stored} + ${inserted.length}`,
        reached:
          p.oldest === null ? undefined : sql`min(coalesce(${backfills.reached}, ${p.oldest}), ${p.oldest})`,
        updatedAt: p.at,
        finishedAt: p.next === null ? p.at : null,
      })
      .where(and(eq(backfills.brand, p.brand), eq(backfills.sourceKey, p.sourceKey)))
      .run();
    return { inserted: inserted.length };
  })();
}
