import { z } from 'zod';
import { dateString } from './dates.ts';
import { SourceAuthError, SourceRateLimitedError, SourceResponseError } from '../errors.ts';
import type { Mention } from '../types.ts';
import { nextSeen, type SeenCursor } from './cursor.ts';
import { getJson } from './http.ts';
import { credentialKey, holdUntil } from './pace.ts';
import type { Source, SourceContext } from './types.ts';

const options = z
  .object({
    /** A Data API v3 key (a secret: write ${YOUTUBE_API_KEY}). */
    api_key: z.string().min(10),
    /** Channels whose videos' comments are read (ids like UC…). */
    channels: z.array(z.string().min(5)).default([]),
    /** Single videos whose comments are read. */
    videos: z.array(z.string().min(5)).default([]),
    /** For tests and proxies. */
    api_url: z.url().default('https://www.googleapis.com/youtube/v3'),
    /**
     * Least time between two calls with this key: 10,000 quota units a day is one call every
     * 8.64 s. Lower it if Google granted your project more quota.
     */
    pace_ms: z.number().int().min(0).default(8_700),
  })
  .refine((o) => o.channels.length + o.videos.length > 0, { message: 'give channels or videos' });
type YouTubeOptions = z.infer<typeof options>;

const comment = z.object({
  id: z.string(),
  snippet: z.object({
    authorDisplayName: z.string().optional(),
    authorChannelId: z.object({ value: z.string() }).optional(),
    textDisplay: z.string().default(''),
    likeCount: z.number().optional(),
    publishedAt: dateString,
    videoId: z.string().optional(),
  }),
});
const threadSchema = z.object({
  id: z.string(),
  snippet: z.object({
    channelId: z.string().optional(),
    videoId: z.string().optional(),
    topLevelComment: comment,
    totalReplyCount: z.number().optional(),
  }),
  replies: z.object({ comments: z.array(comment) }).optional(),
});
export type YouTubeThread = z.infer<typeof threadSchema>;
const listSchema = z.object({ items: z.array(z.unknown()), nextPageToken: z.string().optional() });

/** Per channel or video: the newest comment time read and the threads read lately. */
export type YouTubeCursor = Record<string, SeenCursor<string>>;

const MAX_PAGES = 5;

export const youtube: Source<YouTubeOptions, YouTubeThread, YouTubeCursor> = {
  id: 'youtube',
  description:
    'YouTube comments on your channels or videos (Data API v3 commentThreads), with likes and your channel’s answers, read again while recent.',
  options,
  scoped: true,
  credentials: [],

  async poll(ctx, input) {
    const o = input.options;
    const cursor: YouTubeCursor = { ...(input.cursor ?? {}) };
    const items: YouTubeThread[] = [];
    const targets = [
      ...o.channels.map((id) => ['allThreadsRelatedToChannelId', id] as const),
      ...o.videos.map((id) => ['videoId', id] as const),
    ];
    for (const [param, id] of targets) {
      const key = `${param}:${id}`;
      const before = cursor[key];
      const since = before?.since ?? input.backfillSince.toISOString();
      const seen = new Set(before?.seen ?? []);
      const fresh = (await readThreads(ctx, o, { [param]: id }, since)).filter((t) => !seen.has(t.id));
      items.push(...fresh);
      cursor[key] = nextSeen(
        before,
        since,
        fresh.map((t) => ({ id: t.id, at: t.snippet.topLevelComment.snippet.publishedAt })),
      );
    }
    return { items, cursor };
  },

  normalize(t): Mention | null {
    const c = t.snippet.topLevelComment.snippet;
    const text = c.textDisplay.trim();
    if (!text) return null;
    const video = t.snippet.videoId ?? c.videoId;
    // The channel that owns the video answering in the thread is the brand answering.
    const owner = t.snippet.channelId;
    const answer = t.replies?.comments.find((r) => owner && r.snippet.authorChannelId?.value === owner);
    const m: Mention = {
      id: `youtube:${t.id}`,
      source: 'youtube',
      url: video
        ? `https://www.youtube.com/watch?v=${video}&lc=${t.id}`
        : `https://www.youtube.com/channel/${owner ?? ''}`,
      text,
      createdAt: new Date(c.publishedAt),
      author: { handle: c.authorDisplayName ?? 'someone' },
      metrics: { likes: c.likeCount ?? 0, replies: t.snippet.totalReplyCount ?? 0 },
    };
    if (answer) m.answeredAt = new Date(answer.snippet.publishedAt);
    return m;
  },

  /** commentThreads by id, 50 a call (1 quota unit each): new likes, replies and the channel's answer. */
  async refresh(ctx, o, ids) {
    const threads = ids.filter((id) => id.startsWith('youtube:')).map((id) => id.slice('youtube:'.length));
    const out: YouTubeThread[] = [];
    for (let i = 0; i < threads.length; i += 50) {
      const list = await call(ctx, o, { id: threads.slice(i, i + 50).join(',') });
      for (const raw of list.items) {
        const t = threadSchema.safeParse(raw);
        if (t.success) out.push(t.data);
      }
    }
    return out;
  },

  async check(ctx, o) {
    const first: Record<string, string> = o.channels[0]
      ? { allThreadsRelatedToChannelId: o.channels[0] }
      : { videoId: o.videos[0] ?? '' };
    await call(ctx, o, { ...first, maxResults: '1' });
  },
};

async function readThreads(
  ctx: SourceContext,
  o: YouTubeOptions,
  target: Record<string, string>,
  since: string,
): Promise<YouTubeThread[]> {
  const out: YouTubeThread[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await call(ctx, o, {
      ...target,
      maxResults: '100',
      order: 'time',
      ...(pageToken ? { pageToken } : {}),
    });
    let older = false;
    for (const raw of list.items) {
      const t = threadSchema.safeParse(raw);
      if (!t.success) continue;
      if (Date.parse(t.data.snippet.topLevelComment.snippet.publishedAt) < Date.parse(since)) older = true;
      else out.push(t.data);
    }
    pageToken = list.nextPageToken;
    if (older || !pageToken) break;
  }
  return out;
}

async function call(
  ctx: SourceContext,
  o: YouTubeOptions,
  params: Record<string, string>,
): Promise<z.infer<typeof listSchema>> {
  try {
    const { body } = await getJson(ctx, 'youtube', `${o.api_url}/commentThreads`, {
      params: { part: 'snippet,replies', textFormat: 'plainText', ...params, key: o.api_key },
      paceKey: quotaKey(o),
      paceMs: o.pace_ms,
    });
    const list = listSchema.safeParse(body);
    if (!list.success)
      throw new SourceResponseError('youtube', 'unexpected answer from commentThreads: no items');
    return list.data;
  } catch (err) {
    // Quota is a 403 that lasts until midnight Pacific time: a wait, not a refusal (§9.1).
    if (err instanceof SourceAuthError && err.body?.includes('quotaExceeded')) {
      const wait = untilPacificMidnight(ctx.clock.now());
      holdUntil(quotaKey(o), ctx.clock.now().getTime() + wait);
      throw new SourceRateLimitedError('youtube', wait, { cause: err });
    }
    throw err;
  }
}

/** The quota is the key's (its Google project's): calls with one key are paced and held together. */
const quotaKey = (o: YouTubeOptions) => credentialKey(`youtube:${o.api_url}`, o.api_key);

function untilPacificMidnight(now: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const elapsed = (get('hour') * 3600 + get('minute') * 60 + get('second')) * 1000;
  return Math.max(60_000, 86_400_000 - elapsed);
}
