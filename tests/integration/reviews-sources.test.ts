import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../helpers/daemon.ts';
import { ManualClock } from '../../src/clock.ts';
import { buildConfig } from '../../src/config.ts';
import { pollOnce, startDaemon } from '../../src/daemon.ts';
import { SourceAuthError, SourceRateLimitedError } from '../../src/errors.ts';
import { trustpilot } from '../../src/sources/trustpilot.ts';
import { youtube } from '../../src/sources/youtube.ts';
import {
  startTrustpilotServer,
  type FakeReview as FakeTrustpilotReview,
} from '../fakes/trustpilot-server.ts';
import { startYouTubeServer } from '../fakes/youtube-server.ts';
import { tempDir } from '../helpers/cli.ts';
import { testDatabase } from '../helpers/db.ts';

const clock = new ManualClock(Date.now());
const ctx = sourceContext(clock);
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('youtube source against a local Data API', () => {
  it('reads comment threads of a channel newest first, then only new ones, and sees the brand’s answers', async () => {
    const y = await startYouTubeServer();
    closers.push(() => y.close());
    for (let i = 0; i < 130; i++)
      y.comments.push({
        id: `Ugz${i}`,
        videoId: 'vid00001',
        author: `fan${i}`,
        text: `comment ${i}`,
        published: ago(200 - i),
      });
    y.comments.push({
      id: 'UgzOld',
      videoId: 'vid00001',
      author: 'x',
      text: 'ancient',
      published: ago(3 * 1440),
    });
    const poll = (cursor: Parameters<typeof youtube.poll>[1]['cursor']) =>
      youtube.poll(ctx, {
        brand: { name: 'acme', query: 'acme' },
        options: youtube.options.parse({
          api_key: y.key,
          channels: [y.channel],
          api_url: y.apiUrl,
          pace_ms: 0,
        }),
        cursor,
        backfillSince: ago(1440),
      });
    const first = await poll(null);
    expect(first.items).toHaveLength(130);
    expect(y.requests[0]?.get('textFormat')).toBe('plainText');
    y.comments.push({
      id: 'UgzNew',
      videoId: 'vid00001',
      author: 'angry',
      text: 'your update broke everything',
      published: ago(0),
      ownerReplyAt: new Date(),
    });
    const second = await poll(first.cursor);
    expect(second.items.map((t) => t.id)).toEqual(['UgzNew']);
    const m =
      second.items[0] &&
      youtube.normalize(
        second.items[0],
        youtube.options.parse({ api_key: y.key, videos: ['vid00001'], pace_ms: 0 }),
      );
    expect(m).toMatchObject({
      id: 'youtube:UgzNew',
      url: 'https://www.youtube.com/watch?v=vid00001&lc=UgzNew',
      author: { handle: 'angry' },
      metrics: { likes: 0, replies: 1 },
    });
    expect(m?.answeredAt).toBeInstanceOf(Date);
  });

  it('waits for midnight Pacific when the quota is spent, and names a bad key without printing it', async () => {
    const y = await startYouTubeServer();
    closers.push(() => y.close());
    const opts = youtube.options.parse({
      api_key: y.key,
      videos: ['vid00001'],
      api_url: y.apiUrl,
      pace_ms: 0,
    });
    y.quotaExceeded();
    const err = await youtube
      .poll(ctx, { brand: { name: 'a', query: 'a' }, options: opts, cursor: null, backfillSince: ago(60) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAfterMs).toBeGreaterThan(0);
    expect((err as SourceRateLimitedError).retryAfterMs).toBeLessThanOrEqual(86_400_000);
    // Another API host: the spent quota above holds its own host until midnight.
    const y2 = await startYouTubeServer();
    closers.push(() => y2.close());
    const bad = await youtube
      .poll(ctx, {
        brand: { name: 'a', query: 'a' },
        options: { ...opts, api_url: y2.apiUrl, api_key: 'AIza-wrong-key-999' },
        cursor: null,
        backfillSince: ago(60),
      })
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(bad?.message).toContain('API key not valid');
    expect(bad?.message).not.toContain('AIza-wrong-key-999');
  });
});

describe('trustpilot source against a local API', () => {
  it('reads reviews page by page, keeps stars and company replies, and names a refused key', async () => {
    const t = await startTrustpilotServer();
    closers.push(() => t.close());
    for (let i = 0; i < 120; i++)
      t.reviews.push({
        id: `5f${i}0000000`,
        unit: 'bu-000001',
        stars: 1 + (i % 5),
        title: `Review ${i}`,
        text: 'text',
        created: ago(300 - i),
        ...(i === 119 ? { replyAt: new Date() } : {}),
      });
    const opts = trustpilot.options.parse({
      api_key: t.key,
      business_units: ['bu-000001'],
      api_url: t.apiUrl,
      pace_ms: 0,
    });
    const first = await trustpilot.poll(ctx, {
      brand: { name: 'acme', query: 'acme' },
      options: opts,
      cursor: null,
      backfillSince: ago(1440),
    });
    expect(first.items).toHaveLength(120);
    const newest = first.items.find((r) => r.id === '5f1190000000');
    expect(newest && trustpilot.normalize(newest, opts)).toMatchObject({
      id: 'trustpilot:5f1190000000',
      metrics: { stars: 5 },
      lang: 'en',
      author: { handle: 'Customer 5f1190000000' },
    });
    expect(newest && trustpilot.normalize(newest, opts)?.answeredAt).toBeInstanceOf(Date);
    const again = await trustpilot.poll(ctx, {
      brand: { name: 'acme', query: 'acme' },
      options: opts,
      cursor: first.cursor,
      backfillSince: ago(1440),
    });
    expect(again.items).toEqual([]);
    await expect(
      trustpilot.poll(ctx, {
        brand: { name: 'acme', query: 'acme' },
        options: { ...opts, api_key: 'wrong-key-0' },
        cursor: null,
        backfillSince: ago(60),
      }),
    ).rejects.toBeInstanceOf(SourceAuthError);
  });

  it('does not yet see a company reply posted after the review was read (known gap, README)', async () => {
    const t = await startTrustpilotServer();
    const tmp = tempDir();
    closers.push(
      () => t.close(),
      async () => tmp.cleanup(),
    );
    const review = {
      id: '5fabc0000001',
      unit: 'bu-000001',
      stars: 1,
      title: 'Never again',
      text: 'lost my parcel',
      created: ago(10),
    } as FakeTrustpilotReview;
    t.reviews.push(review);
    const config = buildConfig(
      {
        brands: [
          {
            name: 'acme',
            query: 'acme',
            sources: [
              {
                source: 'trustpilot',
                api_key: t.key,
                business_units: ['bu-000001'],
                api_url: t.apiUrl,
                pace_ms: 0,
              },
            ],
          },
        ],
      },
      { EARSHOT_DATA_DIR: tmp.dir, ...testDatabase(tmp.dir).env },
    );
    const daemon = await startDaemon({ config, env: {}, log: pino({ level: 'silent' }), schedule: false });
    closers.unshift(() => daemon.stop());
    await pollOnce(daemon);
    const answered = async () =>
      (await daemon.ctx.store.get('select answered_at a from mentions')) as { a: number | null };
    expect((await answered()).a).toBeNull();
    review.replyAt = new Date();
    // The cursor has moved past this review: a later poll sees it only if the source re-reads it.
    await pollOnce(daemon);
    expect((await answered()).a).toBeNull();
  });
});
