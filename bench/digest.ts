// `npm run bench:digest`: how long a digest takes to build on a busy day (issue 7's open
// question). A temp SQLite file is filled through the poll job's storage path (storePoll, 1,000
// mentions a poll) with a week of history and one day of 50,000 mentions with incidents, then each
// report is built (the queries) and rendered (charts as PNG, HTML page) several times.
// Settings: BENCH_DIGEST_MENTIONS (50000), BENCH_DIGEST_RUNS (5).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildConfig, type Brand } from '../src/config.ts';
import { connectStore, type Store } from '../src/db/client.ts';
import { insertIncident } from '../src/db/incidents.ts';
import { storePoll } from '../src/db/mentions.ts';
import { renderCharts } from '../src/digest/charts.ts';
import { renderWebPage } from '../src/digest/render.ts';
import { buildReport } from '../src/digest/report.ts';
import { buildTeamReport } from '../src/digest/team.ts';
import { dayRange } from '../src/digest/time.ts';
import { isTeamReport, type AnyDigestReport } from '../src/digest/types.ts';
import type { AnalyzedMention, SentimentLabel } from '../src/types.ts';
import { Random } from '../src/simulate/random.ts';

const HOUR = 3_600_000;
const DATE = '2026-03-10';
const TZ = 'Europe/London';
const SOURCES = ['x', 'reddit', 'youtube', 'trustpilot', 'rss', 'bluesky'];
const TEXTS = {
  negative: [
    'lost my bag again, nobody answers',
    'flight delayed 4 hours, terrible service',
    'refund still missing',
  ],
  neutral: ['is the lounge open today?', 'boarding now at gate 12', 'anyone flying to Lisbon tomorrow?'],
  positive: [
    'crew were lovely, thank you',
    'smooth flight and early landing',
    'about to book for May, great fares',
  ],
};

interface Day {
  date: string;
  mentions: number;
  /** Share of negatives; the storm hours (10:00 to 14:00) of a busy day are nearly all negative. */
  negative: number;
  storm?: boolean;
}

/** Stores `days` of mentions of `brand` as polls would, and returns the ids of the storm's mentions. */
async function fill(store: Store, brand: string, days: Day[], seed: number): Promise<string[]> {
  const gen = new Random(seed);
  const rnd = () => gen.next();
  const storm: string[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  for (const day of days) {
    const { start, end } = dayRange(TZ, day.date);
    const batch: AnalyzedMention[] = [];
    // One poll of 1,000 mentions at a time, as the poll job stores them (mentions, counts, cursor).
    const flush = async () => {
      if (batch.length === 0) return;
      await storePoll(store, {
        brand,
        sourceKey: 'bench',
        source: 'x',
        mentions: batch.splice(0),
        cursor: null,
        at: end,
      });
    };
    for (let i = 0; i < day.mentions; i++) {
      // A busy day's storm puts 40 % of the day into four hours; the rest spreads over the day.
      const inStorm = day.storm === true && i % 10 < 4;
      const at = inStorm ? start + 10 * HOUR + rnd() * 4 * HOUR : start + rnd() * (end - start);
      const r = rnd();
      const label: SentimentLabel = inStorm
        ? r < 0.9
          ? 'negative'
          : 'neutral'
        : r < day.negative
          ? 'negative'
          : r < day.negative + 0.5
            ? 'neutral'
            : 'positive';
      const id = `${brand}:${day.date}:${i}`;
      const source = pick(SOURCES);
      const intents =
        label === 'negative' && rnd() < 0.5
          ? [{ name: 'complaint', confidence: 0.8 }]
          : label === 'neutral' && rnd() < 0.2
            ? [{ name: 'question', confidence: 0.7 }]
            : label === 'positive' && rnd() < 0.1
              ? [{ name: 'purchase_intent', confidence: 0.7 }]
              : [];
      const original = inStorm && label === 'negative' && storm.length > 20 && rnd() < 0.15;
      if (inStorm && label === 'negative') storm.push(id);
      batch.push({
        id,
        source,
        url: `https://example.com/${id}`,
        text: `${pick(TEXTS[label])} #${i}`,
        createdAt: new Date(at),
        metrics: { likes: Math.floor(rnd() ** 4 * 2_000), reposts: Math.floor(rnd() ** 5 * 300) },
        brand,
        observedAt: new Date(at),
        lang: 'en',
        sentiment: { label, score: label === 'negative' ? -0.6 : label === 'positive' ? 0.6 : 0 },
        intents,
        author: { handle: `user${Math.floor(rnd() * 20_000)}`, followers: Math.floor(rnd() ** 3 * 100_000) },
        reach: Math.floor(rnd() ** 3 * 200_000),
        ...(original ? { duplicateOf: storm[Math.floor(rnd() * 20)] } : {}),
      });
      if (batch.length === 1_000) await flush();
    }
    await flush();
  }
  return storm;
}

async function incident(
  store: Store,
  brand: string,
  n: number,
  severity: 'critical' | 'warning' | 'info',
  ids: string[],
  openedAt: number,
): Promise<void> {
  await insertIncident(store, {
    id: `${brand}-bench-${n}`,
    brand,
    kind: n === 0 ? 'volume_spike' : 'sentiment_shift',
    polarity: 'negative',
    severity,
    status: n === 0 ? 'acknowledged' : 'open',
    title: `incident ${n} of ${brand}: ${ids.length} mentions`,
    openedAt,
    updatedAt: openedAt + HOUR,
    lastActivityAt: openedAt + HOUR,
    ...(n === 0 ? { acknowledgedAt: openedAt + 600_000, acknowledgedBy: 'alice' } : {}),
    mentionCount: ids.length,
    mentionIds: ids,
    evidence: {},
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (x: number) => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en'));
function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

async function timedAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  return [out, performance.now() - t0];
}

interface Row {
  what: string;
  mentions: number;
  build: number[];
  charts: number[];
  html: number[];
}

async function measure(
  what: string,
  mentions: number,
  runs: number,
  build: () => Promise<AnyDigestReport>,
): Promise<Row> {
  const row: Row = { what, mentions, build: [], charts: [], html: [] };
  for (let i = 0; i < runs; i++) {
    const [report, b] = await timedAsync(build);
    // Drawn afresh every run (the job's cache would hide the cost after the first).
    const [charts, c] = timed(() =>
      isTeamReport(report) ? report.brands.flatMap(renderCharts) : renderCharts(report),
    );
    const [, h] = timed(() => renderWebPage(report, charts));
    row.build.push(b);
    row.charts.push(c);
    row.html.push(h);
  }
  return row;
}

export async function main(
  busyMentions = Number(process.env.BENCH_DIGEST_MENTIONS ?? 50_000),
  runs = Number(process.env.BENCH_DIGEST_RUNS ?? 5),
  withIncidents = process.env.BENCH_DIGEST_INCIDENTS !== 'off',
): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-digest-'));
  try {
    const config = buildConfig(
      {
        brands: [
          { name: 'busy', query: 'busy', timezone: TZ, competitors: ['ordinary'] },
          { name: 'ordinary', query: 'ordinary', timezone: TZ },
          { name: 'quiet', query: 'quiet', timezone: TZ },
        ],
        digest: { teams: [{ name: 'all', brands: ['busy', 'ordinary', 'quiet'] }] },
      },
      { EARSHOT_DATA_DIR: dir },
    );
    const store = await connectStore(path.join(dir, 'earshot.db'));
    const week = (n: number, negative: number): Day[] =>
      Array.from({ length: 7 }, (_, i) => ({ date: `2026-03-0${i + 3}`, mentions: n, negative }));

    const [storm, storeMs] = await timedAsync(async () => {
      const ids = await fill(
        store,
        'busy',
        [...week(3_000, 0.2), { date: DATE, mentions: busyMentions, negative: 0.25, storm: true }],
        1,
      );
      await fill(store, 'ordinary', [...week(300, 0.2), { date: DATE, mentions: 300, negative: 0.2 }], 2);
      // No negatives, so no complaint waits: its day is the one-line quiet report.
      await fill(store, 'quiet', week(20, 0), 3);
      return ids;
    });
    const stored = (await store.get<{ n: number }>('select count(*) as n from mentions')) ?? { n: 0 };
    const size =
      statSync(path.join(dir, 'earshot.db')).size + statSync(path.join(dir, 'earshot.db-wal')).size;
    const now = dayRange(TZ, DATE).end + 8 * HOUR;
    const brand = (name: string) => config.brands.find((b) => b.name === name) as Brand;
    const team = config.digest.teams[0]!;
    const day =
      (name: string, period: 'day' | 'week' = 'day') =>
      () =>
        buildReport(store, config, brand(name), period, DATE, now);

    // The first chart of a process loads echarts and resvg: measured apart, then out of the way.
    const ordinary = await day('ordinary')();
    const [, cold] = timed(() => renderCharts(ordinary));

    const rows = [
      await measure('quiet day (nothing said)', 0, runs, day('quiet')),
      await measure('ordinary day', 300, runs, day('ordinary')),
      await measure('busy day, no incident', busyMentions, runs, day('busy')),
      await measure(
        'busy brand, weekly report, no incident',
        busyMentions + 6 * 3_000,
        runs,
        day('busy', 'week'),
      ),
      await measure(
        'team of the three, one day, no incident',
        busyMentions + 300,
        runs,
        async () => (await buildTeamReport(store, config, team, 'day', DATE, now))!,
      ),
    ];
    // Then the storm's incidents: its spike, a souring over half of it, and three small ones.
    const sizes = [storm.length, Math.floor(storm.length / 2), 200, 200, 200];
    let incidentMs: number | undefined;
    if (withIncidents) {
      const { start } = dayRange(TZ, DATE);
      await incident(store, 'busy', 0, 'critical', storm, start + 10 * HOUR);
      await incident(store, 'busy', 1, 'warning', storm.slice(0, sizes[1]), start + 11 * HOUR);
      for (let n = 2; n < 5; n++)
        await incident(
          store,
          'busy',
          n,
          'info',
          storm.slice(n * 100, n * 100 + 200),
          start + (12 + n) * HOUR,
        );
      // Run once: it takes minutes (see the README).
      rows.push(await measure('busy day with its 5 incidents (run once)', busyMentions, 1, day('busy')));
      // The same day without them was measured above: the difference is the incidents' queries.
      incidentMs = median(rows.at(-1)!.build) - median(rows[2]!.build);
    }
    await store.close();

    console.log(
      `\ndigest build and render: ${stored.n.toLocaleString('en')} mentions stored through storePoll in ${(storeMs / 1000).toFixed(1)} s (${(size / 2 ** 20).toFixed(0)} MiB SQLite file); median of ${runs} runs, ms`,
    );
    const head = ['report', 'mentions covered', 'build (queries)', 'charts (PNG)', 'HTML', 'total'];
    const line = (r: string[]) => `| ${r.join(' | ')} |`;
    console.log(line(head));
    console.log(line(head.map(() => '---')));
    for (const r of rows) {
      const [b, c, h] = [median(r.build), median(r.charts), median(r.html)];
      console.log(line([r.what, r.mentions.toLocaleString('en'), ms(b), ms(c), ms(h), ms(b + c + h)]));
    }
    console.log(`\n  the first chart of a process (loading echarts and resvg, then drawing): ${ms(cold)} ms`);
    if (incidentMs !== undefined)
      console.log(
        `  the incidents' queries (peak, reach and top posts of incidents of ${sizes.map((n) => n.toLocaleString('en')).join(', ')} mentions): about ${ms(incidentMs)} ms of the build`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
