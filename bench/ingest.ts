// Ingest end to end, per source: poll a local fake answering at once, normalize, match, analyze,
// store (SQLite file, one transaction a poll). Each round is a new brand, so every item is new.
// The fake runs in a child process (`bench/ingest.ts --serve NAME`), so that its own work of
// building answers is not counted against Earshot's.
import { spawn } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { runPoll } from '../jobs/poll.ts';
import { analyzeMention } from '../src/analysis/index.ts';
import { buildConfig } from '../src/config.ts';
import { type SourceEntry } from '../src/config.ts';
import { startDaemon, type Daemon } from '../src/daemon.ts';
import { storePoll } from '../src/db/mentions.ts';
import { getSource } from '../src/sources/index.ts';
import type { Mention } from '../src/types.ts';
import { startAppStoreServer } from '../tests/fakes/appstore-server.ts';
import { startBlueskyServer } from '../tests/fakes/bluesky-server.ts';
import { renderRss, startFeedServer } from '../tests/fakes/feed-server.ts';
import { startHnServer } from '../tests/fakes/hn-server.ts';
import { startMastodonServer } from '../tests/fakes/mastodon-server.ts';
import { startRedditServer } from '../tests/fakes/reddit-server.ts';
import { startTrustpilotServer } from '../tests/fakes/trustpilot-server.ts';
import { startXServer } from '../tests/fakes/x-server.ts';
import { startYouTubeServer } from '../tests/fakes/youtube-server.ts';

const TEXTS = [
  'acme lost my bag, never again',
  'flying acme today, crew were lovely',
  'is the acme lounge open?',
  'acme app crashed at check-in',
  'acme delayed 3 hours, still waiting',
];
const text = (i: number) => `${TEXTS[i % TEXTS.length]} #${i}`;
const now = Date.now();

interface Setup {
  entry: Record<string, unknown>;
  close(): Promise<void>;
}

const setups: Record<string, () => Promise<Setup>> = {
  async rss() {
    const f = await startFeedServer();
    // Rendered once: the fake answers at once instead of writing 1,000 items a request.
    const xml = renderRss(
      Array.from({ length: 1_000 }, (_, i) => ({
        id: `i${i}`,
        title: text(i),
        body: 'body',
        link: `https://n.example/${i}`,
        published: new Date(now - i * 1000),
      })),
    );
    f.setRaw('/f', 200, xml, { 'content-type': 'application/rss+xml; charset=utf-8' });
    return { entry: { source: 'rss', feeds: [f.url('/f')], max_items: 1_000 }, close: () => f.close() };
  },
  async hackernews() {
    const h = await startHnServer();
    for (let i = 0; i < 1_000; i++)
      h.hits.push({
        objectID: String(i),
        kind: 'comment',
        author: 'a',
        text: text(i),
        created_at_i: Math.floor(now / 1000) - i,
      });
    return { entry: { source: 'hackernews', api_url: h.apiUrl, pace_ms: 0 }, close: () => h.close() };
  },
  async appstore() {
    const a = await startAppStoreServer();
    a.reviews('us', '42').push(
      ...Array.from({ length: 500 }, (_, i) => ({
        id: String(6e9 + i),
        author: 'u',
        title: 'Review',
        content: text(i),
        rating: 1 + (i % 5),
        updated: new Date(now - i * 1000),
      })),
    );
    return {
      entry: { source: 'appstore', apps: [{ id: '42' }], api_url: a.base, pace_ms: 0 },
      close: () => a.close(),
    };
  },
  async mastodon() {
    // The fake counts down the instance's limit like a real one; the benchmark measures us, not it.
    const m = await startMastodonServer({ limit: 1e9 });
    for (let i = 0; i < 200; i++)
      m.statuses.push({
        id: String(100_000_000_000_000_000n + BigInt(i)),
        tags: ['acme'],
        text: text(i),
        acct: 'bob',
        followers: 10,
        created: new Date(now - i * 1000),
      });
    return {
      entry: { source: 'mastodon', instance: m.instance, hashtags: ['acme'], pace_ms: 0 },
      close: () => m.close(),
    };
  },
  async reddit() {
    const r = await startRedditServer();
    for (let i = 0; i < 500; i++)
      r.things.push({
        kind: 't3',
        id: `p${i}`,
        sub: 's',
        author: 'u',
        title: text(i),
        text: '',
        created: Math.floor(now / 1000) - i,
      });
    return { entry: { source: 'reddit', api_url: r.base, pace_ms: 0 }, close: () => r.close() };
  },
  async bluesky() {
    const b = await startBlueskyServer();
    for (let i = 0; i < 500; i++)
      b.posts.push({
        rkey: `r${i}`,
        handle: `u${i % 50}.bsky.social`,
        text: text(i),
        created: new Date(now - i * 1000),
      });
    return {
      entry: {
        source: 'bluesky',
        handle: 'brand.bsky.social',
        app_password: 'abcd-efgh-ijkl-mnop',
        service: b.service,
        pace_ms: 0,
      },
      close: () => b.close(),
    };
  },
  async x() {
    const f = await startXServer();
    for (let i = 0; i < 500; i++)
      f.tweets.push({
        id: String(1_583_926_354_983_718_912n + BigInt(i)),
        text: text(i),
        username: `u${i % 50}`,
        followers: 100,
        created: new Date(now - i * 1000),
      });
    return {
      entry: { source: 'x', bearer_token: f.token, api_url: f.apiUrl, pace_ms: 0 },
      close: () => f.close(),
    };
  },
  async youtube() {
    const y = await startYouTubeServer();
    for (let i = 0; i < 500; i++)
      y.comments.push({
        id: `Ugz${i}`,
        videoId: 'v0000001',
        author: `fan${i}`,
        text: text(i),
        published: new Date(now - i * 1000),
      });
    return {
      entry: { source: 'youtube', api_key: y.key, channels: [y.channel], api_url: y.apiUrl, pace_ms: 0 },
      close: () => y.close(),
    };
  },
  async trustpilot() {
    const t = await startTrustpilotServer();
    for (let i = 0; i < 500; i++)
      t.reviews.push({
        id: `5f${i}0000000`,
        unit: 'bu-000001',
        stars: 1 + (i % 5),
        title: 'Review',
        text: text(i),
        created: new Date(now - i * 1000),
      });
    return {
      entry: {
        source: 'trustpilot',
        api_key: t.key,
        business_units: ['bu-000001'],
        api_url: t.apiUrl,
        pace_ms: 0,
      },
      close: () => t.close(),
    };
  },
};

/** Starts the named fake in a child process; resolves with the source entry that points at it. */
function serveElsewhere(name: string): Promise<{ entry: Record<string, unknown>; close(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', name],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      resolve({
        entry: JSON.parse(out) as Record<string, unknown>,
        close: () =>
          new Promise((done) => {
            child.on('exit', () => done());
            child.stdin.end();
          }),
      });
    });
  });
}

/** BENCH_PROFILE=DIR: a CPU profile of each source's measured window only (no start-up, no fakes). */
async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** The poll worker's concurrency in the daemon: polls wait on the network side by side. */
const IN_FLIGHT = 4;
/** Polled first and not counted: V8 compiles the hot paths in about the first second. */
const WARM_UP_MS = 1_000;
/** Enough new brands for the warm-up and the measurement of the fastest source. */
const BRANDS = 2_000;

const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e3;
};

/**
 * CPU microseconds a mention in each stage, measured apart on fresh brands: reading the API
 * (HTTP, JSON, validation, normalize), analysis, and storing.
 */
async function stages(daemon: Daemon, entry: SourceEntry, rounds: number) {
  const source = getSource(entry.source);
  if (!source) throw new Error(`no source ${entry.source}`);
  const ctx = { http: daemon.ctx.http, clock: daemon.ctx.clock, log: daemon.ctx.log, env: {} };
  const read: Mention[][] = [];
  let t = cpuNow();
  for (let i = 0; i < rounds; i++) {
    const res = await source.poll(ctx, {
      brand: { name: `stage${i}`, query: 'acme' },
      options: entry.options,
      cursor: null,
      backfillSince: new Date(Date.now() - entry.backfillMs),
    });
    read.push(res.items.flatMap((r) => source.normalize(r, entry.options) ?? []));
  }
  const n = read.reduce((a, l) => a + l.length, 0);
  const fetchUs = ((cpuNow() - t) * 1000) / n;
  t = cpuNow();
  const observed = new Date();
  const analyzed = read.map((l, i) => l.map((m) => analyzeMention(m, `stage${i}`, observed)));
  const analyzeUs = ((cpuNow() - t) * 1000) / n;
  t = cpuNow();
  for (const [i, mentions] of analyzed.entries())
    await storePoll(daemon.ctx.store, {
      brand: `stage${i}`,
      sourceKey: entry.key,
      source: entry.source,
      mentions,
      cursor: null,
      at: Date.now(),
    });
  const storeUs = ((cpuNow() - t) * 1000) / n;
  return [fetchUs, analyzeUs, storeUs].map((us) => us.toFixed(1));
}

export interface IngestFigures {
  source: string;
  perPoll: number;
  polls: number;
  /** Mentions stored a second of wall time. */
  perSec: number;
  /** Mentions a CPU-second of this process (the fake runs in another). */
  perCpuSec: number;
  /** CPU microseconds a mention: read (HTTP, JSON, validation, normalize), analyze, store. */
  split: string[];
}

/**
 * One source end to end for `seconds`, after a warm-up of WARM_UP_MS not counted: a fake in a child
 * process serves new posts to new brands; this process polls, normalizes, matches, analyzes and
 * stores them in a SQLite file.
 */
export async function measureIngest(name: string, seconds: number): Promise<IngestFigures> {
  const s = await serveElsewhere(name);
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-'));
  const brands = Array.from({ length: BRANDS }, (_, i) => ({
    name: `b${i}`,
    query: 'acme',
    sources: [s.entry],
  }));
  const config = buildConfig({ brands }, { EARSHOT_DATA_DIR: dir });
  const daemon = await startDaemon({ config, env: {}, log: pino({ level: 'silent' }), schedule: false });
  try {
    const todo = [...config.brands];
    /** Polls new brands, IN_FLIGHT at a time, for `ms`; returns mentions stored and polls made. */
    const pollFor = async (ms: number) => {
      const until = performance.now() + ms;
      let stored = 0;
      let polls = 0;
      const worker = async () => {
        while (performance.now() < until) {
          const brand = todo.shift();
          const entry = brand?.sources[0];
          if (!brand || !entry) throw new Error(`${name}: the ${BRANDS} brands ran out; measure less time`);
          const out = await runPoll(daemon.ctx, brand, entry);
          if (out.error) throw new Error(`${name}: ${out.error}`);
          stored += out.stored;
          polls++;
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      return { stored, polls };
    };
    // The daemon runs for months: its rate once V8 has compiled the hot paths is the one that counts.
    await pollFor(WARM_UP_MS);
    const profile = process.env.BENCH_PROFILE ? await startProfile() : null;
    const t0 = performance.now();
    const cpu0 = cpuNow();
    const { stored, polls } = await pollFor(seconds * 1000);
    const secs = (performance.now() - t0) / 1000;
    const cpuSecs = (cpuNow() - cpu0) / 1000;
    if (profile) await profile.stop(path.join(process.env.BENCH_PROFILE ?? '.', `ingest-${name}.cpuprofile`));
    const split = await stages(daemon, config.brands[0]!.sources[0]!, 20);
    return {
      source: name,
      perPoll: Math.round(stored / polls),
      polls,
      perSec: stored / secs,
      perCpuSec: stored / cpuSecs,
      split,
    };
  } finally {
    await daemon.stop();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The sources measured: all, or those of BENCH_SOURCES (`rss,x`). */
export function ingestSources(): string[] {
  const only = process.env.BENCH_SOURCES?.split(',');
  return Object.keys(setups).filter((n) => !only || only.includes(n));
}

function printIngestHead(): void {
  console.log(
    `\ningest end to end per source (local fake answering at once; poll, normalize, match, analyze, store in SQLite; ${IN_FLIGHT} polls in flight as in the daemon; counted after ${WARM_UP_MS / 1000} s of warm-up)`,
  );
  console.log(
    '(mentions/s counts wall time; per CPU-s counts only the Earshot process, the fake runs in another)',
  );
  console.log(
    '(then CPU microseconds a mention, stage by stage: read = HTTP, JSON, validation and normalize)',
  );
  console.log(
    ['source', 'mentions/poll', 'polls', 'mentions/s', 'per CPU-s', 'read us', 'analyze us', 'store us'].join(
      '\t',
    ),
  );
}

function printIngestRow(f: IngestFigures): void {
  const rate = (n: number) => Math.round(n).toLocaleString('en');
  console.log([f.source, f.perPoll, f.polls, rate(f.perSec), rate(f.perCpuSec), ...f.split].join('\t'));
}

/** Each source's row printed as soon as it is measured. */
export async function main(
  seconds = Number(process.env.BENCH_INGEST_SECONDS ?? 2),
): Promise<IngestFigures[]> {
  printIngestHead();
  const figures: IngestFigures[] = [];
  for (const name of ingestSources()) {
    const f = await measureIngest(name, seconds);
    printIngestRow(f);
    figures.push(f);
  }
  return figures;
}

const runHere = import.meta.url === `file://${process.argv[1]}`;
if (runHere && process.argv[2] === '--serve') {
  const setup = setups[process.argv[3] ?? ''];
  if (!setup) throw new Error(`no fake named ${process.argv[3]}`);
  const s = await setup();
  process.stdout.write(`${JSON.stringify(s.entry)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void s.close().then(() => process.exit(0)));
} else if (runHere) {
  await main();
}
