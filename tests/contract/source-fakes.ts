import type { sources } from '../../src/sources/index.ts';
import { startAppStoreServer } from '../fakes/appstore-server.ts';
import { startBlueskyServer } from '../fakes/bluesky-server.ts';
import { startFeedServer } from '../fakes/feed-server.ts';
import { startHnServer } from '../fakes/hn-server.ts';
import { startMastodonServer } from '../fakes/mastodon-server.ts';
import { startRedditServer } from '../fakes/reddit-server.ts';
import { startTrustpilotServer } from '../fakes/trustpilot-server.ts';
import { startXServer } from '../fakes/x-server.ts';
import { startYouTubeServer } from '../fakes/youtube-server.ts';

/**
 * Every registered source's fake API holding two mentions of "acme", for the checks that run the
 * same way against all of them (tests/contract). A source added to the registry without an entry
 * here does not type-check.
 */
export interface SourceFake {
  /** What the source's mention ids start with. */
  idPrefix: string;
  /** Options pointing the source at its fake; read them again before each poll (see rss). */
  options(): unknown;
  /** The next answer is `status` with `body` (status 0: no answer at all). */
  fail(status: number, body: string, headers?: Record<string, string>): void;
  close(): Promise<void>;
  /** The documented answer, where the fake's first GET answer is not it (X signs in and pages otherwise). */
  seed?: () => Promise<string>;
  /** The answer is XML, not JSON. */
  xml?: true;
}

const now = Math.floor(Date.now() / 1000);

export const sourceFakes: Record<keyof typeof sources, () => Promise<SourceFake>> = {
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
      async seed() {
        const res = await fetch(`${f.apiUrl}2/tweets/search/recent?query=acme&max_results=100`, {
          headers: { authorization: `Bearer ${f.token}` },
        });
        return res.text();
      },
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
    // No rate limit: the fuzz makes more calls than the instance's 300 per 5 minutes.
    const m = await startMastodonServer({ limit: 1e9 });
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
      body: 'acme <b>bold</b> &amp; more',
      link: `https://n.example/${id}`,
      published: new Date(),
      author: 'reporter',
    }));
    // The feed server has no one-off answer: a failure is set up when the options are next read,
    // that is just before the poll, and the feed comes back the time after.
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
      fail: (status, body, headers = { 'content-type': 'application/rss+xml' }) =>
        void (failing = { status, body, headers }),
      close: () => feed.close(),
      xml: true,
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
