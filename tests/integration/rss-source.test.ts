import axios from 'axios';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { SourceAuthError, SourceRateLimitedError, SourceResponseError } from '../../src/errors.ts';
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
    clock.set(new Date('2026-11-24T12:00:00Z'));
    feed = await startFeedServer();
  });
  afterEach(() => feed.close());

  const poll = (feeds: string[], cursor: RssCursor | null, timeoutMs?: number, max_items = 200) =>
    rss.poll(ctx(timeoutMs), {
      brand,
      options: { feeds, max_items },
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

  it('sends Last-Modified back when the feed gave no ETag, and takes a 304 for it', async () => {
    feed.setFeed('/f', { kind: 'rss', items: [item('1')] });
    const first = await poll([feed.url('/f')], null);
    const lastModified = first.cursor[feed.url('/f')]?.lastModified;
    expect(lastModified).toBe(new Date(clock.now().getTime() - 3_600_000).toUTCString());
    const cursor = { [feed.url('/f')]: { lastModified, seen: ['1'] } };
    const second = await poll([feed.url('/f')], cursor);
    expect(feed.requests.at(-1)?.headers['if-modified-since']).toBe(lastModified);
    expect(second).toEqual({ items: [], cursor });
  });

  it('remembers the newest date, skips old items that come back, and forgets removed feeds', async () => {
    feed.setFeed('/a', { kind: 'rss', items: [item('1', 2), item('2', 3)] });
    feed.setFeed('/b', { kind: 'rss', items: [item('x', 5)] });
    const first = await poll([feed.url('/a'), feed.url('/b')], null);
    expect(first.cursor[feed.url('/a')]).toMatchObject({
      seen: ['1', '2'],
      newest: '2026-11-24T10:00:00.000Z',
    });
    // A guid scheme change republishes a month-old story under a new id: not news.
    feed.setFeed('/a', { kind: 'rss', items: [item('3', 1), item('2-new', 24 * 30), item('1', 2)] });
    const second = await poll([feed.url('/a')], first.cursor);
    expect(second.items.map((i) => i.guid)).toEqual(['3']);
    expect(Object.keys(second.cursor)).toEqual([feed.url('/a')]);
    expect(second.cursor[feed.url('/a')]?.seen).toEqual(['3', '2-new', '1', '2']);
  });

  it('returns a story once when two feeds carry it, and keeps the newest under max_items', async () => {
    feed.setFeed('/a', { kind: 'rss', items: [item('1', 3), item('2', 1), item('3', 2)] });
    feed.setFeed('/b', { kind: 'rss', items: [item('2', 1)] });
    const res = await poll([feed.url('/a'), feed.url('/b')], null, undefined, 2);
    expect(res.items.map((i) => i.guid)).toEqual(['2', '3']);
    expect(res.cursor[feed.url('/a')]?.seen).toEqual(['1', '2', '3']);
  });

  it('fails the whole poll, naming the malformed feed, when one of two is broken', async () => {
    feed.setFeed('/good', { kind: 'atom', items: [item('1')] });
    feed.setRaw('/bad', 200, '<?xml version="1.0"?><html><body>moved</body></html>');
    await expect(poll([feed.url('/good'), feed.url('/bad')], null)).rejects.toThrow(
      `rss: malformed feed at ${feed.url('/bad')}: neither an RSS nor an Atom document`,
    );
  });

  it('names a 500 without printing the key in the feed URL', async () => {
    feed.setRaw('/f', 500, '<h1>Internal error</h1>');
    const err = await poll([`${feed.url('/f')}?key=S3CRET&q=acme`], null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceResponseError);
    expect((err as Error).message).toBe(`rss: 500 from ${feed.url('/f')}?key=…&q=acme: Internal error`);
  });

  it('takes a 403 for refused credentials', async () => {
    feed.setRaw('/f', 403, 'forbidden');
    await expect(poll([feed.url('/f')], null)).rejects.toBeInstanceOf(SourceAuthError);
  });

  it('checks every feed once for earshot doctor, with the same named errors', async () => {
    feed.setFeed('/good', { kind: 'rss', items: [item('1')] });
    feed.setRaw('/bad', 404, 'gone');
    await expect(rss.check?.(ctx(), { feeds: [feed.url('/good')], max_items: 200 })).resolves.toBeUndefined();
    await expect(
      rss.check?.(ctx(), { feeds: [feed.url('/good'), feed.url('/bad')], max_items: 200 }),
    ).rejects.toThrow(`rss: 404 from ${feed.url('/bad')}: gone`);
    expect(feed.requests.map((r) => r.path)).toEqual(['/good', '/good', '/bad']);
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

  it('reads Retry-After as an HTTP date, and waits a minute when there is none', async () => {
    const at = new Date(clock.now().getTime() + 90_000).toUTCString();
    feed.setRaw('/f', 429, 'slow down', { 'retry-after': at });
    const dated = await poll([feed.url('/f')], null).catch((e: unknown) => e);
    expect((dated as SourceRateLimitedError).retryAfterMs).toBe(90_000);
    feed.setRaw('/f', 429, 'slow down');
    const bare = await poll([feed.url('/f')], null).catch((e: unknown) => e);
    expect((bare as SourceRateLimitedError).retryAfterMs).toBe(60_000);
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
