import type { DetectedMention } from '../detection/types.ts';
import type { Intent, SentimentLabel } from '../types.ts';
import type { Sql } from './sql.ts';

export type { DetectedMention };

// What detection reads on every tick, prepared once per database. Copies (duplicate_of set) are
// left out of every count: they are spread of their original, not more opinions.

export interface Counts {
  negative: number;
  neutral: number;
  positive: number;
}

interface Row {
  id: string;
  source: string;
  url: string | null;
  text: string;
  author_handle: string | null;
  author_followers: number | null;
  author_verified: number | null;
  sentiment_label: SentimentLabel;
  sentiment_score: number;
  intents: string;
  metrics: string;
  reach: number | null;
  virality: number | null;
  created_at: number;
  answered_at: number | null;
}

const COLUMNS = `id, source, url, text, author_handle, author_followers, author_verified, sentiment_label,
  sentiment_score, intents, metrics, reach, virality, created_at, answered_at`;

const Q = {
  hourly: 'select hour, label, n from mention_counts where brand = ? and hour >= ? and hour < ?',
  window: `select sentiment_label as label, count(*) as n from mentions
       where brand = ? and created_at >= ? and created_at < ? and duplicate_of is null group by sentiment_label`,
  // One label at a time: each count is answered from the (brand, label, created_at) index alone.
  labelCount:
    'select count(*) as n from mentions where brand = ? and sentiment_label = ? and created_at >= ? and created_at < ?',
  labelled: `select ${COLUMNS} from mentions
       where brand = ? and sentiment_label = ? and created_at >= ? and created_at < ?
       order by coalesce(reach, 0) desc, created_at desc limit ?`,
  viral: `select ${COLUMNS} from mentions where brand = ? and virality >= ? and created_at >= ?
       order by virality desc limit 50`,
  unanswered: `select ${COLUMNS} from mentions
       where brand = ? and created_at >= ? and created_at < ? and answered_at is null and duplicate_of is null
         and coalesce(reach, 0) >= ? and (sentiment_label = 'negative' or intents like '%"complaint"%')
       order by reach desc limit 50`,
  sourceHours:
    'select source, sum(n) as n from source_counts where brand = ? and hour >= ? and hour < ? group by source',
  sourceWindow:
    'select source, count(*) as n from mentions where brand = ? and created_at >= ? and created_at < ? group by source',
  firstHour: 'select min(hour) as h from mention_counts where brand = ?',
};

function toMention(r: Row): DetectedMention {
  return {
    id: r.id,
    source: r.source,
    url: r.url,
    text: r.text,
    authorHandle: r.author_handle,
    authorFollowers: r.author_followers,
    authorVerified: r.author_verified === 1,
    label: r.sentiment_label,
    score: r.sentiment_score,
    intents: JSON.parse(r.intents) as Intent[],
    metrics: JSON.parse(r.metrics) as Record<string, number>,
    reach: r.reach ?? 0,
    virality: r.virality ?? 0,
    createdAt: r.created_at,
    answeredAt: r.answered_at,
  };
}

/** Hourly counts per label in the whole hours of [from, to). */
export function hourlyCounts(
  db: Sql,
  brand: string,
  from: number,
  to: number,
): Promise<{ hour: number; label: SentimentLabel; n: number }[]> {
  return db.all(Q.hourly, [brand, from, to]);
}

/**
 * Mentions per label created in [from, to): opinions (copies left out), or with `volume` every
 * post, copies included, since a copy-paste campaign is people posting.
 */
export async function windowCounts(
  db: Sql,
  brand: string,
  from: number,
  to: number,
  volume = false,
): Promise<Counts> {
  if (volume) {
    const n = async (label: SentimentLabel) =>
      (await db.get<{ n: number }>(Q.labelCount, [brand, label, from, to]))?.n ?? 0;
    return { negative: await n('negative'), neutral: await n('neutral'), positive: await n('positive') };
  }
  const out: Counts = { negative: 0, neutral: 0, positive: 0 };
  for (const r of await db.all<{ label: SentimentLabel; n: number }>(Q.window, [brand, from, to]))
    out[r.label] = r.n;
  return out;
}

/** Mentions of a label created in [from, to), copies included (they are the spread), widest reach first. */
export async function labelledMentions(
  db: Sql,
  brand: string,
  label: SentimentLabel,
  from: number,
  to: number,
  limit: number,
): Promise<DetectedMention[]> {
  return (await db.all<Row>(Q.labelled, [brand, label, from, to, limit])).map(toMention);
}

/** Posts made since `since` whose virality is at least `min`, most viral first. */
export async function viralMentions(
  db: Sql,
  brand: string,
  min: number,
  since: number,
): Promise<DetectedMention[]> {
  return (await db.all<Row>(Q.viral, [brand, min, since])).map(toMention);
}

/** Complaints made in [from, to) with reach of at least `minReach` that the brand has not answered. */
export async function unansweredComplaints(
  db: Sql,
  brand: string,
  from: number,
  to: number,
  minReach: number,
): Promise<DetectedMention[]> {
  return (await db.all<Row>(Q.unanswered, [brand, from, to, minReach])).map(toMention);
}

/** The hour of the brand's oldest counted mention. */
export async function historyStart(db: Sql, brand: string): Promise<number | null> {
  return (await db.get<{ h: number | null }>(Q.firstHour, [brand]))?.h ?? null;
}

/**
 * Mentions per source (copies included): over the whole hours of [from, to) from the hourly
 * counts with `hours`, else counted exactly over [from, to).
 */
export async function sourceCounts(
  db: Sql,
  brand: string,
  from: number,
  to: number,
  hours = false,
): Promise<Map<string, number>> {
  const rows = await db.all<{ source: string; n: number }>(hours ? Q.sourceHours : Q.sourceWindow, [
    brand,
    from,
    to,
  ]);
  return new Map(rows.map((r) => [r.source, r.n]));
}
