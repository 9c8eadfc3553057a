import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { SourceRateLimitedError, SourceResponseError } from '../../src/errors.ts';
import { createHttp } from '../../src/sources/http.ts';
import { sources } from '../../src/sources/index.ts';
import type { AnySource } from '../../src/sources/types.ts';
import { startFeedServer } from '../fakes/feed-server.ts';
import { startAppStoreServer } from '../fakes/appstore-server.ts';
import { startBlueskyServer } from '../fakes/bluesky-server.ts';
import { startHnServer } from '../fakes/hn-server.ts';
import { startMastodonServer } from '../fakes/mastodon-server.ts';
import { startRedditServer } from '../fakes/reddit-server.ts';
import { startTrustpilotServer } from '../fakes/trustpilot-server.ts';
import { startXServer } from '../fakes/x-server.ts';
import { startYouTubeServer } from '../fakes/youtube-server.ts';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';

/**
 * The same checks against every registered source, each through its own fake API. A source added
 * to the registry without an entry here fails the first test.
 */
interface Harness {
  /** What the source's mention ids start with. */
  idPrefix: string;
  /** Options pointing the source at its fake, which holds two mentions of "acme". */
  options(): unknown;
  /** The next answer is `status` with `body`. */
  fail(status: number, body: string, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

const clock = new ManualClock(Date.now());
const now = Math.floor(Date.now() / 1000);
const harnesses: Record<keyof typeof sources, () => Promise<Harness>> = {
  async youtube() {
    const y = await startYouTubeServer();
    for (const id of ['Ugz1', 'Ugz2'])
      y.comments.push({ id, videoId: 'vid00001', author: 'fan', text: 'acme rocks', published: new Date() });
    return {
      idPrefix: 'youtube:',
      options: () => ({ api_key: y.key, channels: [y.channel], api_url: y.apiUrl, pace_ms: 0 }),
      fail: (status, body, headers) => y.fail(status, body, headers),
      close: () => y.close(),
    };
  },
  async trustpilot() {
    const t = await startTrustpilotServer();
    for (const id of ['r1', 'r2'])
      t.reviews.push({
        id: `5f${id}00000`,
        unit: 'bu-000001',
        stars: 2,
        title: 'Late',
        text: 'acme was late',
        created: new Date(),
      });
    return {
      idPrefix: 'trustpilot:',
      options: () => ({ api_key: t.key, business_units: ['bu-000001'], api_url: t.apiUrl, pace_ms: 0 }),
      fail: (status, body, headers) => t.fail(status, body, headers),
      close: () => t.close(),
    };
  },
  async x() {
    const f = await startXServer();
    for (const id of ['1583926354983718912', '1583926354983718913'])
      f.tweets.push({ id, text: 'acme news', username: 'u', followers: 1, created: new Date() });
    return {
      idPrefix: 'x:',
      options: () => ({ bearer_token: f.token, api_url: f.apiUrl, pace_ms: 0 }),
      fail: (status, body, headers) => f.fail(status, body, headers),
      close: () => f.close(),
    };
  },
  async bluesky() {
    const b = await startBlueskyServer();
    for (const rkey of ['r1', 'r2'])
      b.posts.push({ rkey, handle: `${rkey}.bsky.social`, text: 'acme news', created: new Date() });
    return {
      idPrefix: 'bsky:',
      options: () => ({
        handle: 'brand.bsky.social',
        app_password: 'abcd-efgh-ijkl-mnop',
        service: b.service,
        pace_ms: 0,
      }),
      fail: (status, body, headers) => b.fail(status, body, headers),
      close: () => b.close(),
    };
  },
  async reddit() {
    const r = await startRedditServer();
    for (const id of ['a1', 'a2'])
      r.things.push({
        kind: 't3',
        id,
        sub: 'x',
        author: 'u',
        title: 'acme thing',
        text: '',
        created: now - 60,
      });
    return {
      idPrefix: 'reddit:',
      options: () => ({ api_url: r.base, pace_ms: 0 }),
      fail: (status, body, headers) => r.fail(status, body, headers),
      close: () => r.close(),
    };
  },
  async mastodon() {
    const m = await startMastodonServer();
    for (const id of ['1001', '1002'])
      m.statuses.push({
        id,
        tags: ['acme'],
        text: 'acme rocks',
        acct: 'a',
        followers: 1,
        created: new Date(),
      });
    return {
      idPrefix: 'mastodon:',
      options: () => ({ instance: m.instance, hashtags: ['acme'], pace_ms: 0 }),
      fail: (status, body, headers) => m.fail(status, body, headers),
      close: () => m.close(),
    };
  },
  async appstore() {
    const apple = await startAppStoreServer();
    apple.reviews('us', '42').push(
      ...['1', '2'].map((id) => ({
        id,
        author: 'a',
        title: 'acme app',
        content: 'fine',
        rating: 4,
        updated: new Date(),
      })),
    );
    return {
      idPrefix: 'appstore:',
      options: () => ({ apps: [{ id: '42', countries: ['us'] }], api_url: apple.base, pace_ms: 0 }),
      fail: (status, body, headers) => apple.fail(status, body, headers),
      close: () => apple.close(),
    };
  },
  async rss() {
    const feed = await startFeedServer();
    const items = ['1', '2'].map((id) => ({
      id,
      title: `acme news ${id}`,
      body: 'acme',
      link: `https://n.example/${id}`,
      published: new Date(),
    }));
    let failing: { status: number; body: string; headers: Record<string, string> } | null = null;
    feed.setFeed('/f', { kind: 'rss', items });
    return {
      idPrefix: 'rss:',
      options: () => {
        if (failing?.status === 0) feed.setHang('/f');
        else if (failing) feed.setRaw('/f', failing.status, failing.body, failing.headers);
        else feed.setFeed('/f', { kind: 'rss', items });
        failing = null;
        return { feeds: [feed.url('/f')], max_items: 200 };
      },
      fail: (status, body, headers = {}) => void (failing = { status, body, headers }),
      close: () => feed.close(),
    };
  },
  async hackernews() {
    const hn = await startHnServer();
    hn.hits.push(
      { objectID: '1', kind: 'story', author: 'a', title: 'acme launch', text: '', created_at_i: now - 60 },
      { objectID: '2', kind: 'comment', author: 'b', text: 'acme is down', created_at_i: now - 30 },
    );
    return {
      idPrefix: 'hn:',
      options: () => ({ tags: ['story', 'comment'], api_url: hn.apiUrl, pace_ms: 0 }),
      fail: (status, body, headers) => hn.fail(status, body, headers),
      close: () => hn.close(),
    };
  },
};

describe.each(Object.entries(sources) as [keyof typeof sources, AnySource][])(
  'source contract: %s',
  (key, source) => {
    let h: Harness;
    const ctx = {
      http: createHttp({ timeoutMs: 2_000, userAgent: 'earshot-test' }),
      clock,
      log: pino({ level: 'silent' }),
      env: {},
    };
    const poll = () =>
      source.poll(ctx, {
        brand: { name: 'acme', query: 'acme' },
        options: source.options.parse(h.options()) as unknown,
        cursor: null,
        backfillSince: new Date(Date.now() - 86_400_000),
      });

    beforeAll(async () => {
      expect(harnesses[key], `tests/contract/sources.test.ts needs a harness for ${key}`).toBeDefined();
      h = await harnesses[key]();
    });
    afterAll(() => h.close());

    it('is registered under its own id, with a description and its credentials', () => {
      expect(source.id).toBe(key);
      expect(source.description.length).toBeGreaterThan(20);
      expect(Array.isArray(source.credentials)).toBe(true);
    });

    it('returns items that normalize into mentions with string ids, text, a date and metrics', async () => {
      const res = await poll();
      expect(res.items.length).toBe(2);
      expect(res.cursor).toBeDefined();
      for (const raw of res.items) {
        const m = source.normalize(raw, source.options.parse(h.options()));
        expect(m).not.toBeNull();
        expect(typeof m?.id).toBe('string');
        expect(m?.id.startsWith(h.idPrefix)).toBe(true);
        expect(m?.source).toBe(key);
        expect(m?.text.length).toBeGreaterThan(0);
        expect(Number.isNaN(m?.createdAt.getTime())).toBe(false);
        expect(typeof m?.metrics).toBe('object');
      }
    });

    it('names itself in the error for a malformed answer', async () => {
      h.fail(200, '<<< not what you expected');
      const err = await poll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceResponseError);
      expect((err as Error).message.startsWith(`${key}: `)).toBe(true);
    });

    it('turns a 429 into a wait, honouring Retry-After, before the next call', async () => {
      h.fail(429, '{"message":"Too Many Requests"}', { 'retry-after': '1' });
      const err = await poll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceRateLimitedError);
      expect((err as SourceRateLimitedError).retryAfterMs).toBe(1_000);
    });

    it('gives up on an answer that never comes, naming itself and the timeout', async () => {
      h.fail(0, '');
      const quick = { ...ctx, http: createHttp({ timeoutMs: 300, userAgent: 'earshot-test' }) };
      const t0 = Date.now();
      const err = await source
        .poll(quick, {
          brand: { name: 'acme', query: 'acme' },
          options: source.options.parse(h.options()) as unknown,
          cursor: null,
          backfillSince: new Date(Date.now() - 86_400_000),
        })
        .then(
          () => null,
          (e: unknown) => e as Error,
        );
      expect(err).toBeInstanceOf(SourceResponseError);
      expect(err?.message).toMatch(new RegExp(`^${key}: .*(timed out|timeout)`, 'i'));
      expect(Date.now() - t0).toBeLessThan(5_000);
    });

    it('names a server error', async () => {
      h.fail(503, 'unavailable');
      await expect(poll()).rejects.toThrow(new RegExp(`^${key}: .*503`));
    });
  },
);

describe('every registered source in one `earshot poll --once`', () => {
  it('stores each source’s mentions through the command line', async () => {
    const keys = Object.keys(sources) as (keyof typeof sources)[];
    const hs = await Promise.all(keys.map((k) => harnesses[k]()));
    const tmp = tempDir();
    try {
      const entries = keys.map((source, i) => ({ source, ...(hs[i]?.options() as object) }));
      const cfg = tmp.file(
        'earshot.json',
        JSON.stringify({ brands: [{ name: 'acme', query: 'acme', sources: entries }] }),
      );
      const r = await runCli(['--config', cfg, 'poll', '--once'], {
        env: cleanEnv({ EARSHOT_DATA_DIR: tmp.dir, LOG_LEVEL: 'warn' }),
        timeoutMs: 60_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const db = new Database(path.join(tmp.dir, 'earshot.db'), { readonly: true });
      const rows = db.prepare('select source, count(*) as n from mentions group by source').all();
      const noReach = db
        .prepare('select count(*) as n from mentions where reach is null or reach <= 0')
        .get();
      db.close();
      expect(
        Object.fromEntries(rows.map((x) => [(x as { source: string }).source, (x as { n: number }).n])),
      ).toEqual(Object.fromEntries(keys.map((k) => [k, 2])));
      expect(noReach).toEqual({ n: 0 });
    } finally {
      await Promise.all(hs.map((h) => h.close()));
      tmp.cleanup();
    }
  });
});
