import { afterEach, describe, expect, it } from 'vitest';
import { runRefresh } from '../../jobs/poll.ts';
import { ManualClock } from '../../src/clock.ts';
import { pollOnce, type Daemon } from '../../src/daemon.ts';
import { startBlueskyServer } from '../fakes/bluesky-server.ts';
import { startHnServer } from '../fakes/hn-server.ts';
import { startMastodonServer } from '../fakes/mastodon-server.ts';
import { startRedditServer } from '../fakes/reddit-server.ts';
import { startTrustpilotServer } from '../fakes/trustpilot-server.ts';
import { startXServer } from '../fakes/x-server.ts';
import { startYouTubeServer } from '../fakes/youtube-server.ts';
import { bootWithSource } from '../helpers/daemon.ts';

const clock = new ManualClock(Date.now());
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const boot = async (source: Record<string, unknown>): Promise<Daemon> =>
  await bootWithSource(source, closers, clock);
const entryOf = (d: Daemon) => {
  const b = d.ctx.config.brands[0];
  const e = b?.sources[0];
  if (!b || !e) throw new Error('no source configured');
  return [b, e] as const;
};
const snapshots = async (d: Daemon) =>
  (await d.ctx.store.all('select metrics from metric_snapshots order by id')).map(
    (r) => JSON.parse((r as { metrics: string }).metrics) as Record<string, number>,
  );

/** One column of one stored mention. */
const column = async (d: Daemon, name: 'answered_at' | 'virality', id: string) =>
  (
    (await d.ctx.store.get(`select ${name} as v from mentions where id = ?`, [id])) as {
      v: number | null;
    }
  ).v;
const answeredAt = (d: Daemon, id: string) => column(d, 'answered_at', id);
const viralityOf = (d: Daemon, id: string) => column(d, 'virality', id);

describe('engagement refresh of recent mentions', () => {
  it('x: reads posts again by id and stores each new reading as a snapshot', async () => {
    const f = await startXServer();
    closers.push(() => f.close());
    const t = {
      id: '1583926354983718999',
      text: 'acme lost my bag',
      username: 'u',
      followers: 10,
      created: new Date(),
      likes: 3,
    };
    f.tweets.push(t);
    const d = await boot({ source: 'x', bearer_token: f.token, api_url: f.apiUrl });
    await pollOnce(d);
    const before = await viralityOf(d, `x:${t.id}`);
    t.likes = 250;
    clock.advance(15 * 60_000);
    expect(await runRefresh(d.ctx, ...entryOf(d))).toBe(1);
    // 250 likes in a quarter of an hour for an author of 10 followers: far above their usual.
    expect(await viralityOf(d, `x:${t.id}`)).toBeGreaterThan(Math.max(0.5, before ?? 0));
    expect(await runRefresh(d.ctx, ...entryOf(d))).toBe(0);
    expect(f.lookups).toEqual([[t.id], [t.id]]);
    expect((await snapshots(d)).map((m) => m.likes)).toEqual([3, 250]);
  });

  it('reddit: /api/info for many things at once', async () => {
    const r = await startRedditServer();
    closers.push(() => r.close());
    const post = {
      kind: 't3' as const,
      id: 'abc',
      sub: 'x',
      author: 'u',
      title: 'acme outage',
      text: '',
      created: Math.floor(Date.now() / 1000),
      score: 2,
    };
    r.things.push(post);
    const d = await boot({ source: 'reddit', api_url: r.base });
    await pollOnce(d);
    post.score = 480;
    expect(await runRefresh(d.ctx, ...entryOf(d))).toBe(1);
    expect((await snapshots(d)).map((m) => m.score)).toEqual([2, 480]);
  });

  it('bluesky: getPosts by uri', async () => {
    const b = await startBlueskyServer();
    closers.push(() => b.close());
    const p = {
      rkey: 'r1',
      handle: 'alice.bsky.social',
      text: 'acme is down',
      created: new Date(),
      likes: 1,
    };
    b.posts.push(p);
    const d = await boot({
      source: 'bluesky',
      handle: 'brand.bsky.social',
      app_password: 'abcd-efgh-ijkl-mnop',
      service: b.service,
    });
    await pollOnce(d);
    p.likes = 77;
    expect(await runRefresh(d.ctx, ...entryOf(d))).toBe(1);
    expect((await snapshots(d)).map((m) => m.likes)).toEqual([1, 77]);
  });

  it('hackernews: story points by story tags', async () => {
    const h = await startHnServer();
    closers.push(() => h.close());
    const s = {
      objectID: '4242',
      kind: 'story' as const,
      author: 'pg',
      title: 'Acme raises prices',
      text: '',
      points: 5,
      created_at_i: Math.floor(Date.now() / 1000) - 60,
    };
    h.hits.push(s);
    const d = await boot({ source: 'hackernews', api_url: h.apiUrl });
    await pollOnce(d);
    s.points = 310;
    expect(await runRefresh(d.ctx, ...entryOf(d))).toBe(1);
    expect((await snapshots(d)).map((m) => m.score)).toEqual([5, 310]);
  });

  it('mastodon: one status at a time, a deleted one skipped', async () => {
    const m = await startMastodonServer();
    closers.push(() => m.close());
    const a = {
      id: '110000000000000001',
      tags: ['acme'],
      text: 'acme outage',
      acct: 'bob',
      followers: 5,
      created: new Date(),
      favourites: 1,
    };
    const b = {
      id: '110000000000000002',
      tags: ['acme'],
      text: 'acme again',
      acct: 'eve',
      followers: 5,
      created: new Date(),
      favourites: 1,
    };
    m.statuses.push(a, b);
    const d = await boot({ source: 'mastodon', instance: m.instance, hashtags: ['acme'] });
    await pollOnce(d);
    a.favourites = 64;
    m.statuses.splice(m.statuses.indexOf(b), 1);
    expect(await runRefresh(d.ctx, ...entryOf(d))).toBe(1);
    // The status read once keeps its one reading in its own row; the other's two became snapshots.
    expect((await snapshots(d)).map((s) => s.likes)).toEqual([1, 64]);
  });

  it('youtube: threads by id, with new likes and the channel answering later', async () => {
    const y = await startYouTubeServer();
    closers.push(() => y.close());
    const c = {
      id: 'UgzA1',
      videoId: 'v0000001',
      author: 'fan',
      text: 'acme app broke',
      published: new Date(),
      likes: 2,
    };
    y.comments.push(c, { ...c, id: 'UgzA2', text: 'love it' });
    const d = await boot({ source: 'youtube', api_key: y.key, channels: [y.channel], api_url: y.apiUrl });
    await pollOnce(d);
    c.likes = 90;
    const replied = new Date(Date.now() + 60_000);
    Object.assign(c, { ownerReplyAt: replied });
    expect(await runRefresh(d.ctx, ...entryOf(d))).toBe(1);
    expect(y.requests.at(-1)?.get('id')?.split(',').sort()).toEqual(['UgzA1', 'UgzA2']);
    expect((await snapshots(d)).map((m) => [m.likes, m.replies])).toEqual([
      [2, 0],
      [90, 1],
    ]);
    expect(await answeredAt(d, 'youtube:UgzA1')).toBe(replied.getTime());
    expect(await answeredAt(d, 'youtube:UgzA2')).toBeNull();
  });

  it('trustpilot: the newest pages read again until every recent review is seen', async () => {
    const t = await startTrustpilotServer();
    closers.push(() => t.close());
    const reviews = Array.from({ length: 150 }, (_, i) => ({
      id: `5f${String(i).padStart(8, '0')}`,
      unit: 'bu-000001',
      stars: 1,
      title: 'Late',
      text: 'Parcel never came',
      created: new Date(Date.now() - i * 60_000),
    }));
    t.reviews.push(...reviews);
    const d = await boot({
      source: 'trustpilot',
      api_key: t.key,
      business_units: ['bu-000001'],
      api_url: t.apiUrl,
    });
    await pollOnce(d);
    const last = reviews[149];
    if (!last) throw new Error('no review');
    const replied = new Date(Date.now() + 60_000);
    Object.assign(last, { stars: 4, replyAt: replied });
    expect(await runRefresh(d.ctx, ...entryOf(d))).toBe(1);
    expect(await answeredAt(d, `trustpilot:${last.id}`)).toBe(replied.getTime());
    expect((await snapshots(d)).at(-1)).toEqual({ stars: 4 });
  });

  it('leaves mentions older than the refresh age alone', async () => {
    const f = await startXServer();
    closers.push(() => f.close());
    f.tweets.push({
      id: '1583926354983718001',
      text: 'acme',
      username: 'u',
      followers: 1,
      created: new Date(),
      likes: 1,
    });
    const d = await boot({ source: 'x', bearer_token: f.token, api_url: f.apiUrl });
    await pollOnce(d);
    clock.advance(3 * 86_400_000);
    expect(await runRefresh(d.ctx, ...entryOf(d))).toBe(0);
    expect(f.lookups).toEqual([]);
  });
});
