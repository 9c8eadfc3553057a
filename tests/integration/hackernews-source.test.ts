import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../helpers/daemon.ts';
import { ManualClock } from '../../src/clock.ts';
import { SourceRateLimitedError, SourceResponseError } from '../../src/errors.ts';
import { hackernews, type HnCursor } from '../../src/sources/hackernews.ts';
import { startHnServer } from '../fakes/hn-server.ts';

type Hn = Awaited<ReturnType<typeof startHnServer>>;
const clock = new ManualClock('2026-11-24T12:00:00Z');
const now = Math.floor(clock.now().getTime() / 1000);
const ctx = sourceContext(clock);

describe('hackernews source against a local Algolia stand-in', () => {
  let hn: Hn;
  beforeEach(async () => {
    hn = await startHnServer();
  });
  afterEach(() => hn.close());

  const poll = (query: string, cursor: HnCursor | null) =>
    hackernews.poll(ctx, {
      brand: { name: 'acme', query },
      options: { tags: ['story', 'comment'], api_url: hn.apiUrl, pace_ms: 0 },
      cursor,
      backfillSince: new Date(clock.now().getTime() - 24 * 3_600_000),
    });

  it('searches each alternative of the query, backfills a day, then only what is new', async () => {
    hn.hits.push(
      {
        objectID: '1',
        kind: 'story',
        author: 'pg',
        title: 'Show HN: Acme flight tracker',
        text: '',
        points: 57,
        num_comments: 12,
        created_at_i: now - 3_600,
      },
      {
        objectID: '2',
        kind: 'comment',
        author: 'tcas',
        text: 'Acme airline lost my bag',
        created_at_i: now - 1_800,
      },
      {
        objectID: '3',
        kind: 'comment',
        author: 'old',
        text: 'Acme flight from last week',
        created_at_i: now - 7 * 86_400,
      },
      { objectID: '4', kind: 'comment', author: 'x', text: 'nothing to see', created_at_i: now - 60 },
    );
    const first = await poll('acme AND (flight OR airline)', null);
    expect(first.items.map((h) => h.objectID).sort()).toEqual(['1', '2']);
    expect(hn.requests.map((p) => p.get('query'))).toEqual(['acme flight', 'acme airline']);
    expect(hn.requests[0]?.get('tags')).toBe('(story,comment)');

    hn.hits.push({
      objectID: '5',
      kind: 'comment',
      author: 'y',
      text: 'acme flight delayed again',
      created_at_i: now - 10,
    });
    const second = await poll('acme AND (flight OR airline)', first.cursor);
    expect(second.items.map((h) => h.objectID)).toEqual(['5']);
    const third = await poll('acme AND (flight OR airline)', second.cursor);
    expect(third.items).toEqual([]);
  });

  it('normalizes stories and comments, ids as strings, points as score', () => {
    const story = hackernews.normalize(
      {
        objectID: '38000000',
        _tags: ['story'],
        author: 'pg',
        title: 'Show HN: Acme',
        story_text: null,
        points: 57,
        num_comments: 12,
        created_at_i: 1_697_803_200,
      },
      { tags: ['story'], api_url: 'https://hn.algolia.com/api/v1', pace_ms: 0 },
    );
    expect(story).toMatchObject({
      id: 'hn:38000000',
      text: 'Show HN: Acme',
      url: 'https://news.ycombinator.com/item?id=38000000',
      metrics: { score: 57, replies: 12 },
      author: { handle: 'pg' },
    });
    const comment = hackernews.normalize(
      {
        objectID: '9999999',
        _tags: ['comment'],
        author: 'tcas',
        comment_text: 'I use <i>Acme</i> daily &amp; love it',
        story_title: 'Why Python?',
        points: null,
        created_at_i: 1_438_637_521,
      },
      { tags: ['comment'], api_url: 'https://hn.algolia.com/api/v1', pace_ms: 0 },
    );
    expect(comment).toMatchObject({
      id: 'hn:9999999',
      text: 'I use Acme daily & love it',
      title: 'Re: Why Python?',
      metrics: {},
    });
  });

  it('pages through results up to the 1,000-hit limit', async () => {
    for (let i = 0; i < 250; i++)
      hn.hits.push({
        objectID: String(100 + i),
        kind: 'comment',
        author: 'a',
        text: `acme ${i}`,
        created_at_i: now - i,
      });
    const res = await poll('acme', null);
    expect(res.items).toHaveLength(250);
    expect(hn.requests.map((p) => p.get('page'))).toEqual(['0', '1', '2']);
  });

  it('names malformed JSON, an unexpected shape, a 429 and a 500', async () => {
    hn.fail(200, '<html>oops');
    await expect(poll('acme', null)).rejects.toThrow(
      /^hackernews: malformed JSON from http:\/\/127\.0\.0\.1:\d+\/api\/v1\/search_by_date/,
    );
    hn.fail(200, '{"message":"ok"}');
    await expect(poll('acme', null)).rejects.toThrow('hackernews: unexpected answer');
    hn.fail(429, '{"message":"Too many requests"}');
    await expect(poll('acme', null)).rejects.toBeInstanceOf(SourceRateLimitedError);
    hn.fail(500, '{"message":"boom"}');
    await expect(poll('acme', null)).rejects.toBeInstanceOf(SourceResponseError);
  });

  it('refuses a query with no word to search for', async () => {
    await expect(poll('NOT acme', null)).rejects.toThrow('has no word to search for');
  });
});
