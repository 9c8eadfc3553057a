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
import { buildConfig } from '../src/config.ts';
import { startDaemon } from '../src/daemon.ts';
import { startAppStoreServer } from '../tests/fakes/appstore-server.ts';
import { startBlueskyServer } from '../tests/fakes/bluesky-server.ts';
import { startFeedServer } from '../tests/fakes/feed-server.ts';
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
    f.setFeed('/f', {
      kind: 'rss',
      items: Array.from({ length: 1_000 }, (_, i) => ({
        id: `i${i}`,
        title: text(i),
        body: 'body',
        link: `https://n.example/${i}`,
        published: new Date(now - i * 1000),
      })),
    });
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
      entry: { source: 'youtube', api_key: y.key, channels: [y.channel], api_url: y.apiUrl },
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

export async function main(seconds = Number(process.env.BENCH_INGEST_SECONDS ?? 2)): Promise<void> {
  console.log(
    '\ningest end to end per source (local fake answering at once; poll, normalize, match, analyze, store in SQLite)',
  );
  console.log('(mentions/s counts wall time, fakes included; per CPU-s counts only the Earshot process)');
  console.log(['source', 'mentions/poll', 'polls', 'mentions/s', 'mentions per CPU-s'].join('\t'));
  const only = process.env.BENCH_SOURCES?.split(',');
  for (const name of Object.keys(setups).filter((n) => !only || only.includes(n))) {
    const s = await serveElsewhere(name);
    const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-'));
    const brands = Array.from({ length: 400 }, (_, i) => ({
      name: `b${i}`,
      query: 'acme',
      sources: [s.entry],
    }));
    const config = buildConfig({ brands }, { EARSHOT_DATA_DIR: dir });
    const daemon = startDaemon({ config, env: {}, log: pino({ level: 'silent' }), schedule: false });
    let stored = 0;
    let polls = 0;
    const profile = process.env.BENCH_PROFILE ? await startProfile() : null;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (const brand of config.brands) {
      const entry = brand.sources[0];
      if (!entry) continue;
      const out = await runPoll(daemon.ctx, brand, entry);
      if (out.error) throw new Error(`${name}: ${out.error}`);
      stored += out.stored;
      polls++;
      if (performance.now() - t0 > seconds * 1000) break;
    }
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSecs = (cpu.user + cpu.system) / 1e6;
    if (profile) await profile.stop(path.join(process.env.BENCH_PROFILE ?? '.', `ingest-${name}.cpuprofile`));
    const rate = (n: number) => Math.round(n).toLocaleString('en');
    console.log(
      [name, Math.round(stored / polls), polls, rate(stored / secs), rate(stored / cpuSecs)].join('\t'),
    );
    await daemon.stop();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  const setup = setups[process.argv[3] ?? ''];
  if (!setup) throw new Error(`no fake named ${process.argv[3]}`);
  const s = await setup();
  process.stdout.write(`${JSON.stringify(s.entry)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void s.close().then(() => process.exit(0)));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
