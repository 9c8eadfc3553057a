import { afterEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../helpers/daemon.ts';
import { ManualClock } from '../../src/clock.ts';
import { SourceAuthError, SourceRateLimitedError } from '../../src/errors.ts';
import { reddit, type RedditCursor } from '../../src/sources/reddit.ts';
import { startRedditServer, type FakeThing } from '../fakes/reddit-server.ts';

type Fake = Awaited<ReturnType<typeof startRedditServer>>;
const clock = new ManualClock(Date.now());
const now = Math.floor(Date.now() / 1000);
const ctx = sourceContext(clock);
let n = 0;
const post = (title: string, agoS = 60): FakeThing => ({
  kind: 't3',
  id: `p${n++}`,
  sub: 'Android',
  author: 'someuser',
  title,
  text: 'details',
  created: now - agoS,
});
const comment = (text: string, agoS = 60): FakeThing => ({
  kind: 't1',
  id: `c${n++}`,
  sub: 'flights',
  author: 'flyer',
  text,
  created: now - agoS,
});

describe('reddit source against a local Reddit', () => {
  let fake: Fake;
  afterEach(() => fake.close());
  const poll = (cursor: RedditCursor | null, o: Record<string, unknown> = {}) =>
    reddit.poll(ctx, {
      brand: { name: 'acme', query: 'acme AND (app OR flight)' },
      options: reddit.options.parse({
        api_url: fake.base,
        auth_url: `${fake.base}/api/v1/access_token`,
        pace_ms: 0,
        subreddits: ['flights'],
        ...o,
      }),
      cursor,
      backfillSince: new Date(Date.now() - 86_400_000),
    });

  it('searches posts per query alternative and reads new comments, then only what is new', async () => {
    fake = await startRedditServer();
    fake.things.push(
      post('Acme app keeps crashing'),
      post('Acme flight was fine'),
      post('old acme app', 3 * 86_400),
      comment('acme flight delayed'),
      post('unrelated'),
    );
    const first = await poll(null);
    expect(first.items.map((t) => t.data.title ?? t.data.body).sort()).toEqual([
      'Acme app keeps crashing',
      'Acme flight was fine',
      'acme flight delayed',
    ]);
    expect(fake.requests.every((r) => r.ua === 'server:earshot:0.1 (self-hosted social listening)')).toBe(
      true,
    );
    expect(fake.requests.some((r) => r.path.startsWith('/search.json?') && r.path.includes('sort=new'))).toBe(
      true,
    );
    fake.things.push(post('acme app update broke login', 5));
    const second = await poll(first.cursor);
    expect(second.items.map((t) => t.data.title)).toEqual(['acme app update broke login']);
  });

  it('pages with after through a long listing', async () => {
    fake = await startRedditServer();
    for (let i = 0; i < 230; i++) fake.things.push(comment(`comment ${i}`, 100 + i));
    const res = await poll(null, { search: false });
    expect(res.items).toHaveLength(230);
    expect(fake.requests.filter((r) => r.path.includes('after=t1_'))).toHaveLength(2);
  });

  it('gets an app-only token once and uses it as a bearer', async () => {
    fake = await startRedditServer({ credentials: { id: 'cid', secret: 'shh' } });
    fake.things.push(post('acme app'));
    const res = await poll(null, { client_id: 'cid', client_secret: 'shh' });
    expect(res.items).toHaveLength(1);
    await poll(null, { client_id: 'cid', client_secret: 'shh' });
    expect(fake.tokensIssued()).toBe(1);
    expect(
      fake.requests.filter((r) => r.path.startsWith('/search?')).every((r) => r.auth === 'bearer tok1'),
    ).toBe(true);
    await expect(poll(null, { client_id: 'cid2', client_secret: 'nope' })).rejects.toBeInstanceOf(
      SourceAuthError,
    );
  });

  it("treats Reddit's 429 in a 200 and a real 429 as waits", async () => {
    fake = await startRedditServer();
    fake.fail(200, '{"message": "Too Many Requests", "error": 429}');
    await expect(poll(null)).rejects.toBeInstanceOf(SourceRateLimitedError);
    fake.fail(429, '{"message": "Too Many Requests", "error": 429}', {
      'x-ratelimit-remaining': '0.0',
      'x-ratelimit-reset': '1',
    });
    const err = await poll(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAfterMs).toBeLessThanOrEqual(1_000);
  });

  it('normalizes posts and comments', () => {
    const opts = reddit.options.parse({});
    expect(
      reddit.normalize(
        {
          kind: 't3',
          data: {
            name: 't3_1ezfsc5',
            author: 'someuser',
            created_utc: 1_724_300_000.0,
            permalink: '/r/Android/comments/1ezfsc5/acme/',
            score: 57,
            num_comments: 14,
            title: 'Acme app keeps crashing',
            selftext: 'Since 3.2',
          },
        },
        opts,
      ),
    ).toMatchObject({
      id: 'reddit:t3_1ezfsc5',
      text: 'Acme app keeps crashing — Since 3.2',
      url: 'https://www.reddit.com/r/Android/comments/1ezfsc5/acme/',
      metrics: { score: 57, replies: 14 },
      author: { handle: 'someuser' },
    });
    expect(
      reddit.normalize(
        {
          kind: 't1',
          data: {
            name: 't1_x',
            author: '[deleted]',
            created_utc: 1,
            permalink: '/r/a/comments/b/c/x/',
            body: 'meh',
            link_title: 'Thread',
          },
        },
        opts,
      ),
    ).toMatchObject({ id: 'reddit:t1_x', text: 'meh', title: 'Re: Thread' });
  });
});
