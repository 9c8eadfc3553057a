import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../helpers/daemon.ts';
import { ManualClock } from '../../src/clock.ts';
import { SourceAuthError, SourceRateLimitedError } from '../../src/errors.ts';
import { bluesky, type BlueskyCursor } from '../../src/sources/bluesky.ts';
import { startBlueskyServer, type FakePost } from '../fakes/bluesky-server.ts';

type Fake = Awaited<ReturnType<typeof startBlueskyServer>>;
const clock = new ManualClock(Date.now());
const ctx = sourceContext(clock);
let n = 0;
const post = (text: string, minutesAgo = 10, extra: Partial<FakePost> = {}): FakePost => ({
  rkey: `3lbb${n++}`,
  handle: `user${n}.bsky.social`,
  text,
  created: new Date(Date.now() - minutesAgo * 60_000),
  ...extra,
});

describe('bluesky source against a local PDS', () => {
  let fake: Fake;
  beforeEach(async () => {
    fake = await startBlueskyServer();
  });
  afterEach(() => fake.close());
  const poll = (cursor: BlueskyCursor | null, o: Record<string, unknown> = {}) =>
    bluesky.poll(ctx, {
      brand: { name: 'acme', query: 'acme AND (support OR app)' },
      options: bluesky.options.parse({
        handle: 'brand.bsky.social',
        app_password: 'abcd-efgh-ijkl-mnop',
        service: fake.service,
        pace_ms: 0,
        ...o,
      }),
      cursor,
      backfillSince: new Date(Date.now() - 86_400_000),
    });

  it('signs in once, searches each alternative, adds follower counts, then reads only what is new', async () => {
    fake.posts.push(
      post('acme support was great', 30, { followers: 5_000 }),
      post('the acme app crashed', 20),
      post('acme support old', 2 * 1440),
      post('unrelated'),
    );
    const first = await poll(null);
    expect(first.items.map((p) => p.record.text).sort()).toEqual([
      'acme support was great',
      'the acme app crashed',
    ]);
    expect(first.items.find((p) => p.record.text === 'acme support was great')?.followers).toBe(5_000);
    fake.posts.push(post('acme support answered fast', 1));
    const second = await poll(first.cursor);
    expect(second.items.map((p) => p.record.text)).toEqual(['acme support answered fast']);
    expect(fake.sessions()).toBe(1);
    expect(fake.calls.filter((c) => c === 'com.atproto.server.createSession')).toHaveLength(1);
  });

  it('signs in again when the token has expired', async () => {
    fake.posts.push(post('acme app'));
    await poll(null);
    fake.expireSessions();
    expect((await poll(null)).items).toHaveLength(1);
  });

  it('polls side by side share one sign-in, and sign in again once when the token expires', async () => {
    fake.posts.push(post('acme app'));
    await Promise.all(Array.from({ length: 4 }, () => poll(null)));
    expect(fake.calls.filter((c) => c === 'com.atproto.server.createSession')).toHaveLength(1);
    fake.expireSessions();
    const again = await Promise.all(Array.from({ length: 4 }, () => poll(null)));
    expect(again.map((r) => r.items.length)).toEqual([1, 1, 1, 1]);
    expect(fake.calls.filter((c) => c === 'com.atproto.server.createSession')).toHaveLength(2);
  });

  it('names a refused app password, and waits out RateLimitExceeded', async () => {
    await expect(poll(null, { handle: 'someone.else', app_password: 'wrong' })).rejects.toBeInstanceOf(
      SourceAuthError,
    );
    await poll(null);
    fake.fail(429, '{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}', {
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
    });
    await expect(poll(null)).rejects.toBeInstanceOf(SourceRateLimitedError);
  });

  it('normalizes a post view', () => {
    const m = bluesky.normalize(
      {
        uri: 'at://did:plc:abc123/app.bsky.feed.post/3lbb4moalcc2j',
        author: { did: 'did:plc:abc123', handle: 'alice.bsky.social' },
        record: { text: 'acme support was great', createdAt: '2025-03-01T12:00:00.000Z', langs: ['en'] },
        indexedAt: '2025-03-01T12:00:01.123Z',
        replyCount: 1,
        repostCount: 2,
        likeCount: 10,
        quoteCount: 0,
        followers: 321,
      },
      bluesky.options.parse({ handle: 'a.b.c', app_password: 'xxxx' }),
    );
    expect(m).toMatchObject({
      id: 'bsky:at://did:plc:abc123/app.bsky.feed.post/3lbb4moalcc2j',
      url: 'https://bsky.app/profile/alice.bsky.social/post/3lbb4moalcc2j',
      lang: 'en',
      author: { handle: 'alice.bsky.social', followers: 321 },
      metrics: { likes: 10, reposts: 2, replies: 1, quotes: 0 },
    });
  });
});
