import type Database from 'better-sqlite3';
import { ENGAGEMENT_WEIGHTS } from '../analysis/virality.ts';
import { ANSWERS_SHOWN } from '../detection/unanswered.ts';
import type { DigestIncident, DigestPost, DigestReport, Tally } from '../digest/types.ts';
import type { AlertPayload, SentimentLabel } from '../types.ts';
import { preparedFor, type Store } from './client.ts';
import { enqueueAlert } from './outbox.ts';

// Instants bound from JS arrive as REAL: hour arithmetic on them is cast back to whole hours.
// What a digest reads: every figure is counted by SQLite on the (brand, created_at) index, so a
// busy day of tens of thousands of mentions is a handful of grouped queries, not a loop in JS.

/** The columns of a post, `m` being the mentions table's alias; engagement weighted as in virality.ts. */
function postColumns(m: string): string {
  const engagement = Object.entries(ENGAGEMENT_WEIGHTS)
    .map(([k, w]) => `max(coalesce(json_extract(${m}.metrics, '$.${k}'), 0), 0) * ${w}`)
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

const hasIntent = (alias: string) =>
  `exists (select 1 from json_each(${alias}.intents) j where json_extract(j.value, '$.name') = ?)`;
const answerSources = [...ANSWERS_SHOWN].map((s) => `'${s}'`).join(', ');
/** A complaint made in [?, ?) that the brand had not answered by ?, where answers show. */
const WAITING = `brand = ? and created_at >= ? and created_at < ? and (answered_at is null or answered_at >= ?)
  and duplicate_of is null and source in (${answerSources}) and ${hasIntent('m')}`;

function prepare(db: Database.Database) {
  return {
    tally: db.prepare<[string, number, number], { label: SentimentLabel; volume: number; opinions: number }>(
      `select sentiment_label as label, count(*) as volume, sum(duplicate_of is null) as opinions
       from mentions where brand = ? and created_at >= ? and created_at < ? group by sentiment_label`,
    ),
    hourly: db.prepare<[number, string, number, number], { h: number; label: SentimentLabel; n: number }>(
      `select cast((created_at - ?) / 3600000 as integer) as h, sentiment_label as label, count(*) as n
       from mentions where brand = ? and created_at >= ? and created_at < ? group by h, label`,
    ),
    volume: db.prepare<[string, number, number], { n: number }>(
      'select count(*) as n from mentions where brand = ? and created_at >= ? and created_at < ?',
    ),
    // Ranked by people reached, then engagement; copies are their original's spread, not posts of their own.
    top: db.prepare<[string, string, number, number, number], PostRow>(
      `select ${postColumns('m')} from mentions m
       where brand = ? and sentiment_label = ? and created_at >= ? and created_at < ? and duplicate_of is null
       order by reach desc, engagement desc limit ?`,
    ),
    withIntent: db.prepare<[string, number, number, string, number], PostRow>(
      `select ${postColumns('m')} from mentions m
       where brand = ? and created_at >= ? and created_at < ? and duplicate_of is null and ${hasIntent('m')}
       order by reach desc, engagement desc limit ?`,
    ),
    // Oldest and widest first: hours waited times people reached.
    unanswered: db.prepare<[string, number, number, number, string, number, number], PostRow>(
      `select ${postColumns('m')} from mentions m where ${WAITING}
       order by (? - created_at) * max(coalesce(reach, 0), 1) desc limit ?`,
    ),
    unansweredCount: db.prepare<[string, number, number, number, string], { n: number }>(
      `select count(*) as n from mentions m where ${WAITING}`,
    ),
    sources: db.prepare<[string, number, number], { source: string; n: number }>(
      `select source, count(*) as n from mentions where brand = ? and created_at >= ? and created_at < ?
       group by source order by n desc, source limit 6`,
    ),
    authors: db.prepare<
      [string, number, number],
      { author: string; source: string; n: number; reach: number }
    >(
      `select author_handle as author, source, count(*) as n, max(coalesce(reach, 0)) as reach from mentions
       where brand = ? and created_at >= ? and created_at < ? and author_handle is not null
       group by source, author_handle order by n desc, reach desc limit 5`,
    ),
    incidents: db.prepare<
      [string, number, number],
      {
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
    >(
      `select id, kind, severity, status, title, opened_at, resolved_at, acknowledged_by, acknowledged_at, mention_count
       from incidents where brand = ? and opened_at < ? and (resolved_at is null or resolved_at >= ?)
       order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end, opened_at limit 10`,
    ),
    // CROSS JOIN keeps SQLite's order: the incident's ids first, each a primary-key lookup. Left to
    // choose, it read every mention of the brand once per id (a busy day with incidents: minutes).
    incidentPeak: db.prepare<[string, string], { h: number; n: number }>(
      `select m.created_at / 3600000 as h, count(*) as n
       from incidents i, json_each(i.mention_ids) j cross join mentions m on m.brand = ? and m.id = j.value
       where i.id = ? group by h order by n desc, h limit 1`,
    ),
    incidentReach: db.prepare<[string, string], { reach: number | null }>(
      `select sum(coalesce(m.reach, 0)) as reach
       from incidents i, json_each(i.mention_ids) j cross join mentions m on m.brand = ? and m.id = j.value where i.id = ?`,
    ),
    incidentTop: db.prepare<[string, string], PostRow>(
      `select ${postColumns('m')} from incidents i, json_each(i.mention_ids) j
       cross join mentions m on m.brand = ? and m.id = j.value
       where i.id = ? and m.duplicate_of is null order by coalesce(m.reach, 0) desc limit 3`,
    ),
    sent: db.prepare<[string, string], { id: string }>(
      'select id from digests where brand = ? and date >= ?',
    ),
    claim: db.prepare<[string, string, string, string, string, number, string, string | null]>(
      `insert into digests (id, brand, period, date, timezone, created_at, report, file) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict do nothing`,
    ),
    report: db.prepare<[string], { report: string; file: string | null }>(
      'select report, file from digests where id = ?',
    ),
  };
}
const stmts = preparedFor(prepare);

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

/** Mentions per label in [from, to): volume counts every post, net sentiment leaves copies out. */
export function tally(store: Store, brand: string, from: number, to: number): Tally {
  const t: Tally = { volume: 0, negative: 0, neutral: 0, positive: 0, net: null };
  let opinions = 0;
  let net = 0;
  for (const r of stmts(store).tally.all(brand, from, to)) {
    t.volume += r.volume;
    t[r.label] = r.volume;
    opinions += r.opinions;
    net += r.label === 'positive' ? r.opinions : r.label === 'negative' ? -r.opinions : 0;
  }
  t.net = opinions > 0 ? Math.round((net / opinions) * 100) : null;
  return t;
}

/** Mentions per hour since `start` (hour 0 = the first hour of the local day) and label. */
export function hourlyFrom(store: Store, brand: string, start: number, end: number) {
  return stmts(store).hourly.all(start, brand, start, end);
}

export function volume(store: Store, brand: string, from: number, to: number): number {
  return stmts(store).volume.get(brand, from, to)?.n ?? 0;
}

export function topPosts(
  store: Store,
  brand: string,
  label: SentimentLabel,
  from: number,
  to: number,
  n = 5,
) {
  return stmts(store).top.all(brand, label, from, to, n).map(toPost);
}

export function postsWithIntent(
  store: Store,
  brand: string,
  intent: string,
  from: number,
  to: number,
  n = 5,
) {
  return stmts(store).withIntent.all(brand, from, to, intent, n).map(toPost);
}

/** Complaints made in [from, to) that the brand had not answered by `to`: how many, and the first `n`. */
export function unansweredSince(store: Store, brand: string, from: number, to: number, n = 10) {
  const s = stmts(store);
  return {
    count: s.unansweredCount.get(brand, from, to, to, 'complaint')?.n ?? 0,
    posts: s.unanswered
      .all(brand, from, to, to, 'complaint', to, n)
      .map((r) => ({ ...toPost(r), waitingHours: Math.floor((to - r.created_at) / 3_600_000) })),
  };
}

export function topSources(store: Store, brand: string, from: number, to: number) {
  return stmts(store)
    .sources.all(brand, from, to)
    .map((r) => ({ source: r.source, mentions: r.n }));
}

export function topAuthors(store: Store, brand: string, from: number, to: number) {
  return stmts(store)
    .authors.all(brand, from, to)
    .map((r) => ({ author: r.author, source: r.source, mentions: r.n, reach: r.reach }));
}

/** Incidents open at some moment of [from, to), worst first, each with its peak, reach and top posts. */
export function incidentsDuring(store: Store, brand: string, from: number, to: number): DigestIncident[] {
  const s = stmts(store);
  return s.incidents.all(brand, to, from).map((r) => {
    const peak = s.incidentPeak.get(brand, r.id);
    return {
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
      reach: s.incidentReach.get(brand, r.id)?.reach ?? 0,
      topPosts: s.incidentTop.all(brand, r.id).map(toPost),
    };
  });
}

/** Ids of the brand's digests of `since` or later. */
export function sentDigests(store: Store, brand: string, since: string): Set<string> {
  return new Set(
    stmts(store)
      .sent.all(brand, since)
      .map((r) => r.id),
  );
}

/**
 * Claims the report and puts its message in the outbox with one delivery per channel, in one
 * transaction: false when another daemon (or an earlier run) claimed it first.
 */
export function claimDigest(
  store: Store,
  report: DigestReport,
  file: string | null,
  message: AlertPayload,
  channels: string[],
  at: number,
): boolean {
  return store.sqlite
    .transaction(() => {
      const claimed =
        stmts(store).claim.run(
          report.id,
          report.brand,
          report.period,
          report.date,
          report.timezone,
          at,
          JSON.stringify(report),
          file,
        ).changes > 0;
      if (claimed && channels.length > 0) enqueueAlert(store, report.id, message, channels, at);
      return claimed;
    })
    .immediate();
}

/** A stored report, for a delivery to render. */
export function storedReport(store: Store, id: string): DigestReport | undefined {
  const row = stmts(store).report.get(id);
  return row ? (JSON.parse(row.report) as DigestReport) : undefined;
}

/** Where the web copy of a stored report was saved. */
export function digestFile(store: Store, id: string): string | undefined {
  return stmts(store).report.get(id)?.file ?? undefined;
}
