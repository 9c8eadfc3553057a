import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../helpers/daemon.ts';
import { ManualClock } from '../../src/clock.ts';
import { buildConfig } from '../../src/config.ts';
import { pollOnce, startDaemon } from '../../src/daemon.ts';
import { appstore, type AppStoreCursor } from '../../src/sources/appstore.ts';
import { startAppStoreServer, type FakeReview } from '../fakes/appstore-server.ts';
import { tempDir } from '../helpers/cli.ts';
import { testDatabase } from '../helpers/db.ts';

type Apple = Awaited<ReturnType<typeof startAppStoreServer>>;
const clock = new ManualClock('2026-11-24T12:00:00Z');
const ctx = sourceContext(clock);
const review = (i: number, hoursAgo = i): FakeReview => ({
  id: String(6_290_000_000 + i),
  author: `user${i}`,
  title: i % 2 ? 'Crashes on login' : 'Great app',
  content: i % 2 ? 'Since the update it crashes every time I log in.' : 'Works well.',
  rating: i % 2 ? 1 : 5,
  updated: new Date(clock.now().getTime() - hoursAgo * 3_600_000),
});

describe('appstore source against a local stand-in for Apple', () => {
  let apple: Apple;
  beforeEach(async () => {
    apple = await startAppStoreServer();
  });
  afterEach(() => apple.close());
  const poll = (cursor: AppStoreCursor | null, backfillHours = 24 * 30) =>
    appstore.poll(ctx, {
      brand: { name: 'acme', query: 'acme' },
      options: { apps: [{ id: '1404176564', countries: ['us', 'gb'] }], api_url: apple.base, pace_ms: 0 },
      cursor,
      backfillSince: new Date(clock.now().getTime() - backfillHours * 3_600_000),
    });

  it('reads every storefront, skips the metadata entry, and then only new reviews', async () => {
    apple.reviews('us', '1404176564').push(...Array.from({ length: 120 }, (_, i) => review(i)));
    apple.reviews('gb', '1404176564').push(review(500));
    const first = await poll(null);
    expect(first.items).toHaveLength(121);
    expect(apple.requests.filter((r) => r.startsWith('/us/'))).toHaveLength(3);
    apple.reviews('us', '1404176564').push(review(1000, 0));
    const second = await poll(first.cursor);
    expect(second.items.map((r) => r.id)).toEqual(['6290001000']);
  });

  it('takes one review given as an object, and none given as no key', async () => {
    apple.reviews('gb', '1404176564').push(review(7));
    const res = await poll(null);
    expect(res.items.map((r) => [r.country, r.rating])).toEqual([['gb', 1]]);
  });

  it('stops at the backfill window on the first poll and never asks past page 10', async () => {
    apple.reviews('us', '1404176564').push(...Array.from({ length: 700 }, (_, i) => review(i, i / 10)));
    const res = await poll(null, 24);
    expect(res.items).toHaveLength(241); // 0 to 24 hours old, both ends included
    const all = await poll(null);
    expect(all.items.length).toBe(500);
    expect(apple.requests.some((r) => r.includes('page=11'))).toBe(false);
  });

  it('tries an empty page again before believing it', async () => {
    apple.reviews('us', '1404176564').push(review(1), review(2));
    apple.emptyOnce(1);
    const res = await poll(null);
    expect(res.items).toHaveLength(2);
  });

  it('normalizes a review with its stars, helpful votes and app link', () => {
    const m = appstore.normalize(
      {
        app: '1404176564',
        country: 'us',
        id: '6290024630',
        author: 'jdoe',
        title: 'Great app',
        content: 'Works well but crashes on login',
        rating: 4,
        votes: 2,
        updated: '2020-08-07T20:17:03-07:00',
      },
      { apps: [{ id: '1404176564', countries: ['us'] }], api_url: 'https://itunes.apple.com', pace_ms: 0 },
    );
    expect(m).toMatchObject({
      id: 'appstore:6290024630',
      text: 'Great app — Works well but crashes on login',
      metrics: { stars: 4, likes: 2 },
      author: { handle: 'jdoe' },
      url: 'https://apps.apple.com/us/app/id1404176564?see-all=reviews',
    });
    expect(m?.createdAt.toISOString()).toBe('2020-08-08T03:17:03.000Z');
  });
});

describe('appstore reviews in the daemon', () => {
  it('stores every review of the brand app, whether or not it names the brand', async () => {
    const apple = await startAppStoreServer();
    const tmp = tempDir();
    // The daemon runs on the real clock: the reviews must be inside its backfill window today.
    const recent = (i: number) => ({ ...review(i), updated: new Date(Date.now() - i * 3_600_000) });
    apple.reviews('us', '42').push(recent(1), recent(2));
    const config = buildConfig(
      {
        brands: [
          {
            name: 'acme',
            query: 'acme',
            sources: [{ source: 'appstore', apps: [{ id: '42' }], api_url: apple.base, pace_ms: 0 }],
          },
        ],
      },
      { EARSHOT_DATA_DIR: tmp.dir, ...testDatabase(tmp.dir).env },
    );
    const daemon = await startDaemon({ config, env: {}, log: pino({ level: 'silent' }), schedule: false });
    try {
      await pollOnce(daemon);
      const rows = await daemon.ctx.store.all('select id, metrics from mentions order by id');
      expect(rows).toEqual([
        { id: 'appstore:6290000001', metrics: '{"stars":1,"likes":2}' },
        { id: 'appstore:6290000002', metrics: '{"stars":5,"likes":2}' },
      ]);
    } finally {
      await daemon.stop();
      await apple.close();
      tmp.cleanup();
    }
  });
});
