import { z } from 'zod';
import { dateString } from './dates.ts';
import { SourceAuthError, SourceResponseError } from '../errors.ts';
import { searchPlan } from '../query.ts';
import type { Mention } from '../types.ts';
import { nextSeen, type SeenCursor } from './cursor.ts';
import { getJson, safeUrl, wrapNetworkError, type LimitHeaders } from './http.ts';
import type { Source, SourceContext } from './types.ts';

const options = z.object({
  /** The account that searches (write ${BLUESKY_HANDLE}) and its app password (${BLUESKY_APP_PASSWORD}). */
  handle: z.string().min(3),
  app_password: z.string().min(4),
  /** The PDS that signs in and proxies search. */
  service: z.url().default('https://bsky.social'),
  /** Least time between two calls: the PDS allows 3,000 per 5 minutes per IP. */
  pace_ms: z.number().int().min(0).default(200),
});
type BlueskyOptions = z.infer<typeof options>;

const postSchema = z.object({
  uri: z.string(),
  author: z.object({ did: z.string(), handle: z.string() }),
  record: z.object({ text: z.string(), createdAt: dateString, langs: z.array(z.string()).optional() }),
  indexedAt: dateString,
  replyCount: z.number().optional(),
  repostCount: z.number().optional(),
  likeCount: z.number().optional(),
  quoteCount: z.number().optional(),
});
export type BlueskyPost = z.infer<typeof postSchema> & { followers?: number };
const pageSchema = z.object({ posts: z.array(z.unknown()), cursor: z.string().optional() });
const profilesSchema = z.object({
  profiles: z.array(z.object({ did: z.string(), followersCount: z.number().optional() })),
});

/** A backfill's place: which alternative of the query, and the search's own cursor within it. */
export interface BlueskyPosition {
  alt: number;
  cursor?: string;
}

/** Per search: the newest `indexedAt` read and the posts read lately. */
export type BlueskyCursor = Record<string, SeenCursor<string>>;

// RateLimit-Reset is unix seconds (sources-reference §5.2).
const LIMITS: LimitHeaders = {
  remaining: 'ratelimit-remaining',
  reset: 'ratelimit-reset',
  resetStyle: 'epoch',
};
const MAX_PAGES = 5;
/** Access tokens last 120 minutes; sign in again a little before. createSession is limited to 300 a day. */
const SESSION_MS = 110 * 60_000;
const sessions = new Map<string, { jwt: Promise<string>; expiresAt: number }>();

export const bluesky: Source<BlueskyOptions, BlueskyPost, BlueskyCursor, BlueskyPosition> = {
  id: 'bluesky',
  description:
    'Bluesky post search (app.bsky.feed.searchPosts), signed in with an app password, with authors’ follower counts.',
  options,
  credentials: [],

  async poll(ctx, input) {
    const o = input.options;
    const cursor: BlueskyCursor = { ...(input.cursor ?? {}) };
    const byUri = new Map<string, BlueskyPost>();
    for (const alt of searchPlan(input.brand.query, 4)) {
      if (alt.length === 0) continue;
      const key = alt.join(' ');
      const before = cursor[key];
      const since = before?.since ?? input.backfillSince.toISOString();
      const seen = new Set(before?.seen ?? []);
      const fresh = (await search(ctx, o, key, since)).filter((p) => !seen.has(p.uri));
      for (const p of fresh) byUri.set(p.uri, p);
      cursor[key] = nextSeen(
        before,
        since,
        fresh.map((p) => ({ id: p.uri, at: p.indexedAt })),
      );
    }
    const items = [...byUri.values()];
    await addFollowers(ctx, o, items);
    return { items, cursor };
  },

  async backfill(ctx, input) {
    const plan = searchPlan(input.brand.query, 4).filter((alt) => alt.length > 0);
    const at = input.position ?? { alt: 0 };
    const alt = plan[at.alt];
    if (!alt) return { items: [], next: null };
    const page = await searchPage(ctx, input.options, {
      q: alt.join(' '),
      since: input.since.toISOString(),
      until: input.until.toISOString(),
      ...(at.cursor ? { cursor: at.cursor } : {}),
    });
    await addFollowers(ctx, input.options, page.posts);
    const nextAlt = at.alt + 1 < plan.length ? { alt: at.alt + 1 } : null;
    const more = page.cursor && page.posts.length > 0;
    return { items: page.posts, next: more ? { alt: at.alt, cursor: page.cursor } : nextAlt };
  },

  normalize(p): Mention | null {
    const text = p.record.text.trim();
    if (!text) return null;
    const rkey = p.uri.slice(p.uri.lastIndexOf('/') + 1);
    const m: Mention = {
      id: `bsky:${p.uri}`,
      source: 'bluesky',
      url: `https://bsky.app/profile/${p.author.handle}/post/${rkey}`,
      text,
      createdAt: new Date(p.record.createdAt),
      author:
        p.followers !== undefined
          ? { handle: p.author.handle, followers: p.followers }
          : { handle: p.author.handle },
      metrics: {
        likes: p.likeCount ?? 0,
        reposts: p.repostCount ?? 0,
        replies: p.replyCount ?? 0,
        quotes: p.quoteCount ?? 0,
      },
    };
    const lang = p.record.langs?.[0];
    if (lang) m.lang = lang;
    return m;
  },

  async refresh(ctx, o, ids) {
    const out: BlueskyPost[] = [];
    const uris = ids.map((id) => id.replace(/^bsky:/, ''));
    for (let i = 0; i < uris.length; i += 25) {
      const body = await xrpc(ctx, o, 'app.bsky.feed.getPosts', { uris: uris.slice(i, i + 25) });
      const parsed = z.object({ posts: z.array(z.unknown()) }).safeParse(body);
      if (!parsed.success)
        throw new SourceResponseError('bluesky', 'unexpected answer from getPosts: no posts');
      for (const raw of parsed.data.posts) {
        const p = postSchema.safeParse(raw);
        if (p.success) out.push(p.data);
      }
    }
    await addFollowers(ctx, o, out);
    return out;
  },

  async check(ctx, o) {
    // A sign-in of its own: doctor proves the password, not a token cached earlier.
    await signIn(ctx, o);
  },
};

async function search(
  ctx: SourceContext,
  o: BlueskyOptions,
  q: string,
  since: string,
): Promise<BlueskyPost[]> {
  const out: BlueskyPost[] = [];
  let next: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await searchPage(ctx, o, { q, since, ...(next ? { cursor: next } : {}) });
    out.push(...res.posts);
    next = res.cursor;
    if (!next || res.posts.length === 0) break;
  }
  return out;
}

/** One page of searchPosts, newest first; `since` and `until` bound the posts' time. */
async function searchPage(
  ctx: SourceContext,
  o: BlueskyOptions,
  params: { q: string; since: string; until?: string; cursor?: string },
): Promise<{ posts: BlueskyPost[]; cursor?: string }> {
  const body = await xrpc(ctx, o, 'app.bsky.feed.searchPosts', { sort: 'latest', limit: '100', ...params });
  const parsed = pageSchema.safeParse(body);
  if (!parsed.success)
    throw new SourceResponseError('bluesky', 'unexpected answer from searchPosts: no posts');
  const posts: BlueskyPost[] = [];
  for (const raw of parsed.data.posts) {
    const p = postSchema.safeParse(raw);
    if (p.success) posts.push(p.data);
    else
      ctx.log.warn(
        { source: 'bluesky' },
        `skipped a post that could not be read: ${p.error.issues[0]?.message ?? ''}`,
      );
  }
  return { posts, ...(parsed.data.cursor ? { cursor: parsed.data.cursor } : {}) };
}

/** Follower counts are not in search results: one getProfiles call per 25 authors. */
async function addFollowers(ctx: SourceContext, o: BlueskyOptions, posts: BlueskyPost[]): Promise<void> {
  const dids = [...new Set(posts.map((p) => p.author.did))];
  const followers = new Map<string, number>();
  for (let i = 0; i < dids.length; i += 25) {
    const body = await xrpc(ctx, o, 'app.bsky.actor.getProfiles', { actors: dids.slice(i, i + 25) });
    const parsed = profilesSchema.safeParse(body);
    if (!parsed.success) continue; // reach is a nicety: the mentions stand without it
    for (const p of parsed.data.profiles)
      if (p.followersCount !== undefined) followers.set(p.did, p.followersCount);
  }
  for (const p of posts) {
    const n = followers.get(p.author.did);
    if (n !== undefined) p.followers = n;
  }
}

async function xrpc(
  ctx: SourceContext,
  o: BlueskyOptions,
  method: string,
  params: Record<string, string | string[]>,
): Promise<unknown> {
  const url = new URL(`${o.service.replace(/\/$/, '')}/xrpc/${method}`);
  for (const [k, v] of Object.entries(params))
    for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
  let refused: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const jwt = await session(ctx, o, refused);
    try {
      const { body } = await getJson(ctx, 'bluesky', url.toString(), {
        headers: { Authorization: `Bearer ${jwt}` },
        paceKey: `bluesky:${o.service}`,
        paceMs: o.pace_ms,
        limits: LIMITS,
      });
      return body;
    } catch (err) {
      // An expired token (a 400 ExpiredToken, or a 401): sign in again, once.
      const expired =
        err instanceof SourceAuthError ||
        (err instanceof SourceResponseError && err.body?.includes('ExpiredToken'));
      if (expired && attempt === 0) {
        refused = jwt;
        continue;
      }
      throw err;
    }
  }
}

/**
 * The account's access token. Concurrent polls share one sign-in (createSession is limited to 30
 * per 5 minutes), and a caller whose token was refused signs in again only if nobody did meanwhile.
 */
async function session(ctx: SourceContext, o: BlueskyOptions, refused?: string): Promise<string> {
  const key = `${o.service}|${o.handle}`;
  const now = ctx.clock.now().getTime();
  for (let cached = sessions.get(key); cached && cached.expiresAt > now; cached = sessions.get(key)) {
    const jwt = await cached.jwt.catch(() => undefined);
    if (sessions.get(key) !== cached) continue; // replaced while we waited: read the new one
    if (jwt !== undefined && jwt !== refused) return jwt;
    break;
  }
  const jwt = signIn(ctx, o);
  const entry = { jwt, expiresAt: now + SESSION_MS };
  sessions.set(key, entry);
  jwt.catch(() => sessions.get(key) === entry && sessions.delete(key));
  return jwt;
}

async function signIn(ctx: SourceContext, o: BlueskyOptions): Promise<string> {
  const url = `${o.service.replace(/\/$/, '')}/xrpc/com.atproto.server.createSession`;
  let res;
  try {
    res = await ctx.http.post<string>(
      url,
      { identifier: o.handle, password: o.app_password },
      { responseType: 'text', transformResponse: (d: unknown) => d },
    );
  } catch (err) {
    throw wrapNetworkError('bluesky', url, err, ctx.http.defaults.timeout);
  }
  if (res.status === 401 || res.status === 400)
    throw new SourceAuthError(
      'bluesky',
      `sign-in refused for ${o.handle} (check the handle and the app password)`,
    );
  let jwt: unknown;
  try {
    jwt = (JSON.parse(String(res.data)) as { accessJwt?: unknown }).accessJwt;
  } catch {
    jwt = undefined;
  }
  if (res.status !== 200 || typeof jwt !== 'string')
    throw new SourceResponseError('bluesky', `no session from ${safeUrl(url)} (${res.status})`);
  return jwt;
}
