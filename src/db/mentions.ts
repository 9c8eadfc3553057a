import { and, desc, eq, gte, inArray, lt, lte, min, sql } from 'drizzle-orm';
import type { AnalyzedMention, SentimentLabel } from '../types.ts';
import type { Db } from './client.ts';
import { mentions, metricSnapshots, sourceCursors } from './schema.ts';

export interface CursorRow {
  cursor: unknown;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
}

export function getCursor(db: Db, brand: string, sourceKey: string): CursorRow | undefined {
  return db
    .select({
      cursor: sourceCursors.cursor,
      consecutiveFailures: sourceCursors.consecutiveFailures,
      lastSuccessAt: sourceCursors.lastSuccessAt,
    })
    .from(sourceCursors)
    .where(and(eq(sourceCursors.brand, brand), eq(sourceCursors.sourceKey, sourceKey)))
    .get();
}

export interface StoredPoll {
  inserted: string[];
  updated: number;
}

/**
 * Stores a poll's mentions, their metric snapshots and the cursor that covers them in ONE
 * transaction: the cursor never moves past data that is not stored.
 */
export function storePoll(
  db: Db,
  poll: {
    brand: string;
    sourceKey: string;
    source: string;
    mentions: AnalyzedMention[];
    cursor: unknown;
    at: number;
  },
): StoredPoll {
  return db.transaction((tx) => {
    const result = storeMentions(tx, poll.brand, poll.sourceKey, poll.mentions, poll.at);
    const row = {
      brand: poll.brand,
      sourceKey: poll.sourceKey,
      source: poll.source,
      cursor: poll.cursor,
      updatedAt: poll.at,
      lastSuccessAt: poll.at,
      consecutiveFailures: 0,
      lastError: null,
      ...(poll.mentions.length > 0 ? { lastItemsAt: poll.at } : {}),
    };
    tx.insert(sourceCursors)
      .values(row)
      .onConflictDoUpdate({ target: [sourceCursors.brand, sourceCursors.sourceKey], set: row })
      .run();
    return result;
  });
}

/** Inserts new mentions; for known ones, records a snapshot when their engagement changed. */
export function storeMentions(
  db: Db,
  brand: string,
  sourceKey: string,
  list: AnalyzedMention[],
  at: number,
): StoredPoll {
  const inserted: string[] = [];
  let updated = 0;
  if (list.length === 0) return { inserted, updated };
  const known = new Map<string, Record<string, number>>();
  for (let i = 0; i < list.length; i += 500) {
    const ids = list.slice(i, i + 500).map((m) => m.id);
    const rows = db
      .select({ id: mentions.id, metrics: mentions.metrics })
      .from(mentions)
      .where(and(eq(mentions.brand, brand), inArray(mentions.id, ids)))
      .all();
    for (const r of rows) known.set(r.id, r.metrics);
  }
  for (const m of list) {
    const metrics = m.metrics as Record<string, number>;
    const hasMetrics = Object.keys(metrics).length > 0;
    const before = known.get(m.id);
    if (before === undefined) {
      db.insert(mentions)
        .values(toRow(m, brand, sourceKey, at))
        .run();
      known.set(m.id, metrics);
      inserted.push(m.id);
    } else {
      if (!hasMetrics || sameMetrics(before, metrics)) continue;
      db.update(mentions)
        .set({ metrics, lastSeenAt: at })
        .where(and(eq(mentions.brand, brand), eq(mentions.id, m.id)))
        .run();
      known.set(m.id, metrics);
      updated++;
    }
    if (hasMetrics) db.insert(metricSnapshots).values({ brand, mentionId: m.id, at, metrics }).run();
  }
  return { inserted, updated };
}

function toRow(
  m: AnalyzedMention,
  brand: string,
  sourceKey: string,
  at: number,
): typeof mentions.$inferInsert {
  return {
    brand,
    id: m.id,
    source: m.source,
    sourceKey,
    url: m.url ?? null,
    title: m.title ?? null,
    text: m.text,
    authorHandle: m.author?.handle ?? null,
    authorFollowers: m.author?.followers ?? null,
    authorVerified: m.author?.verified ?? null,
    lang: m.lang,
    createdAt: m.createdAt.getTime(),
    firstSeenAt: at,
    lastSeenAt: at,
    sentimentLabel: m.sentiment.label,
    sentimentScore: m.sentiment.score,
    intents: m.intents,
    metrics: m.metrics as Record<string, number>,
  };
}

function sameMetrics(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** A failed poll: counted, the error kept, the cursor left where it was. Returns the failures in a row. */
export function recordPollFailure(
  db: Db,
  f: { brand: string; sourceKey: string; source: string; error: string; at: number },
): number {
  const row = db
    .insert(sourceCursors)
    .values({
      brand: f.brand,
      sourceKey: f.sourceKey,
      source: f.source,
      cursor: null,
      updatedAt: f.at,
      lastError: f.error,
      lastErrorAt: f.at,
      consecutiveFailures: 1,
    })
    .onConflictDoUpdate({
      target: [sourceCursors.brand, sourceCursors.sourceKey],
      set: {
        lastError: f.error,
        lastErrorAt: f.at,
        updatedAt: f.at,
        consecutiveFailures: sql`${sourceCursors.consecutiveFailures} + 1`,
      },
    })
    .returning({ n: sourceCursors.consecutiveFailures })
    .get();
  return row.n;
}

export function countMentions(
  db: Db,
  brand: string,
  from: number,
  to: number,
  label?: SentimentLabel,
): number {
  const conds = [eq(mentions.brand, brand), gte(mentions.createdAt, from), lt(mentions.createdAt, to)];
  if (label) conds.push(eq(mentions.sentimentLabel, label));
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(mentions)
      .where(and(...conds))
      .get()?.n ?? 0
  );
}

export function firstMentionAt(db: Db, brand: string): number | null {
  return (
    db
      .select({ t: min(mentions.createdAt) })
      .from(mentions)
      .where(eq(mentions.brand, brand))
      .get()?.t ?? null
  );
}

export interface MentionSummary {
  id: string;
  url: string | null;
  text: string;
  authorHandle: string | null;
  authorFollowers: number | null;
  sentimentScore: number;
  createdAt: number;
}

/** Mentions of one label in [from, to], most negative (or positive) and most followed first. */
export function mentionsInWindow(
  db: Db,
  brand: string,
  label: SentimentLabel,
  from: number,
  to: number,
  limit: number,
): MentionSummary[] {
  return db
    .select({
      id: mentions.id,
      url: mentions.url,
      text: mentions.text,
      authorHandle: mentions.authorHandle,
      authorFollowers: mentions.authorFollowers,
      sentimentScore: mentions.sentimentScore,
      createdAt: mentions.createdAt,
    })
    .from(mentions)
    .where(
      and(
        eq(mentions.brand, brand),
        eq(mentions.sentimentLabel, label),
        gte(mentions.createdAt, from),
        lte(mentions.createdAt, to),
      ),
    )
    .orderBy(desc(sql`coalesce(${mentions.authorFollowers}, 0)`), desc(mentions.createdAt))
    .limit(limit)
    .all();
}
