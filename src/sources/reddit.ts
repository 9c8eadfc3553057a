import { z } from 'zod';
import { unixSeconds } from './dates.ts';
import { SourceAuthError, SourceRateLimitedError, SourceResponseError } from '../errors.ts';
import { searchPlan } from '../query.ts';
import type { Mention, Metrics } from '../types.ts';
import { nextSeen, type SeenCursor } from './cursor.ts';
import { getJson, safeUrl, wrapNetworkError, type LimitHeaders } from './http.ts';
import type { Source, SourceContext } from './types.ts';

const options = z.object({
  /** Search all of Reddit's posts for the brand query. */
  search: z.boolean().default(true),
  /** Subreddits whose new comments are read and matched locally (Reddit has no comment search). */
  subreddits: z.array(z.string().regex(/^\w{2,21}$/, 'a subreddit name without r/')).default([]),
  /** The brand's own Reddit accounts (without u/): their comments mark what they reply to as answered. */
  brand_accounts: z.array(z.string().regex(/^[\w-]{3,20}$/, 'a Reddit username without u/')).default([]),
  /** An app's credentials (write ${REDDIT_CLIENT_ID} and ${REDDIT_CLIENT_SECRET}): 100 calls a minute instead of 10. */
  client_id: z.string().min(1).optional(),
  client_secret: z.string().min(1).optional(),
  /** Reddit requires `<platform>:<app id>:<version> (by /u/<username>)`; generic agents are throttled hard. */
  user_agent: z.string().min(10).default('server:earshot:0.1 (self-hosted social listening)'),
  /** Least time between two calls; by default what Reddit allows: 0.6 s with an app, 6 s without. */
  pace_ms: z.number().int().min(0).optional(),
  /** For tests and proxies. */
  api_url: z.url().optional(),
  auth_url: z.url().default('https://www.reddit.com/api/v1/access_token'),
});
type RedditOptions = z.infer<typeof options>;

const thingSchema = z.object({
  kind: z.enum(['t1', 't3']),
  data: z.object({
    name: z.string(),
    author: z.string().nullish(),
    created_utc: unixSeconds,
    permalink: z.string(),
    parent_id: z.string().nullish(),
    score: z.number().nullish(),
    num_comments: z.number().nullish(),
    title: z.string().nullish(),
    selftext: z.string().nullish(),
    body: z.string().nullish(),
    link_title: z.string().nullish(),
    subreddit: z.string().nullish(),
  }),
});
export type RedditThing = z.infer<typeof thingSchema>;
const listingSchema = z.object({
  kind: z.literal('Listing'),
  data: z.object({ after: z.string().nullable(), children: z.array(z.unknown()) }),
});

/** Per stream (a search or a subreddit's comments): the newest time read and the names seen near it. */
export type RedditCursor = Record<string, SeenCursor<number>>;

// X-Ratelimit-Reset is seconds until the window ends; Remaining is a float string (§3.2).
const LIMITS: LimitHeaders = {
  remaining: 'x-ratelimit-remaining',
  reset: 'x-ratelimit-reset',
  resetStyle: 'seconds',
};
const MAX_PAGES = 5;
/** Posts can show up in search some time after they were made: look back this far past the watermark. */
const LATE_S = 3_600;
/** Reddit's times are unix seconds, sometimes with a fraction: the cursor keeps whole seconds. */
const seenAt = (t: RedditThing) => ({ id: t.data.name, at: Math.floor(t.data.created_utc) });

const tokens = new Map<string, { token: string; expiresAt: number }>();

export const reddit: Source<RedditOptions, RedditThing, RedditCursor> = {
  id: 'reddit',
  description:
    'Reddit posts (search) and new comments of chosen subreddits. Optional app credentials raise the limit from 10 to 100 calls a minute.',
  options,
  credentials: [],

  async poll(ctx, input) {
    const o = input.options;
    const cursor: RedditCursor = { ...(input.cursor ?? {}) };
    const streams: [string, string, Record<string, string>][] = [];
    if (o.search) {
      for (const alt of searchPlan(input.brand.query, 4)) {
        if (alt.length > 0)
          streams.push([
            `search:${alt.join(' ')}`,
            '/search',
            { q: alt.join(' ').slice(0, 512), sort: 'new', type: 'link' },
          ]);
      }
    }
    for (const sub of o.subreddits) streams.push([`comments:${sub}`, `/r/${sub}/comments`, {}]);
    const items = new Map<string, RedditThing>();
    for (const [key, path, params] of streams) {
      const before = cursor[key];
      const since = before?.since ?? Math.floor(input.backfillSince.getTime() / 1000);
      const seen = new Set(before?.seen ?? []);
      const fresh = await readStream(ctx, o, path, params, since, seen);
      for (const t of fresh) items.set(t.data.name, t);
      cursor[key] = nextSeen(before, since, fresh.map(seenAt));
    }
    const answers: { id: string; at: Date }[] = [];
    for (const account of o.brand_accounts) {
      const key = `answers:${account}`;
      const before = cursor[key];
      const since = before?.since ?? Math.floor(input.backfillSince.getTime() / 1000);
      const replies = await readStream(
        ctx,
        o,
        `/user/${account}/comments`,
        { sort: 'new' },
        since,
        new Set(before?.seen ?? []),
      );
      for (const r of replies)
        if (r.data.parent_id)
          answers.push({ id: `reddit:${r.data.parent_id}`, at: new Date(r.data.created_utc * 1000) });
      cursor[key] = nextSeen(before, since, replies.map(seenAt));
    }
    return { items: [...items.values()], cursor, ...(answers.length ? { answers } : {}) };
  },

  normalize(t): Mention | null {
    const d = t.data;
    const isPost = t.kind === 't3';
    const text = (isPost ? [d.title, d.selftext] : [d.body]).filter((s) => s && s.trim()).join(' — ');
    if (!text) return null;
    // Set, not spread in: a spread makes an object for each thing and each field.
    const metrics: Metrics = {};
    if (typeof d.score === 'number') metrics.score = d.score;
    if (typeof d.num_comments === 'number') metrics.replies = d.num_comments;
    const m: Mention = {
      id: `reddit:${d.name}`,
      source: 'reddit',
      url: `https://www.reddit.com${d.permalink}`,
      text,
      createdAt: new Date(d.created_utc * 1000),
      metrics,
    };
    if (d.author && d.author !== '[deleted]') m.author = { handle: d.author };
    if (isPost && d.title) m.title = d.title;
    else if (d.link_title) m.title = `Re: ${d.link_title}`;
    return m;
  },

  async refresh(ctx, o, ids) {
    const out: RedditThing[] = [];
    const names = ids.map((id) => id.replace(/^reddit:/, ''));
    for (let i = 0; i < names.length; i += 100) {
      const listing = await call(ctx, o, '/api/info', {
        id: names.slice(i, i + 100).join(','),
        raw_json: '1',
      });
      for (const raw of listing.children) {
        const t = thingSchema.safeParse(raw);
        if (t.success) out.push(t.data);
      }
    }
    return out;
  },

  async check(ctx, o) {
    await call(ctx, o, '/r/announcements/new', { limit: '1' });
  },
};

async function readStream(
  ctx: SourceContext,
  o: RedditOptions,
  path: string,
  params: Record<string, string>,
  since: number,
  seen: Set<string>,
): Promise<RedditThing[]> {
  const out: RedditThing[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const listing = await call(ctx, o, path, {
      ...params,
      limit: '100',
      raw_json: '1',
      ...(after ? { after } : {}),
    });
    let older = false;
    for (const raw of listing.children) {
      const t = thingSchema.safeParse(raw);
      if (!t.success) continue;
      if (t.data.data.created_utc < since - LATE_S) older = true;
      else if (!seen.has(t.data.data.name)) out.push(t.data);
    }
    after = listing.after;
    if (older || !after) break;
  }
  return out;
}

async function call(
  ctx: SourceContext,
  o: RedditOptions,
  path: string,
  params: Record<string, string>,
): Promise<{ after: string | null; children: unknown[] }> {
  const app = o.client_id && o.client_secret;
  const token = app ? await accessToken(ctx, o) : null;
  const base = o.api_url ?? (token ? 'https://oauth.reddit.com' : 'https://www.reddit.com');
  const url = `${base}${path}${token ? '' : '.json'}`;
  const { body } = await getJson(ctx, 'reddit', url, {
    params,
    headers: { 'User-Agent': o.user_agent, ...(token ? { Authorization: `bearer ${token}` } : {}) },
    paceKey: `reddit:${o.client_id ?? 'anonymous'}`,
    paceMs: o.pace_ms ?? (token ? 600 : 6_000),
    limits: LIMITS,
  });
  // Anonymous endpoints sometimes say 429 in a 200 (§3.2).
  const error = (body as { error?: unknown } | null)?.error;
  if (error === 429) throw new SourceRateLimitedError('reddit', 60_000);
  if (error === 401 || error === 403)
    throw new SourceAuthError('reddit', `${String(error)} from ${safeUrl(url)}: credentials refused`);
  const listing = listingSchema.safeParse(body);
  if (!listing.success)
    throw new SourceResponseError('reddit', `unexpected answer from ${safeUrl(url)}: not a listing`);
  return listing.data.data;
}

/** App-only OAuth (client_credentials), cached until shortly before it expires. */
async function accessToken(ctx: SourceContext, o: RedditOptions): Promise<string> {
  const key = `${o.auth_url}|${o.client_id}`;
  const cached = tokens.get(key);
  const now = ctx.clock.now().getTime();
  if (cached && cached.expiresAt > now) return cached.token;
  let res;
  try {
    res = await ctx.http.post<string>(o.auth_url, 'grant_type=client_credentials', {
      auth: { username: o.client_id ?? '', password: o.client_secret ?? '' },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': o.user_agent },
      responseType: 'text',
      transformResponse: (d: unknown) => d,
    });
  } catch (err) {
    throw wrapNetworkError('reddit', o.auth_url, err, ctx.http.defaults.timeout);
  }
  if (res.status === 401 || res.status === 403)
    throw new SourceAuthError(
      'reddit',
      'the app credentials were refused (check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET)',
    );
  let parsed: { access_token?: unknown; expires_in?: unknown } = {};
  try {
    parsed = JSON.parse(String(res.data)) as typeof parsed;
  } catch {
    // reported below
  }
  if (res.status !== 200 || typeof parsed.access_token !== 'string')
    throw new SourceResponseError('reddit', `no access token from ${safeUrl(o.auth_url)} (${res.status})`);
  const ttl = typeof parsed.expires_in === 'number' ? parsed.expires_in : 3_600;
  tokens.set(key, { token: parsed.access_token, expiresAt: now + (ttl - 60) * 1000 });
  return parsed.access_token;
}
