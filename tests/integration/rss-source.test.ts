import axios from 'axios';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { SourceRateLimitedError, SourceResponseError } from '../../src/errors.ts';
import { createHttp } from '../../src/sources/http.ts';
import { rss, type RssCursor } from '../../src/sources/rss.ts';
import { startFeedServer, type FeedItem } from '../fakes/feed-server.ts';

type Feed = Awaited<ReturnType<typeof startFeedServer>>;
const clock = new ManualClock('2026-11-24T12:00:00Z');
const ctx = (timeoutMs = 2_000) => ({
  http: createHttp({ timeoutMs, userAgent: 'earshot-test' }),
  clock,
  log: pino({ level: 'silent' }),
  env: {},
});
const item = (id: string, hoursAgo = 1): FeedItem => ({
  id,
  title: `Acme post ${id}`,
  body: 'acme news',
  link: `https://n.example/${id}`,
  published: new Date(clock.now().getTime() - hoursAgo * 3_600_000),
  author: 'a',
});
const brand = { name: 'acme', query: 'acme' };

describe('rss source against a local feed server', () => {
  let feed: Feed;
  beforeEach(async () => {
    feed = await startFeedServer();
  });
  afterEach(() => feed.close());

  const poll = (feeds: string[], cursor: RssCursor | null, timeoutMs?: number) =>
    rss.poll(ctx(timeoutMs), {
      brand,
      options: { feeds, max_items: 200 },
      cursor,
      backfillSince: new Date(clock.now().getTime() - 24 * 3_600_000),
    });

  it('backfills a window on the first poll, then returns only new items', async () => {
    feed.setFeed('/f', { kind: 'rss', items: [item('old', 48), item('1'), item('2')] });
    const first = await poll([feed.url('/f')], null);
    expect(first.items.map((i) => i.guid).sort()).toEqual(['1', '2']);
    feed.setFeed('/f', { kind: 'rss', items: [item('3', 0), item('old', 48), item('1'), item('2')] });
    const second = await poll([feed.url('/f')], first.cursor);
    expect(second.items.map((i) => i.guid)).toEqual(['3']);
  });

  it('sends the ETag back and treats 304 as nothing new, keeping the cursor', async () => {
    feed.setFeed('/f', { kind: 'atom', items: [item('1')] });
    const first = await poll([feed.url('/f')], null);
    const second = await poll([feed.url('/f')], first.cursor);
    expect(feed.requests.at(-1)?.headers['if-none-match']).toBe(first.cursor[feed.url('/f')]?.etag);
    expect(second.items).toEqual([]);
    expect(second.cursor).toEqual(first.cursor);
  });

  it('fails the whole poll, naming the feed, when one of two feeds fails', async () => {
    feed.setFeed('/good', { kind: 'rss', items: [item('1')] });
    feed.setRaw('/bad', 500, 'oops');
    await expect(poll([feed.url('/good'), feed.url('/bad')], null)).rejects.toThrow(
      `500 from ${feed.url('/bad')}`,
    );
  });

  it('honours Retry-After on 429', async () => {
    feed.setRaw('/f', 429, 'slow down', { 'retry-after': '120' });
    const err = await poll([feed.url('/f')], null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAfterMs).toBe(120_000);
  });

  it('gives up on a feed that hangs past the timeout, with a clear message', async () => {
    feed.setHang('/f');
    const err = await poll([feed.url('/f')], null, 300).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceResponseError);
    expect((err as Error).message).toBe(`rss: ${feed.url('/f')}: timed out after 300 ms`);
  });

  it('says a malformed feed is malformed', async () => {
    feed.setRaw('/f', 200, '<rss><channel><item><title>x</ti', { 'content-type': 'application/rss+xml' });
    await expect(poll([feed.url('/f')], null)).rejects.toThrow(
      /^rss: malformed feed at http:\/\/127\.0\.0\.1:\d+\/f: /,
    );
  });

  it('refuses a connection to nowhere with a named error', async () => {
    await expect(poll(['http://127.0.0.1:1/feed'], null)).rejects.toThrow(
      'rss: http://127.0.0.1:1/feed: connection refused',
    );
    expect(
      axios.isAxiosError(
        await poll(['http://127.0.0.1:1/feed'], null).catch((e: unknown) => (e as Error).cause),
      ),
    ).toBe(true);
  });
});
