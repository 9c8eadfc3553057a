import { ENGAGEMENT_WEIGHTS } from '../analysis/virality.ts';
import { ANSWERS_SHOWN } from '../detection/unanswered.ts';
import type { DigestIncident, DigestPost, DigestReport, Tally } from '../digest/types.ts';
import type { AlertPayload, SentimentLabel } from '../types.ts';
import { greatest, jsonNumber, jsonStrings } from './dialect.ts';
import { enqueueAlert } from './outbox.ts';
import type { Dialect, Sql } from './sql.ts';

// Instants bound from JS arrive as REAL: hour arithmetic on them is cast back to whole hours.
// What a digest reads: every figure is counted by SQLite on the (brand, created_at) index, so a
// busy day of tens of thousands of mentions is a handful of grouped queries, not a loop in JS.

/** The columns of a post, `m` being the mentions table's alias; engagement weighted as in virality.ts. */
function postColumns(d: Dialect, m: string): string {
  const engagement = Object.entries(ENGAGEMENT_WEIGHTS)
    .map(([k, w]) => `${greatest(d, `coalesce(${jsonNumber(d, `${m}.metrics`, k)}, 0)`, '0')} * ${w}`)
    .join(' + ');
  return `${m}.id, ${m}.source, ${m}.url, ${m}.author_handle, ${m}.text, ${m}.created_at, ${m}.sentiment_label,
    coalesce(${m}.reach, 0) as reach, (${engagement}) as engagement`;
}

interface PostRow {
  id: string;
  source: string;
  url: string | null;
  author_handle: string | null;
  text: string;
  created_at: number;
  sentiment_label: SentimentLabel;
  reach: number;
  engagement: number;
}

const hasIntent = (d: Dialect, alias: string) =>
  d === 'sqlite'
    ? `exists (select 1 from json_each(${alias}.intents) j where json_extract(j.value, '$.name') = ?)`
    : `exists (select 1 from json_array_elements(${alias}.intents::json) j where j ->> 'name' = ?)`;
const answerSources = [...ANSWERS_SHOWN].map((s) => `'${s}'`).join(', ');
/** A complaint made in [?, ?) that the brand had not answered by ?, where answers show. */
const waiting = (
  d: Dialect,
) => `brand = ? and created_at >= ? and created_at < ? and (answered_at is null or answered_at >= ?)
  and duplicate_of is null and source in (${answerSources}) and ${hasIntent(d, 'm')}`;
/** Joins the mentions an incident names, its ids first: SQLite's CROSS JOIN keeps that order. */
const incidentMentions = (d: Dialect) =>
  `incidents i cross join ${jsonStrings(d, 'i.mention_ids', 'j')}
   ${d === 'sqlite' ? 'cross join' : 'join'} mentions m on m.brand = ? and m.id = j.value`;

function queries(d: Dialect) {
  const postColumns_ = (m: string) => postColumns(d, m);
  return {
    tally: `select sentiment_label as label, count(*) as volume, sum(case when duplicate_of is null then 1 else 0 end) as opinions
       from mentions where brand = ? and created_at >= ? and created_at < ? group by sentiment_label`,
    hourly: `select cast((created_at - ?) / 3600000 as integer) as h, sentiment_label as label, count(*) as n
       from mentions where brand = ? and created_at >= ? and created_at < ? group by h, label`,
    volume: 'select count(*) as n from mentions where brand = ? and created_at >= ? and created_at < ?',
    // Ranked by people reached, then engagement; copies are their original's spread, not posts of their own.
    top: `select ${postColumns_('m')} from mentions m
       where brand = ? and sentiment_label = ? and created_at >= ? and created_at < ? and duplicate_of is null
       order by reach desc, engagement desc limit ?`,
    withIntent: `select ${postColumns_('m')} from mentions m
       where brand = ? and created_at >= ? and created_at < ? and duplicate_of is null and ${hasIntent(d, 'm')}
       order by reach desc, engagement desc limit ?`,
    // Oldest and widest first: hours waited times people reached.
    unanswered: `select ${postColumns_('m')} from mentions m where ${waiting(d)}
       order by (? - created_at) * ${greatest(d, 'coalesce(reach, 0)', '1')} desc limit ?`,
    unansweredCount: `select count(*) as n from mentions m where ${waiting(d)}`,
    sources: `select source, count(*) as n from mentions where brand = ? and created_at >= ? and created_at < ?
       group by source order by n desc, source limit 6`,
    authors: `select author_handle as author, source, count(*) as n, max(coalesce(reach, 0)) as reach from mentions
       where brand = ? and created_at >= ? and created_at < ? and author_handle is not null
       group by source, author_handle order by n desc, reach desc limit 5`,
    incidents: `select id, kind, severity, status, title, opened_at, resolved_at, acknowledged_by, acknowledged_at, mention_count
       from incidents where brand = ? and opened_at < ? and (resolved_at is null or resolved_at >= ?)
       order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end, opened_at limit 10`,
    // CROSS JOIN keeps SQLite's order: the incident's ids first, each a primary-key lookup. Left to
    // choose, it read every mention of the brand once per id (a busy day with incidents: minutes).
    incidentPeak: `select m.created_at / 3600000 as h, count(*) as n
       from ${incidentMentions(d)}
       where i.id = ? group by h order by n desc, h limit 1`,
    incidentReach: `select sum(coalesce(m.reach, 0)) as reach
       from ${incidentMentions(d)} where i.id = ?`,
    incidentTop: `select ${postColumns_('m')} from ${incidentMentions(d)}
       where i.id = ? and m.duplicate_of is null order by coalesce(m.reach, 0) desc limit 3`,
    sent: 'select id from digests where brand = ? and date >= ?',
    claim: `insert into digests (id, brand, period, date, timezone, created_at, report, file) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict do nothing`,
    report: 'select report, file from digests where id = ?',
  };
}
const QUERIES: Record<Dialect, ReturnType<typeof queries>> = {
  sqlite: queries('sqlite'),
  postgres: queries('postgres'),
};

const EXCERPT = 280;
function toPost(r: PostRow): DigestPost {
  const text = r.text.replace(/\s+/g, ' ').trim();
  return {
    id: r.id,
    source: r.source,
    ...(r.url ? { url: r.url } : {}),
    ...(r.author_handle ? { author: r.author_handle } : {}),
    text: text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text,
    createdAt: r.created_at,
    sentiment: r.sentiment_label,
    reach: r.reach,
    engagement: Math.round(r.engagement),
  };
}

type Queries = ReturnType<typeof queries>;
type QueryName = keyof Queries;
const q = (db: Sql, name: QueryName): string => QUERIES[db.dialect][name];

/** Mentions per label in [from, to): volume counts every post, net sentiment leaves copies out. */
export async function tally(db: Sql, brand: string, from: number, to: number): Promise<Tally> {
  const t: Tally = { volume: 0, negative: 0, neutral: 0, positive: 0, net: null };
  let opinions = 0;
  let net = 0;
  const rows = await db.all<{ label: SentimentLabel; volume: number; opinions: number }>(q(db, 'tally'), [
    brand,
    from,
    to,
  ]);
  for (const r of rows) {
    t.volume += r.volume;
    t[r.label] = r.volume;
    opinions += r.opinions;
    net += r.label === 'positive' ? r.opinions : r.label === 'negative' ? -r.opinions : 0;
  }
  t.net = opinions > 0 ? Math.round((net / opinions) * 100) : null;
  return t;
}

/** Mentions per hour since `start` (hour 0 = the first hour of the local day) and label. */
export function hourlyFrom(
  db: Sql,
  brand: string,
  start: number,
  end: number,
): Promise<{ h: number; label: SentimentLabel; n: number }[]> {
  return db.all(q(db, 'hourly'), [start, brand, start, end]);
}

export async function volume(db: Sql, brand: string, from: number, to: number): Promise<number> {
  return (await db.get<{ n: number }>(q(db, 'volume'), [brand, from, to]))?.n ?? 0;
}

export async function topPosts(
  db: Sql,
  brand: string,
  label: SentimentLabel,
  from: number,
  to: number,
  n = 5,
): Promise<DigestPost[]> {
  return (await db.all<PostRow>(q(db, 'top'), [brand, label, from, to, n])).map(toPost);
}

export async function postsWithIntent(
  db: Sql,
  brand: string,
  intent: string,
  from: number,
  to: number,
  n = 5,
): Promise<DigestPost[]> {
  return (await db.all<PostRow>(q(db, 'withIntent'), [brand, from, to, intent, n])).map(toPost);
}

/** Complaints made in [from, to) that the brand had not answered by `to`: how many, and the first `n`. */
export async function unansweredSince(db: Sql, brand: string, from: number, to: number, n = 10) {
  const count =
    (await db.get<{ n: number }>(q(db, 'unansweredCount'), [brand, from, to, to, 'complaint']))?.n ?? 0;
  const rows = await db.all<PostRow>(q(db, 'unanswered'), [brand, from, to, to, 'complaint', to, n]);
  return {
    count,
    posts: rows.map((r) => ({ ...toPost(r), waitingHours: Math.floor((to - r.created_at) / 3_600_000) })),
  };
}

export async function topSources(db: Sql, brand: string, from: number, to: number) {
  const rows = await db.all<{ source: string; n: number }>(q(db, 'sources'), [brand, from, to]);
  return rows.map((r) => ({ source: r.source, mentions: r.n }));
}

export async function topAuthors(db: Sql, brand: string, from: number, to: number) {
  const rows = await db.all<{ author: string; source: string; n: number; reach: number }>(q(db, 'authors'), [
    brand,
    from,
    to,
  ]);
  return rows.map((r) => ({ author: r.author, source: r.source, mentions: r.n, reach: r.reach }));
}

interface IncidentDbRow {
  id: string;
  kind: string;
  severity: DigestIncident['severity'];
  status: DigestIncident['status'];
  title: string;
  opened_at: number;
  resolved_at: number | null;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  mention_count: number;
}

/** Incidents open at some moment of [from, to), worst first, each with its peak, reach and top posts. */
export async function incidentsDuring(
  db: Sql,
  brand: string,
  from: number,
  to: number,
): Promise<DigestIncident[]> {
  const out: DigestIncident[] = [];
  for (const r of await db.all<IncidentDbRow>(q(db, 'incidents'), [brand, to, from])) {
    const peak = await db.get<{ h: number; n: number }>(q(db, 'incidentPeak'), [brand, r.id]);
    const reach = (await db.get<{ reach: number | null }>(q(db, 'incidentReach'), [brand, r.id]))?.reach ?? 0;
    const top = await db.all<PostRow>(q(db, 'incidentTop'), [brand, r.id]);
    out.push({
      id: r.id,
      kind: r.kind,
      severity: r.severity,
      // As it stood at the end of the period: resolved or acknowledged later is not yet.
      status:
        r.resolved_at !== null && r.resolved_at < to
          ? 'resolved'
          : r.acknowledged_at !== null && r.acknowledged_at < to
            ? 'acknowledged'
            : 'open',
      title: r.title,
      openedAt: r.opened_at,
      ...(r.resolved_at !== null && r.resolved_at < to ? { resolvedAt: r.resolved_at } : {}),
      ...(r.acknowledged_by ? { acknowledgedBy: r.acknowledged_by } : {}),
      ...(r.acknowledged_at !== null ? { acknowledgedAt: r.acknowledged_at } : {}),
      mentions: r.mention_count,
      ...(peak ? { peak: { at: peak.h * 3_600_000, mentions: peak.n } } : {}),
      reach,
      topPosts: top.map(toPost),
    });
  }
  return out;
}

/** Ids of the brand's digests of `since` or later. */
export async function sentDigests(db: Sql, brand: string, since: string): Promise<Set<string>> {
  return new Set((await db.all<{ id: string }>(q(db, 'sent'), [brand, since])).map((r) => r.id));
}

/**
 * Claims the report and puts its message in the outbox with one delivery per channel, in one
 * transaction: false when another daemon (or an earlier run) claimed it first.
 */
export function claimDigest(
  db: Sql,
  report: DigestReport,
  file: string | null,
  message: AlertPayload,
  channels: string[],
  at: number,
): Promise<boolean> {
  return db.tx(async () => {
    const claimed =
      (await db.run(q(db, 'claim'), [
        report.id,
        report.brand,
        report.period,
        report.date,
        report.timezone,
        at,
        JSON.stringify(report),
        file,
      ])) > 0;
    if (claimed && channels.length > 0) await enqueueAlert(db, report.id, message, channels, at);
    return claimed;
  });
}

/** A stored report, for a delivery to render. */
export async function storedReport(db: Sql, id: string): Promise<DigestReport | undefined> {
  const row = await db.get<{ report: string }>(q(db, 'report'), [id]);
  return row ? (JSON.parse(row.report) as DigestReport) : undefined;
}

/** Where the web copy of a stored report was saved. */
export async function digestFile(db: Sql, id: string): Promise<string | undefined> {
  return (await db.get<{ file: string | null }>(q(db, 'report'), [id]))?.file ?? undefined;
}
