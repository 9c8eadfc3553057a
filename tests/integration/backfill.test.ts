import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { ManualClock } from '../../src/clock.ts';
import { planBackfill, runBackfill } from '../../src/commands/backfill.ts';
import { buildConfig } from '../../src/config.ts';
import { connectStore } from '../../src/db/client.ts';
import { silentLogger } from '../../src/log.ts';
import { createHttp } from '../../src/sources/http.ts';
import { startHnServer } from '../fakes/hn-server.ts';
import { startXServer } from '../fakes/x-server.ts';
import { cleanEnv, runCli, startCli, tempDir } from '../helpers/cli.ts';
import { testDatabase, testStore } from '../helpers/db.ts';

const DAY = 86_400;
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

type Hn = Awaited<ReturnType<typeof startHnServer>>;

/** A brand `acme` with Hacker News (on the fake) and an RSS feed, its database in a scratch folder. */
async function rig(): Promise<{
  hn: Hn;
  env: NodeJS.ProcessEnv;
  cfg: string;
  dir: string;
  db: (sql: string) => Promise<unknown>;
}> {
  const hn = await startHnServer();
  const tmp = tempDir();
  closers.push(
    () => tmp.cleanup(),
    () => hn.close(),
  );
  const cfg = tmp.file(
    'earshot.yml',
    [
      'brands:',
      '  - name: acme',
      '    query: acme',
      '    sources:',
      `      - { source: hackernews, api_url: '${hn.apiUrl}', pace_ms: 0, tags: [comment] }`,
      "      - { source: rss, feeds: ['http://127.0.0.1:1/feed.xml'] }",
    ].join('\n'),
  );
  const env = cleanEnv({ EARSHOT_DATA_DIR: tmp.dir, LOG_LEVEL: 'warn' });
  // What the CLI stored, read from whichever database the folder uses (SQLite file or PostgreSQL).
  const db = async (sql: string): Promise<unknown> => {
    const store = await testStore(tmp.dir, { migrate: false });
    try {
      const v = (await store.get<{ v: unknown }>(sql))?.v;
      // PostgreSQL returns counts and sums (bigint, numeric) as strings.
      return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    } finally {
      await store.close();
    }
  };
  return { hn, env, cfg, dir: tmp.dir, db };
}

/** `n` comments about acme, one an hour, the newest `fromDays` ago. */
function comments(hn: Hn, n: number, fromDays: number, prefix = 1_000): void {
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < n; i++)
    hn.hits.push({
      objectID: String(prefix + i),
      kind: 'comment',
      author: `u${i}`,
      text: `acme lost my bag ${i}`,
      created_at_i: now - fromDays * DAY - i * 3_600,
    });
}

describe('earshot backfill', () => {
  it('stores past mentions through the poll’s pipeline, says what it did per source, leaves the live cursor alone', async () => {
    const { hn, env, cfg, db } = await rig();
    comments(hn, 5, 0.5);
    const live = await runCli(['--config', cfg, 'poll', '--once'], { env, timeoutMs: 60_000 });
    expect(live.code).toBe(0);
    const cursorBefore = await db("select cursor as v from source_cursors where source_key = 'hackernews'");
    expect(cursorBefore).toBeTruthy();

    comments(hn, 250, 3, 5_000);
    hn.hits.push({ objectID: '9', kind: 'comment', author: 'z', text: 'nothing to see', created_at_i: 1 });
    const r = await runCli(['--config', cfg, 'backfill', '--brand', 'acme', '--since', '20d'], { env });
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(/^rss: the rss source cannot fetch past mentions by date/),
    );
    const done = lines.find((l) => l.startsWith('hackernews:') && l.endsWith('(done)')) ?? '';
    expect(done).toMatch(/^hackernews: 3 page\(s\), 250 mention\(s\) stored, back to 20\d\d-/);
    expect(await db("select count(*) as v from mentions where source_key = 'hackernews'")).toBe(255);
    // Counted once each in the hourly series that baselines read.
    expect(await db("select sum(n) as v from mention_counts where brand = 'acme'")).toBe(255);
    expect(await db("select cursor as v from source_cursors where source_key = 'hackernews'")).toBe(
      cursorBefore,
    );

    // The live poll goes on from its own cursor: a new post is stored, nothing old comes back.
    hn.hits.push({
      objectID: '77',
      kind: 'comment',
      author: 'n',
      text: 'acme new one',
      created_at_i: Math.floor(Date.now() / 1000),
    });
    const next = await runCli(['--config', cfg, 'poll', '--once'], { env, timeoutMs: 60_000 });
    expect(next.code).toBe(0);
    expect(await db("select count(*) as v from mentions where id = 'hn:77'")).toBe(1);

    const again = await runCli(
      ['--config', cfg, 'backfill', '--brand', 'acme', '--since', '10d', '-s', 'hackernews'],
      {
        env,
      },
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('hackernews: already backfilled back to');
  });

  it('killed in the middle, continues where it stopped when run again, storing each post once', async () => {
    const { hn, env, cfg, db } = await rig();
    comments(hn, 450, 1);
    const held = hn.holdAfter(2);
    const run = startCli(
      ['--config', cfg, 'backfill', '--brand', 'acme', '--since', '30d', '--source', 'hackernews'],
      env,
    );
    await held;
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await db('select pages as v from backfills')).toBe(2);
    expect(await db('select count(*) as v from mentions')).toBe(200);
    expect(await db('select finished_at as v from backfills')).toBeNull();

    hn.release();
    const asked = hn.requests.length;
    const r = await runCli(
      ['--config', cfg, 'backfill', '--brand', 'acme', '--since', '30d', '--source', 'hackernews'],
      {
        env,
      },
    );
    expect(r.code).toBe(0);
    // The held request is read again, then the rest: page 0 is not asked twice.
    expect(hn.requests.slice(asked).map((p) => p.get('page'))).toEqual(['2', '3', '4']);
    expect(await db('select count(*) as v from mentions')).toBe(450);
    expect(await db("select sum(n) as v from mention_counts where brand = 'acme'")).toBe(450);
    expect(await db('select stored as v from backfills')).toBe(450);
    expect(r.stderr).toMatch(/hackernews: 5 page\(s\), 450 mention\(s\) stored, back to .* \(done\)/);
  });

  it('on Ctrl-C stops at once, keeps what it stored and says how to continue', async () => {
    const { hn, env, cfg, db } = await rig();
    comments(hn, 300, 1);
    const held = hn.holdAfter(1);
    const run = startCli(['--config', cfg, 'backfill', '--brand', 'acme', '--since', '30d'], env);
    await held;
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.logs()).toContain('hackernews: 1 page(s), 100 mention(s) stored');
    expect(run.logs()).toContain(
      'interrupted: what was read is stored; run the same command again to continue',
    );
    expect(await db('select count(*) as v from mentions')).toBe(100);
  });

  it('refuses a bad request with one line and exit code 2, before touching the database', async () => {
    const { env, cfg, dir } = await rig();
    const cases: [string[], RegExp][] = [
      [['--brand', 'acme', '--since', 'last tuesday'], /^earshot: --since "last tuesday": not a date/],
      [['--brand', 'acme', '--since', '7d', '--source', 'x'], /^earshot: brand acme has no source "x"/],
      [['--brand', 'acme'], /required option '--since <date>'/],
    ];
    for (const [args, why] of cases) {
      const r = await runCli(['--config', cfg, 'backfill', ...args], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')[0]).toMatch(why);
    }
    expect(existsSync(`${dir}/earshot.db`)).toBe(false);
  });

  it('cuts a span to what the API reaches, and says so (X recent search: 7 days)', async () => {
    const fake = await startXServer();
    const tmp = tempDir();
    closers.push(
      () => tmp.cleanup(),
      () => fake.close(),
    );
    const now = Date.now();
    let id = 1_800_000_000_000_000_000n;
    for (const days of [1, 3, 6, 9, 20])
      fake.tweets.push({
        id: String(id++),
        text: `acme lost my bag ${days} days ago`,
        username: 'flyer',
        followers: 10,
        created: new Date(now - days * DAY * 1000),
      });
    const config = buildConfig(
      {
        brands: [
          {
            name: 'acme',
            query: 'acme',
            sources: [
              { source: 'x', bearer_token: 'AAAA-test-bearer-token', api_url: fake.apiUrl, pace_ms: 0 },
            ],
          },
        ],
      },
      { EARSHOT_DATA_DIR: tmp.dir, ...testDatabase(tmp.dir).env },
    );
    const store = await connectStore(config.settings.database);
    closers.push(() => store.close());
    let said = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        said += chunk.toString();
        done();
      },
    });
    const clock = new ManualClock(now);
    const code = await runBackfill({
      config,
      store,
      env: {},
      log: silentLogger,
      http: createHttp({ timeoutMs: 5_000, userAgent: 'earshot-test' }),
      clock,
      plan: planBackfill(config, { brand: 'acme', since: '30d' }, now),
      out,
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    expect(said).toContain('x: the x API reaches back 7d only; backfilling from ');
    expect(said).toMatch(/x: 1 page\(s\), 3 mention\(s\) stored, back to .* \(done\)/);
    const ids = await store.all<{
      text: string;
    }>('select text from mentions order by created_at');
    expect(ids.map((r) => r.text)).toEqual([
      'acme lost my bag 6 days ago',
      'acme lost my bag 3 days ago',
      'acme lost my bag 1 days ago',
    ]);

    // Stopped on a later page and resumed two hours on: the span's start has slid out of X's reach,
    // so it is read again from the present edge rather than resumed with a token X would refuse.
    await store.run(`update backfills set position = '{"token":"tok100"}', finished_at = null`);
    clock.advance(2 * 3_600_000);
    const asked = fake.queries.length;
    const again = await runBackfill({
      config,
      store,
      env: {},
      log: silentLogger,
      http: createHttp({ timeoutMs: 5_000, userAgent: 'earshot-test' }),
      clock,
      plan: planBackfill(config, { brand: 'acme', since: '30d' }, clock.now().getTime()),
      out,
      signal: new AbortController().signal,
    });
    expect(again).toBe(0);
    const resumed = fake.queries.slice(asked);
    expect(resumed.map((q) => q.get('next_token'))).toEqual([null]);
    expect(Date.parse(resumed[0]?.get('start_time') ?? '')).toBeGreaterThan(
      clock.now().getTime() - 7 * DAY * 1000,
    );
  });
});
