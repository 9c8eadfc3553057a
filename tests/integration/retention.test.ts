import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneJob } from '../../jobs/prune.ts';
import { analyzeMention } from '../../src/analysis/index.ts';
import { ManualClock } from '../../src/clock.ts';
import { buildConfig } from '../../src/config.ts';
import { connectStore, type Store } from '../../src/db/client.ts';
import { resolveIncident } from '../../src/db/incidents.ts';
import { recordReadings, storeMentions } from '../../src/db/mentions.ts';
import { prune } from '../../src/db/retention.ts';
import { silentLogger } from '../../src/log.ts';
import type { JobContext } from '../../jobs/context.ts';
import { startHnServer } from '../fakes/hn-server.ts';
import { cleanEnv, runCli, startCli, tempDir, waitUntil } from '../helpers/cli.ts';
import { raiseIncident } from '../helpers/incidents.ts';
import { ON_POSTGRES, testDatabase } from '../helpers/db.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function scratch(): Promise<{ dir: string; store: Store; file: string }> {
  const tmp = tempDir();
  const file = testDatabase(tmp.dir).location;
  const store = await connectStore(file);
  closers.push(
    () => tmp.cleanup(),
    () => store.close(),
  );
  return { dir: tmp.dir, store, file };
}

/** `n` posts of `brand` made `ageDays` ago, stored as a poll would, with one engagement reading each. */
async function posts(
  store: Store,
  brand: string,
  ageDays: number,
  n: number,
  prefix: string,
): Promise<string[]> {
  const at = NOW - ageDays * DAY;
  const list = Array.from({ length: n }, (_, i) =>
    analyzeMention(
      {
        id: `${prefix}:${i}`,
        source: 'x',
        text: `acme lost my bag again ${prefix} ${i}`,
        createdAt: new Date(at),
        metrics: { likes: 1 },
      },
      brand,
      new Date(at),
    ),
  );
  await store.tx(() => storeMentions(store, brand, 'x', list, at));
  return list.map((m) => m.id);
}

const count = async (store: Store, sql: string): Promise<number> =>
  ((await store.get(sql)) as { n: number }).n;

describe('retention', () => {
  it('prunes old mentions and readings, keeps newer ones, incidents, alerts and the mentions of open incidents', async () => {
    const { dir, store } = await scratch();
    const config = buildConfig(
      { brands: [{ name: 'acme', query: 'acme' }], retention: { mentions: '30d', snapshots: '10d' } },
      { EARSHOT_DATA_DIR: dir, ...testDatabase(dir).env },
    );
    const old = await posts(store, 'acme', 40, 20, 'old');
    const kept = await posts(store, 'acme', 20, 10, 'new');
    const otherBrand = await posts(store, 'zeta', 40, 5, 'zeta');
    // A reading of a kept mention taken 15 days ago (older than 10d) and one taken yesterday.
    await recordReadings(store, 'acme', [{ id: kept[0] as string, metrics: { likes: 5 } }], NOW - 15 * DAY);
    await recordReadings(store, 'acme', [{ id: kept[0] as string, metrics: { likes: 9 } }], NOW - DAY);
    const resolved = await raiseIncident(store, config, NOW - 39 * DAY, {
      id: 'acme-old-spike',
      severity: 'critical',
      mentionIds: old.slice(0, 10),
    });
    await resolveIncident(store, resolved.incident_id, NOW - 38 * DAY);
    await raiseIncident(store, config, NOW - DAY, {
      id: 'acme-open-viral',
      kind: 'viral_post',
      severity: 'warning',
      mentionIds: [old[15] as string],
    });
    const countsBefore = await count(store, 'select sum(n) as n from mention_counts');

    const clock = new ManualClock(NOW);
    // The prune job reads the config, the store, the clock and the log; it queues nothing.
    const ctx = { config, store, clock, log: silentLogger } as unknown as JobContext;
    const pruned = await pruneJob.handle(ctx, { tick: NOW });

    const ids = (await store.all<{ id: string }>('select id from mentions')).map((r) => r.id);
    expect(ids).not.toContain(old[0]);
    expect(ids).not.toContain(otherBrand[0]);
    expect(ids).toEqual(expect.arrayContaining([...kept, old[15]]));
    expect(ids).toHaveLength(kept.length + 1);
    expect(pruned.mentions).toBe(old.length - 1 + otherBrand.length);
    // Readings: those of pruned mentions, and the 15-day-old one; the kept posts' first readings
    // were taken 20 days ago, so they go too: only yesterday's and the open incident's post remain.
    const readings = await store.all<{
      mention_id: string;
      at: number;
    }>('select mention_id, at from metric_snapshots order by id');
    expect(readings.every((r) => r.at >= NOW - 10 * DAY || r.mention_id === old[15])).toBe(true);
    expect(readings.some((r) => r.mention_id === kept[0] && r.at === NOW - DAY)).toBe(true);
    // The kept mention still shows its latest engagement.
    const latest = (await store.get('select metrics from mentions where id = ?', [kept[0]])) as {
      metrics: string;
    };
    expect(JSON.parse(latest.metrics)).toEqual({ likes: 9 });
    // Baselines read the hourly counts, which stay whole.
    expect(await count(store, 'select sum(n) as n from mention_counts')).toBe(countsBefore);
    expect(await count(store, 'select count(*) as n from incidents')).toBe(2);
    expect(await count(store, 'select count(*) as n from alerts')).toBe(2);
    await store.close();

    const listed = await runCli(['alerts'], { env: cleanEnv({ EARSHOT_DATA_DIR: dir }) });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('acme-old-spike');
    expect(listed.stdout).toContain('negative mentions of acme (critical)');
    expect(listed.stdout).toContain('viral_post');
  });

  // About SQLite's one write lock per file (another connection on the file writes between chunks);
  // PostgreSQL's writers never wait for a whole prune, and its pruning is in the cross-store test.
  it.skipIf(ON_POSTGRES)('deletes a big backlog in chunks, letting other writers in between', async () => {
    const { store, file } = await scratch();
    await posts(store, 'acme', 100, 12_000, 'old');
    await posts(store, 'acme', 1, 7, 'new');
    const other = new Database(file);
    closers.push(() => other.close());
    const left = () => (other.prepare('select count(*) as n from mentions').get() as { n: number }).n;

    const running = prune(store, { mentionsBefore: NOW - 90 * DAY, snapshotsBefore: NOW - 90 * DAY }, 5_000);
    // prune yields to the event loop after each chunk: a turn of the loop later, one chunk is
    // committed and prune waits; another connection sees that chunk gone and can write.
    await new Promise((r) => setImmediate(r));
    expect(left()).toBe(12_007 - 5_000);
    other
      .prepare(
        `insert into metric_snapshots (brand, mention_id, at, metrics) values ('acme', 'new:0', ${NOW}, '{}')`,
      )
      .run();
    const pruned = await running;

    expect(pruned.mentions).toBe(12_000);
    expect(pruned.chunks).toBeGreaterThanOrEqual(3);
    expect(left()).toBe(7);
    expect(await count(store, `select count(*) as n from metric_snapshots where at = ${NOW}`)).toBe(1);
  });

  it('runs on the daemon schedule and logs what it pruned', async () => {
    const { dir, store } = await scratch();
    const hn = await startHnServer();
    closers.push(() => hn.close());
    const now = Date.now();
    const old = Array.from({ length: 3 }, (_, i) =>
      analyzeMention(
        { id: `x:${i}`, source: 'x', text: `acme ${i}`, createdAt: new Date(now - 100 * DAY), metrics: {} },
        'acme',
        new Date(now),
      ),
    );
    await store.tx(() => storeMentions(store, 'acme', 'x', old, now));
    await store.close();
    const tmp = tempDir();
    closers.push(() => tmp.cleanup());
    const cfg = tmp.file(
      'earshot.yml',
      [
        'brands:',
        '  - name: acme',
        '    query: acme',
        '    sources:',
        `      - { source: hackernews, api_url: '${hn.apiUrl}', pace_ms: 0, every: 1h }`,
        'retention: { mentions: 90d, snapshots: 30d }',
      ].join('\n'),
    );
    const daemon = startCli(
      ['--config', cfg, 'start'],
      cleanEnv({ EARSHOT_DATA_DIR: dir, LOG_FORMAT: 'json' }),
    );
    closers.push(async () => {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    });
    await waitUntil(() => daemon.logs().includes('retention: pruned'), 20_000, 'the prune log line');
    const line = daemon
      .logs()
      .split('\n')
      .find((l) => l.includes('retention: pruned'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ mentions: 3, snapshots: 0 });
  });
});
