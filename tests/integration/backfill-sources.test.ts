import { afterEach, describe, expect, it } from 'vitest';
import { SourceResponseError } from '../../src/errors.ts';
import { ManualClock } from '../../src/clock.ts';
import { bluesky, type BlueskyPosition } from '../../src/sources/bluesky.ts';
import { hackernews, type HnPosition } from '../../src/sources/hackernews.ts';
import { x, type XPosition } from '../../src/sources/x.ts';
import type { BackfillPage, SourceContext } from '../../src/sources/types.ts';
import { startBlueskyServer } from '../fakes/bluesky-server.ts';
import { startHnServer } from '../fakes/hn-server.ts';
import { startXServer } from '../fakes/x-server.ts';
import { sourceContext } from '../helpers/daemon.ts';

const DAY = 86_400_000;
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** Calls `backfill` page after page, as the command does, until the span is read. */
async function readAll<R, P>(
  page: (position: P | null) => Promise<BackfillPage<R, P>>,
): Promise<{ items: R[]; pages: number }> {
  const items: R[] = [];
  let position: P | null = null;
  let pages = 0;
  do {
    const res = await page(position);
    items.push(...res.items);
    position = res.next;
    pages++;
  } while (position !== null && pages < 100);
  return { items, pages };
}

describe('backfill against the fake APIs', () => {
  it('hackernews reads a span by created_at_i, past Algolia’s 1,000 hits a query, each alternative', async () => {
    const hn = await startHnServer();
    closers.push(() => hn.close());
    const now = Date.parse('2026-11-24T12:00:00Z');
    const ctx: SourceContext = sourceContext(new ManualClock(now));
    const s = Math.floor(now / 1000);
    // 1,250 comments a minute apart over the last days, plus one before the span and one after it.
    for (let i = 0; i < 1_250; i++)
      hn.hits.push({
        objectID: String(10_000 + i),
        kind: 'comment',
        author: 'a',
        text: 'acme lost my bag',
        created_at_i: s - 3_600 - i * 60,
      });
    hn.hits.push(
      { objectID: '1', kind: 'comment', author: 'b', text: 'acme too old', created_at_i: s - 30 * 86_400 },
      { objectID: '2', kind: 'comment', author: 'b', text: 'acme live poll has it', created_at_i: s - 60 },
      {
        objectID: '3',
        kind: 'story',
        author: 'c',
        title: 'Acme airport review',
        text: '',
        created_at_i: s - 7_200,
      },
    );
    const options = hackernews.options.parse({ api_url: hn.apiUrl, pace_ms: 0 });
    const { items } = await readAll<unknown, HnPosition>((position) =>
      hackernews.backfill!(ctx, {
        brand: { name: 'acme', query: 'acme AND (bag OR airport)' },
        options,
        since: new Date(now - 10 * DAY),
        until: new Date(now - 600_000),
        position,
      }),
    );
    const ids = new Set(items.map((h) => (h as { objectID: string }).objectID));
    expect(ids.size).toBe(1_251);
    expect(ids.has('3')).toBe(true);
    expect(ids.has('1')).toBe(false);
    expect(ids.has('2')).toBe(false);
    expect(hn.requests.every((p) => Number(p.get('page')) < 10)).toBe(true);
    expect(hn.requests.some((p) => /created_at_i<\d+/.test(p.get('numericFilters') ?? ''))).toBe(true);
    expect(new Set(hn.requests.map((p) => p.get('query')))).toEqual(new Set(['acme bag', 'acme airport']));
  });

  it('bluesky reads a span with since and until, following the search cursor', async () => {
    const fake = await startBlueskyServer();
    closers.push(() => fake.close());
    const now = Date.now();
    const ctx = sourceContext(new ManualClock(now));
    for (let i = 0; i < 150; i++)
      fake.posts.push({
        rkey: `old${i}`,
        handle: `u${i}.bsky.social`,
        text: 'acme support never answers',
        created: new Date(now - 2 * DAY - i * 60_000),
      });
    fake.posts.push(
      {
        rkey: 'recent',
        handle: 'r.bsky.social',
        text: 'acme support is live',
        created: new Date(now - 60_000),
      },
      { rkey: 'ancient', handle: 'z.bsky.social', text: 'acme support', created: new Date(now - 40 * DAY) },
    );
    const options = bluesky.options.parse({
      handle: 'brand.bsky.social',
      app_password: 'abcd-efgh-ijkl-mnop',
      service: fake.service,
      pace_ms: 0,
    });
    const { items, pages } = await readAll<unknown, BlueskyPosition>((position) =>
      bluesky.backfill!(ctx, {
        brand: { name: 'acme', query: 'acme support' },
        options,
        since: new Date(now - 30 * DAY),
        until: new Date(now - DAY),
        position,
      }),
    );
    const rkeys = items.map((p) => (p as { uri: string }).uri.split('/').pop());
    expect(rkeys).toHaveLength(150);
    expect(new Set(rkeys).size).toBe(150);
    expect(rkeys).not.toContain('recent');
    expect(rkeys).not.toContain('ancient');
    expect(pages).toBe(2);
  });

  it('x reads recent search by start_time and end_time with next_token; older than 7 days X refuses', async () => {
    const fake = await startXServer();
    closers.push(() => fake.close());
    const now = Date.now();
    const ctx = sourceContext(new ManualClock(now));
    let id = 1_800_000_000_000_000_000n;
    const add = (text: string, ago: number) =>
      fake.tweets.push({
        id: String(id++),
        text,
        username: 'flyer',
        followers: 10,
        created: new Date(now - ago),
      });
    for (let i = 0; i < 230; i++) add(`acme delayed again ${i}`, 2 * DAY + i * 60_000);
    add('acme live one', 60_000);
    const options = x.options.parse({
      bearer_token: 'AAAA-test-bearer-token',
      api_url: fake.apiUrl,
      pace_ms: 0,
    });
    const input = (since: number, position: XPosition | null) => ({
      brand: { name: 'acme', query: 'acme delayed' },
      options,
      since: new Date(since),
      until: new Date(now - DAY),
      position,
    });
    const { items, pages } = await readAll<unknown, XPosition>((position) =>
      x.backfill!(ctx, input(now - 6 * DAY, position)),
    );
    expect(items).toHaveLength(230);
    expect(pages).toBe(3);
    expect(fake.queries.every((q) => q.get('end_time') === new Date(now - DAY).toISOString())).toBe(true);
    expect(x.backfillReachMs).toBe(7 * DAY);
    await expect(x.backfill!(ctx, input(now - 8 * DAY, null))).rejects.toThrow(SourceResponseError);
  });
});
