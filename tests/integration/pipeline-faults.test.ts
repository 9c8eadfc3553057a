import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookBody } from '../../src/alerts/channels/webhook.ts';
import { startFeedServer, type FeedItem } from '../fakes/feed-server.ts';
import { startReceiver, type Received } from '../fakes/receiver-server.ts';
import { cleanEnv, startCli, tempDir, waitUntil, type Running } from '../helpers/cli.ts';
import { DaemonRows, ON_POSTGRES, testStore } from '../helpers/db.ts';
import { startPrivateRedis } from '../helpers/redis.ts';

// The daemon (`earshot start`, a child process) polling a feed, detecting and alerting a webhook
// while things go wrong between the poll and the delivery: the process is killed, Redis goes away,
// the database is locked by another writer, the disk under it fills up. Deliveries under faults
// have their own file (delivery-faults.test.ts). On PostgreSQL too (tests/postgres-files.txt), but
// for the tests about the SQLite file itself: its lock's busy_timeout and the disk under it.

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const neutral = (i: number): FeedItem => ({
  id: `n${i}`,
  title: `Acme flight ${i} departs on schedule`,
  body: 'The Acme airline flight left the gate on time today.',
  link: `https://news.example/n${i}`,
  published: new Date(Date.now() - 60_000),
  author: 'reporter',
});
const negative = (i: number): FeedItem => ({
  id: `bad${i}`,
  title: `Acme airline broke my guitar ${i}`,
  body: 'Terrible service, awful staff, my luggage was destroyed and nobody helped. Worst flight ever, never again.',
  link: `https://social.example/bad${i}`,
  published: new Date(),
  author: `angry${i}`,
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

/** A feed, a webhook receiver and a data folder; `start()` runs the daemon on them. */
async function startRig(opts: { dataDir?: string; redisUrl?: string } = {}) {
  const feed = await startFeedServer();
  const hook = await startReceiver();
  const tmp = tempDir();
  closers.push(
    () => feed.close(),
    () => hook.close(),
    () => tmp.cleanup(),
  );
  const dataDir = opts.dataDir ?? tmp.dir;
  const prefix = `faults-${randomUUID()}`;
  const config = tmp.file(
    'earshot.yml',
    `brands:
  - name: acme
    query: 'acme AND (flight OR airline OR luggage)'
    sources:
      - source: rss
        every: 1s
        feeds: ['${feed.url('/acme.xml')}']
        max_items: 500
detection:
  every: 1s
  min_negative: 5
  critical_ratio: 1000
  warmup: 0s
channels:
  hook:
    type: webhook
    url: '${hook.url('/in')}'
    secret: whsec-0123456789abcdef
routes:
  - channels: [hook]
`,
  );
  const env = cleanEnv({
    EARSHOT_CONFIG: config,
    EARSHOT_DATA_DIR: dataDir,
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl, EARSHOT_QUEUE_PREFIX: prefix } : {}),
  });
  if (opts.redisUrl) {
    const url = opts.redisUrl;
    closers.push(async () => {
      const r = new Redis(url, { maxRetriesPerRequest: 1 });
      r.on('error', () => undefined);
      const keys = await r.keys(`${prefix}:*`).catch(() => []);
      if (keys.length > 0) await r.del(...keys);
      r.disconnect();
    });
  }
  const dbFile = path.join(dataDir, 'earshot.db');
  const rows = new DaemonRows(dataDir);
  closers.push(() => rows.close());
  let daemon: Running | undefined;
  const kill = async () => {
    daemon?.child.kill('SIGKILL');
    await daemon?.exited;
  };
  closers.push(kill);
  const rig = {
    feed,
    hook,
    dbFile,
    get daemon() {
      return daemon;
    },
    serve: (items: FeedItem[]) => feed.setFeed('/acme.xml', { kind: 'rss', items }),
    start() {
      daemon = startCli(['start'], env);
      return daemon;
    },
    kill,
    /** A one-number query on the daemon's database (0 while it does not exist yet). */
    count: (sql: string) => rows.count(sql),
    async mentionIds(): Promise<string[]> {
      return (await rows.all<{ id: string }>('select id from mentions')).map((r) => r.id).sort();
    },
    /**
     * Another connection holding the mentions' write lock until `release()`, as a backup or a script
     * would: SQLite's write lock, or on PostgreSQL a transaction holding `lock table mentions in
     * exclusive mode` (reads go on, writes wait).
     */
    async lockDatabase(): Promise<() => Promise<void>> {
      if (!ON_POSTGRES) {
        const db = new Database(dbFile);
        db.exec('BEGIN IMMEDIATE');
        const release = () => {
          if (db.open) {
            db.exec('ROLLBACK');
            db.close();
          }
          return Promise.resolve();
        };
        closers.push(release);
        return release;
      }
      const store = await testStore(dataDir, { migrate: false });
      let unlock!: () => void;
      let locked!: () => void;
      const held = new Promise<void>((r) => (locked = r));
      const done = store.tx(async () => {
        await store.run('lock table mentions in exclusive mode');
        locked();
        await new Promise<void>((r) => (unlock = r));
      });
      await Promise.race([held, done]);
      let released: Promise<void> | undefined;
      const release = () =>
        (released ??= (async () => {
          unlock();
          await done;
          await store.close();
        })());
      closers.push(release);
      return release;
    },
    /** Waits until the feed has been read again since now (so the answer was the feed as it is now). */
    async nextRead(what: string) {
      const before = feed.requests.length;
      await waitUntil(() => feed.requests.length > before, 15_000, what);
    },
  };
  return rig;
}

type Rig = Awaited<ReturnType<typeof startRig>>;
const stored = (rig: Rig, n: number, what: string) =>
  waitUntil(async () => (await rig.count('select count(*) n from mentions')) === n, 20_000, what);
const sentAll = (rig: Rig) =>
  waitUntil(
    async () =>
      (await rig.count('select count(*) n from deliveries')) > 0 &&
      (await rig.count("select count(*) n from deliveries where status <> 'sent'")) === 0,
    20_000,
    'every delivery sent',
  );
const ids = (items: FeedItem[]) => items.map((i) => `rss:${i.id}`);
const alertTitle = (r: Received) => (JSON.parse(r.body) as WebhookBody).alert.title;

describe.each([
  { queue: 'embedded', redisUrl: undefined },
  { queue: 'bullmq', redisUrl: 'redis://127.0.0.1:6379' },
])(
  'the daemon killed with SIGKILL during a poll and during detection, then restarted ($queue)',
  ({ redisUrl }) => {
    it('stores every post the feed served exactly once, and sends the alert at most twice with one id', async () => {
      const rig = await startRig(redisUrl ? { redisUrl } : {});
      rig.serve([neutral(1), neutral(2)]);
      rig.start();
      await stored(rig, 2, 'the first two posts');

      // 1. A poll has read new posts and waits for the database (held by another writer): killed there.
      const release = await rig.lockDatabase();
      const first = [neutral(1), neutral(2), ...range(1, 6).map(negative)];
      rig.serve(first);
      await rig.nextRead('a poll of the new posts');
      // The poll reached the store within milliseconds and now waits for the lock (SQLite's
      // busy_timeout is 5 s; PostgreSQL waits as long as the lock is held).
      await new Promise((r) => setTimeout(r, 500));
      expect(await rig.count('select count(*) n from mentions')).toBe(2);
      await rig.kill();
      await release();

      // 2. Restarted: the cursor did not move past what was never stored, so the posts come again.
      //    Killed again as soon as detection has opened the incident, its alert still being sent.
      rig.hook.slow(1_500);
      rig.start();
      await stored(rig, first.length, 'the posts of the killed poll, after the restart');
      await waitUntil(
        async () => (await rig.count('select count(*) n from incidents')) > 0,
        20_000,
        'an incident',
      );
      await rig.kill();

      // 3. While it is down the story goes on; restarted once more.
      rig.hook.slow(0);
      const all = [...first, ...range(7, 8).map(negative), neutral(3)];
      rig.serve(all);
      rig.start();
      await stored(rig, all.length, 'the posts published while the daemon was down');
      await sentAll(rig);
      // Time for a second alert, had the restarts made one.
      await new Promise((r) => setTimeout(r, 2_500));

      expect(await rig.mentionIds()).toEqual(ids(all).sort());
      expect(await rig.count('select count(*) n from incidents')).toBe(1);
      expect(await rig.count('select count(*) n from alerts')).toBe(1);
      // The one documented duplicate: a send in flight when the process died goes again, same id.
      expect(rig.hook.requests.length).toBeGreaterThanOrEqual(1);
      expect(rig.hook.requests.length).toBeLessThanOrEqual(2);
      expect(new Set(rig.hook.requests.map((r) => r.headers['earshot-delivery'])).size).toBe(1);
      expect(alertTitle(rig.hook.requests[0]!)).toContain('negative');
    });
  },
);

// PostgreSQL has no busy_timeout: a writer waits while the lock is held (the SIGKILL test holds a poll so).
describe.skipIf(ON_POSTGRES)('the database locked by another writer past busy_timeout', () => {
  it('logs the poll that failed and why, keeps running, and stores everything once the lock is gone', async () => {
    const rig = await startRig();
    rig.serve([neutral(1), neutral(2)]);
    rig.start();
    await stored(rig, 2, 'the first two posts');

    const release = await rig.lockDatabase();
    const all = [neutral(1), neutral(2), ...range(3, 6).map(neutral)];
    rig.serve(all);
    await waitUntil(
      () =>
        (rig.daemon?.logs() ?? '').includes(
          `poll of rss for acme could not be stored: the database ${rig.dbFile} is locked by another connection`,
        ),
      20_000,
      'the failed poll in the log',
    );
    expect(rig.daemon?.child.exitCode).toBeNull();
    expect(await rig.count('select count(*) n from mentions')).toBe(2);
    await release();

    await stored(rig, all.length, 'the posts once the lock is released');
    expect(await rig.mentionIds()).toEqual(ids(all).sort());
    expect(rig.daemon?.child.exitCode).toBeNull();
  });
});

/** A tmpfs of `size` at a new folder, or why it cannot be had (not root, no mount in a container). */
function mountTmpfs(size: string): { dir: string; unmount(): void } | { refused: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { refused: stderr || (err as Error).message };
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why a tmpfs cannot be mounted here, or null when it can (the probe is unmounted at once). */
function tmpfsRefused(): string | null {
  const probe = mountTmpfs('1m');
  if ('refused' in probe) return probe.refused;
  probe.unmount();
  return null;
}

// The disk under the SQLite file; PostgreSQL's disk is its server's.
describe.skipIf(ON_POSTGRES)('the disk under the database full', () => {
  // Collected on PostgreSQL too (then skipped): no mount is tried there.
  const refused = ON_POSTGRES ? null : tmpfsRefused();
  if (refused)
    console.warn(`disk-full test skipped: mounting a small tmpfs needs root and mount rights (${refused})`);

  it.skipIf(refused !== null)(
    'logs "database or disk is full" naming the poll, keeps running, and stores everything once space is freed',
    async () => {
      // Mounted here, not while collecting: a test left out by a filter must leave no mount behind.
      const disk = mountTmpfs('8m');
      if ('refused' in disk) throw new Error(`cannot mount a tmpfs: ${disk.refused}`);
      closers.push(() => disk.unmount());
      const rig = await startRig({ dataDir: disk.dir });
      rig.serve([neutral(1), neutral(2)]);
      rig.start();
      await stored(rig, 2, 'the first two posts');

      // Leave the database a few kilobytes, then serve more than that.
      const { bavail, bsize } = statfsSync(disk.dir);
      const filler = path.join(disk.dir, 'filler');
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 16 * 1024)));
      const long = (i: number): FeedItem => ({
        ...neutral(i),
        body: `${neutral(i).body} ${'On time. '.repeat(200)}`,
      });
      const all = [neutral(1), neutral(2), ...range(3, 300).map(long)];
      rig.serve(all);
      await waitUntil(
        () =>
          (rig.daemon?.logs() ?? '').includes(
            `poll of rss for acme could not be stored: the disk holding the database ${rig.dbFile} is full`,
          ),
        20_000,
        'the full disk in the log',
      );
      // The source is not to blame: no failure counted against it (it would end in a source_silent alert).
      expect(rig.daemon?.logs()).not.toContain('poll of rss for acme failed');
      expect(rig.daemon?.child.exitCode).toBeNull();

      rmSync(filler);
      await stored(rig, all.length, 'the posts once space is freed');
      expect(await rig.mentionIds()).toEqual(ids(all).sort());
    },
  );
});

describe('Redis gone while posts come in (a private redis-server stopped, then started again)', () => {
  it('says so in the log, and when Redis is back the next poll stores and the alert goes out once', async () => {
    const redis = await startPrivateRedis();
    closers.push(() => redis.close());
    const rig = await startRig({ redisUrl: redis.url });
    rig.serve([neutral(1), neutral(2)]);
    rig.start();
    await stored(rig, 2, 'the first two posts');

    // A short outage behaves as a long one: the client retries every 2 s at most, polls cannot be
    // queued meanwhile, and nothing is fetched that could be lost.
    await redis.stop();
    const all = [neutral(1), neutral(2), ...range(1, 6).map(negative)];
    rig.serve(all);
    const port = new URL(redis.url).port;
    await waitUntil(
      () => rig.daemon?.logs().includes(`redis at 127.0.0.1:${port}`) ?? false,
      15_000,
      'the daemon to report Redis gone',
    );
    await new Promise((r) => setTimeout(r, 2_000));
    expect(rig.daemon?.child.exitCode).toBeNull();
    await redis.start();

    await stored(rig, all.length, 'the posts after Redis is back');
    await sentAll(rig);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await rig.mentionIds()).toEqual(ids(all).sort());
    expect(await rig.count('select count(*) n from alerts')).toBe(1);
    expect(rig.hook.requests.map(alertTitle)).toHaveLength(1);
  });
});
