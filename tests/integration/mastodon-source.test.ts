import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../helpers/daemon.ts';
import { ManualClock } from '../../src/clock.ts';
import { SourceAuthError, SourceRateLimitedError } from '../../src/errors.ts';
import { mastodon, type MastodonCursor } from '../../src/sources/mastodon.ts';
import { startMastodonServer, type FakeStatus } from '../fakes/mastodon-server.ts';

type Masto = Awaited<ReturnType<typeof startMastodonServer>>;
const clock = new ManualClock(Date.now());
const ctx = sourceContext(clock);
let seq = 103_206_185_588_894_565n;
const status = (text: string, hoursAgo = 1, extra: Partial<FakeStatus> = {}): FakeStatus => ({
  id: String(seq++),
  tags: ['acme'],
  text,
  acct: 'bob@remote.example',
  followers: 120,
  created: new Date(clock.now().getTime() - hoursAgo * 3_600_000),
  ...extra,
});

describe('mastodon source against a local instance', () => {
  let m: Masto;
  beforeEach(async () => {
    m = await startMastodonServer({ token: 'tok-123' });
  });
  afterEach(() => m.close());
  const poll = (cursor: MastodonCursor | null, o: Record<string, unknown> = {}) =>
    mastodon.poll(ctx, {
      brand: { name: 'acme', query: 'acme' },
      options: mastodon.options.parse({ instance: m.instance, hashtags: ['acme'], pace_ms: 0, ...o }),
      cursor,
      backfillSince: new Date(clock.now().getTime() - 24 * 3_600_000),
    });

  it('backfills a hashtag timeline across pages, then reads forward from the newest id', async () => {
    m.statuses.push(
      status('old news', 48),
      ...Array.from({ length: 60 }, (_, i) => status(`acme post ${i}`, 2 - i / 60)),
    );
    const first = await poll(null);
    expect(first.items).toHaveLength(60);
    m.statuses.push(status('acme is down again', 0));
    const second = await poll(first.cursor);
    expect(second.items.map((s) => s.content)).toEqual([expect.stringContaining('acme is down again')]);
    expect(m.requests.at(-1)?.searchParams.get('min_id')).toBe(first.cursor['#acme']);
    expect((await poll(second.cursor)).items).toEqual([]);
  });

  it('searches statuses with a token, and says so when the token is refused', async () => {
    m.statuses.push(status('acme lost my bag', 1, { tags: [] }));
    const res = await poll(null, { hashtags: [], token: 'tok-123' });
    expect(res.items).toHaveLength(1);
    await expect(poll(null, { hashtags: [], token: 'wrong' })).rejects.toBeInstanceOf(SourceAuthError);
  });

  it('normalizes a status, and a boost as the boosted post', () => {
    const raw = {
      id: '1',
      uri: 'https://r.example/s/1',
      url: 'https://r.example/@bob/1',
      created_at: '2019-11-26T20:50:15.866Z',
      language: 'en',
      content: '<p>Loving <a href="/tags/acme">#<span>acme</span></a></p>',
      spoiler_text: '',
      account: { acct: 'bob@r.example', followers_count: 120 },
      replies_count: 1,
      reblogs_count: 3,
      favourites_count: 7,
      quotes_count: 0,
      reblog: null,
    };
    const opts = mastodon.options.parse({ instance: 'https://mastodon.social', hashtags: ['acme'] });
    expect(mastodon.normalize(raw, opts)).toMatchObject({
      id: 'mastodon:mastodon.social/1',
      text: 'Loving #acme',
      lang: 'en',
      author: { handle: 'bob@r.example', followers: 120 },
      metrics: { likes: 7, reposts: 3, replies: 1, quotes: 0 },
    });
    const boost = { ...raw, id: '2', uri: 'https://me.example/s/2', content: '', reblog: raw };
    expect(mastodon.normalize(boost, opts)?.id).toBe('mastodon:mastodon.social/1');
  });

  it('waits for the reset when the instance says the limit is used up', async () => {
    const reset = new Date(Date.now() + 60_000).toISOString();
    m.fail(429, '{"error":"Too many requests"}', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': reset,
    });
    const err = await poll(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAfterMs).toBeGreaterThan(55_000);
  });

  it('refuses settings with nothing to read', () => {
    expect(mastodon.options.safeParse({ instance: 'https://mastodon.social' }).success).toBe(false);
  });
});
