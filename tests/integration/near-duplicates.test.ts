import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runRefresh } from '../../jobs/poll.ts';
import { ManualClock } from '../../src/clock.ts';
import { buildConfig, type Config } from '../../src/config.ts';
import { pollOnce, startDaemon, type Daemon } from '../../src/daemon.ts';
import { windowCounts } from '../../src/db/series.ts';
import { startXServer } from '../fakes/x-server.ts';
import { tempDir } from '../helpers/cli.ts';
import { testDatabase } from '../helpers/db.ts';

const clock = new ManualClock(Date.now());
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const ORIGINAL = 'acme lost my guitar at the gate and the staff just laughed at me, never flying acme again';
const tweet = (id: string, username: string, text: string) => ({
  id,
  text,
  username,
  followers: 5_000,
  created: new Date(clock.now().getTime() - 3 * 3_600_000),
  likes: 2,
});

/** A daemon on the test's clock, without schedules, stopped after the test. */
async function bootDaemon(config: Config): Promise<Daemon> {
  const d = await startDaemon({ config, env: {}, log: pino({ level: 'silent' }), schedule: false, clock });
  closers.push(() => d.stop());
  return d;
}

describe('near-duplicates in the daemon', () => {
  it('a copy counts once, as spread of its original, and is still found after a restart', async () => {
    const x = await startXServer();
    closers.push(() => x.close());
    const tmp = tempDir();
    closers.push(() => tmp.cleanup());
    const config = buildConfig(
      {
        brands: [
          {
            name: 'acme',
            query: 'acme',
            sources: [{ source: 'x', pace_ms: 0, bearer_token: x.token, api_url: x.apiUrl }],
          },
        ],
      },
      { EARSHOT_DATA_DIR: tmp.dir, ...testDatabase(tmp.dir).env },
    );
    const boot = () => bootDaemon(config);
    const rows = async (d: Daemon) =>
      await d.ctx.store.all<{
        id: string;
        duplicate_of: string | null;
        metrics: string;
        virality: number | null;
      }>('select id, duplicate_of, metrics, virality from mentions order by id');
    // Volume counts every post; opinions count the copies once, through their original.
    const volume = async (d: Daemon) =>
      (
        (await d.ctx.store.get(
          "select coalesce(sum(n), 0) as n from mention_counts where label = 'negative'",
        )) as { n: number }
      ).n;
    const opinions = async (d: Daemon) =>
      (await windowCounts(d.ctx.store, 'acme', 0, Date.now() + 86_400_000)).negative;

    x.tweets.push(tweet('1583926354983718001', 'first', ORIGINAL));
    let d = await boot();
    await pollOnce(d);
    const before = (await rows(d))[0]!;
    expect(before.duplicate_of).toBeNull();
    expect([await volume(d), await opinions(d)]).toEqual([1, 1]);

    clock.advance(10 * 60_000);
    x.tweets.unshift(
      tweet('1583926354983718002', 'second', ORIGINAL.replace('guitar', 'cello')),
      tweet('1583926354983718003', 'third', `RT ${ORIGINAL} https://t.co/abc`),
      tweet('1583926354983718004', 'other', 'acme lounge in terminal 2 has great coffee this morning'),
    );
    await pollOnce(d);
    const byId = new Map((await rows(d)).map((r) => [r.id, r]));
    const original = byId.get('x:1583926354983718001')!;
    expect(byId.get('x:1583926354983718002')?.duplicate_of).toBe(original.id);
    expect(byId.get('x:1583926354983718003')?.duplicate_of).toBe(original.id);
    expect(byId.get('x:1583926354983718004')?.duplicate_of).toBeNull();
    // Three people said one thing: three posts, one negative opinion, spread twice.
    expect([await volume(d), await opinions(d)]).toEqual([3, 1]);
    expect(JSON.parse(original.metrics)).toMatchObject({ likes: 2, copies: 2 });
    expect(original.virality!).toBeGreaterThan(before.virality ?? 0);

    // A reading from the source knows nothing of the copies: they are kept.
    x.tweets.find((t) => t.id === '1583926354983718001')!.likes = 9;
    clock.advance(5 * 60_000);
    await runRefresh(d.ctx, d.ctx.config.brands[0]!, d.ctx.config.brands[0]!.sources[0]!);
    expect(JSON.parse((await rows(d)).find((r) => r.id === original.id)!.metrics)).toMatchObject({
      likes: 9,
      copies: 2,
    });

    // After a restart the index is rebuilt from the stored originals.
    await d.stop();
    d = await boot();
    clock.advance(5 * 60_000);
    x.tweets.unshift(tweet('1583926354983718005', 'fourth', ORIGINAL.replace('laughed', 'smirked')));
    await pollOnce(d);
    expect((await rows(d)).find((r) => r.id === 'x:1583926354983718005')?.duplicate_of).toBe(original.id);
    expect(JSON.parse((await rows(d)).find((r) => r.id === original.id)!.metrics)).toMatchObject({
      copies: 3,
    });
    expect([await volume(d), await opinions(d)]).toEqual([4, 1]);
  });

  it('a running daemon keeps a group copied within the window and forgets it after, as a restarted one does', async () => {
    const x = await startXServer();
    closers.push(() => x.close());
    const tmp = tempDir();
    closers.push(() => tmp.cleanup());
    const source = { source: 'x', pace_ms: 0, bearer_token: x.token, api_url: x.apiUrl };
    const config = buildConfig(
      { brands: [{ name: 'acme', query: 'acme', sources: [source] }] },
      { EARSHOT_DATA_DIR: tmp.dir, ...testDatabase(tmp.dir).env },
    );
    const boot = () => bootDaemon(config);
    const copyOf = async (d: Daemon, id: string) =>
      (
        await d.ctx.store.get<{ d: string | null }>('select duplicate_of as d from mentions where id = ?', [
          id,
        ])
      )?.d;
    const post = async (d: Daemon, n: number, instrument: string) => {
      x.tweets.unshift(tweet(`158392635498371810${n}`, `post ${n}`, ORIGINAL.replace('guitar', instrument)));
      await pollOnce(d);
      return copyOf(d, `x:158392635498371810${n}`);
    };

    let d = await boot();
    expect(await post(d, 1, 'guitar')).toBeNull();
    clock.advance(40 * 3_600_000);
    expect(await post(d, 2, 'cello')).toBe('x:1583926354983718101');
    // 50 hours after the first post, but 10 after a copy: the group is still talked about.
    clock.advance(10 * 3_600_000);
    expect(await post(d, 3, 'drum')).toBe('x:1583926354983718101');
    await d.stop();
    d = await boot();
    clock.advance(5 * 60_000);
    expect(await post(d, 4, 'harp')).toBe('x:1583926354983718101');
    // Nobody copied it for 50 hours: forgotten, so this one is an original of its own.
    clock.advance(50 * 3_600_000);
    expect(await post(d, 5, 'banjo')).toBeNull();
    await d.stop();
    d = await boot();
    clock.advance(5 * 60_000);
    expect(await post(d, 6, 'flute')).toBe('x:1583926354983718105');
  });
});
