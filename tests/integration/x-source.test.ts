import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../helpers/daemon.ts';
import { ManualClock } from '../../src/clock.ts';
import { SourceAuthError, SourceRateLimitedError, SourceResponseError } from '../../src/errors.ts';
import { refreshX, toXQuery, x, type XCursor } from '../../src/sources/x.ts';
import { startXServer, type FakeTweet } from '../fakes/x-server.ts';

type Fake = Awaited<ReturnType<typeof startXServer>>;
const clock = new ManualClock(Date.now());
const ctx = sourceContext(clock);
let seq = 1_583_926_354_983_718_912n; // above 2^53: ids must stay strings
const tweet = (text: string, minutesAgo = 5, extra: Partial<FakeTweet> = {}): FakeTweet => ({
  id: String(seq++),
  text,
  username: 'flyer',
  followers: 812,
  created: new Date(Date.now() - minutesAgo * 60_000),
  ...extra,
});

describe('X query translation', () => {
  it.each([
    ['acme', 'acme'],
    [
      '"Acme Air" OR (acme AND (flight OR airline)) NOT anvil',
      '"acme air" OR acme (flight OR airline) -anvil',
    ],
    ['acme -anvil -"road runner"', 'acme -anvil -"road runner"'],
    ['acme NOT (anvil OR rocket)', 'acme -anvil -rocket'],
    ['acme NOT (anvil AND rocket)', 'acme'],
    ['#acme OR @acmeair', '#acme OR @acmeair'],
    ['refund*', 'refund'],
  ])('%s → %s', (q, expected) => {
    expect(toXQuery(q)).toBe(expected);
  });
});

describe('x source against a local X API', () => {
  let fake: Fake;
  beforeEach(async () => {
    fake = await startXServer();
  });
  afterEach(() => fake.close());
  const poll = (cursor: XCursor | null, o: Record<string, unknown> = {}) =>
    x.poll(ctx, {
      brand: { name: 'acme', query: 'acme' },
      options: x.options.parse({ bearer_token: fake.token, api_url: fake.apiUrl, pace_ms: 0, ...o }),
      cursor,
      backfillSince: new Date(Date.now() - 86_400_000),
    });

  it('searches with the translated query and since_id, pages with next_token, keeps ids as strings', async () => {
    fake.tweets.push(tweet('acme is old news', 3 * 1440));
    for (let i = 0; i < 150; i++) fake.tweets.push(tweet(`acme post ${i}`, 60 - i / 10));
    const first = await poll(null);
    expect(first.items).toHaveLength(150);
    expect(first.cursor.sinceId).toBe(String(seq - 1n));
    expect(fake.queries[0]?.get('query')).toBe('acme -is:retweet');
    expect(fake.queries[0]?.get('tweet.fields')).toContain('public_metrics');
    expect(fake.queries[1]?.get('next_token')).toBe('tok100');
    fake.tweets.push(tweet('acme again', 0));
    const second = await poll(first.cursor);
    expect(second.items.map((p) => p.tweet.text)).toEqual(['acme again']);
    expect(fake.queries.at(-1)?.get('since_id')).toBe(first.cursor.sinceId);
    const third = await poll(second.cursor);
    expect(third.items).toEqual([]);
    expect(third.cursor).toEqual(second.cursor);
  });

  it('normalizes a post with its author, reach and metrics', async () => {
    fake.tweets.push(
      tweet('Loving @acme new app', 1, { username: 'pythondev', followers: 812, verified: true, likes: 42 }),
    );
    const [item] = (await poll(null)).items;
    const m = item && x.normalize(item, x.options.parse({ bearer_token: fake.token }));
    expect(m).toMatchObject({
      source: 'x',
      text: 'Loving @acme new app',
      lang: 'en',
      author: { handle: 'pythondev', followers: 812, verified: true },
      metrics: { likes: 42, views: 420 },
    });
    expect(m?.id).toBe(`x:${item?.tweet.id}`);
    expect(m?.url).toBe(`https://x.com/pythondev/status/${item?.tweet.id}`);
  });

  it('names a bad token, waits for the reset on 429, and names other problems', async () => {
    await expect(poll(null, { bearer_token: 'wrong-token-123' })).rejects.toBeInstanceOf(SourceAuthError);
    fake.fail(
      429,
      '{"title":"Too Many Requests","type":"about:blank","status":429,"detail":"Too Many Requests"}',
      { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 2) },
    );
    const err = await poll(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect((err as SourceRateLimitedError).retryAfterMs).toBeLessThanOrEqual(2_000);
    fake.fail(
      400,
      '{"errors":[{"message":"bad"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.x.com/2/problems/invalid-request"}',
    );
    await expect(poll(null)).rejects.toThrow(
      'x: 400 Invalid Request: One or more parameters to your request was invalid.',
    );
    fake.fail(200, '{"data": [');
    await expect(poll(null)).rejects.toBeInstanceOf(SourceResponseError);
  });

  it('refuses a query too long for X', async () => {
    const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' OR ');
    await expect(
      x.poll(ctx, {
        brand: { name: 'acme', query: long },
        options: x.options.parse({ bearer_token: fake.token, api_url: fake.apiUrl, pace_ms: 0 }),
        cursor: null,
        backfillSince: new Date(),
      }),
    ).rejects.toThrow(/X takes at most 512/);
  });

  it('refreshes engagement by ids, skipping deleted posts', async () => {
    const t = tweet('acme', 1, { likes: 3 });
    fake.tweets.push(t);
    t.likes = 99;
    const res = await refreshX(ctx, x.options.parse({ bearer_token: fake.token, api_url: fake.apiUrl }), [
      t.id,
      '123456789',
    ]);
    expect(res.map((p) => p.tweet.public_metrics?.like_count)).toEqual([99]);
  });
});
