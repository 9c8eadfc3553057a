import http from 'node:http';
import type { ApiRequestError, ITwitterApiClientPlugin, TweetV2, TwitterApi, UserV2 } from 'twitter-api-v2';
import { z } from 'zod';
import { SourceAuthError, SourceRateLimitedError, SourceResponseError } from '../errors.ts';
import { parseQuery, type QueryNode } from '../query.ts';
import type { Mention } from '../types.ts';
import { dateString } from './dates.ts';
import { AGENT_OPTIONS, retryAfterMs } from './http.ts';
import { credentialKey, holdUntil, pace } from './pace.ts';
import type { Source, SourceContext } from './types.ts';
import { lazy } from '../lazy.ts';

const twitter = lazy<typeof import('twitter-api-v2')>('twitter-api-v2');

const options = z.object({
  /** An app's bearer token (a secret: write ${X_BEARER_TOKEN}). */
  bearer_token: z.string().min(10),
  /** Leave retweets out: they repeat a post without adding words (their spread shows in its metrics). */
  exclude_retweets: z.boolean().default(true),
  /** Only posts in this language (X's lang: operator). */
  lang: z
    .string()
    .regex(/^[a-z]{2,3}$/)
    .optional(),
  /** Pages of 100 posts read per poll at most. */
  max_pages: z.number().int().min(1).max(20).default(5),
  /** Least time between two searches: 450 per 15 minutes per app. */
  pace_ms: z.number().int().min(0).default(2_000),
  /** The brand's own account (without @): its replies mark the posts they answer as answered. */
  brand_handle: z
    .string()
    .regex(/^\w{1,15}$/, 'an X username without @')
    .optional(),
  /** For tests and proxies: replaces https://api.x.com/. */
  api_url: z.url().optional(),
});
type XOptions = z.infer<typeof options>;

export interface XPost {
  tweet: TweetV2;
  author?: UserV2;
}

/** The newest post id read (a string: ids exceed 2^53). */
export interface XCursor {
  sinceId?: string;
  /** The newest reply of the brand's account read. */
  answersSinceId?: string;
}

const TWEET_FIELDS = [
  'created_at',
  'public_metrics',
  'lang',
  'author_id',
  'conversation_id',
  'in_reply_to_user_id',
] as const;
const USER_FIELDS = ['public_metrics', 'verified', 'username', 'name'] as const;
const MAX_QUERY = 512;

// twitter-api-v2 types the answer but does not check it: what is read is checked here.
const pageSchema = z.object({
  data: z.array(z.unknown()).optional(),
  includes: z.object({ users: z.array(z.unknown()).optional() }).optional(),
  meta: z.object({ newest_id: z.string().optional() }),
});
const tweetSchema = z.object({
  id: z.string(),
  text: z.string(),
  created_at: dateString.optional(),
  author_id: z.string().optional(),
  lang: z.string().optional(),
  public_metrics: z
    .object({
      like_count: z.number(),
      retweet_count: z.number(),
      reply_count: z.number(),
      quote_count: z.number(),
      impression_count: z.number().optional(),
    })
    .optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
});
const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().optional(),
  verified: z.boolean().optional(),
  public_metrics: z.object({ followers_count: z.number().optional() }).optional(),
});

/** The page's tweets that can be read, and the authors among its users that can be. */
function readPage(body: unknown, what: string): { tweets: TweetV2[]; users: UserV2[]; newestId?: string } {
  const page = pageSchema.safeParse(body);
  if (!page.success)
    throw new SourceResponseError(
      'x',
      `unexpected answer from ${what}: ${page.error.issues[0]?.message ?? ''}`,
    );
  const tweets = (page.data.data ?? []).filter((t) => tweetSchema.safeParse(t).success) as TweetV2[];
  const users = (page.data.includes?.users ?? []).filter((u) => userSchema.safeParse(u).success) as UserV2[];
  return { tweets, users, ...(page.data.meta.newest_id ? { newestId: page.data.meta.newest_id } : {}) };
}

/**
 * The brand query in X's operators (sources-reference §1.3): space is AND, OR explicit, `-` only
 * on single terms. A negated group cannot be said: NOT (a OR b) becomes -a -b, and a negated AND is
 * left out, which only widens the search (the local match still applies it).
 */
export function toXQuery(q: string): string {
  const term = (n: Extract<QueryNode, { type: 'term' }>) =>
    n.phrase ? `"${n.value}"` : n.value.replace(/\*$/, '');
  const render = (n: QueryNode, top: boolean): string => {
    switch (n.type) {
      case 'term':
        return term(n);
      case 'and':
        return n.children
          .map((c) => render(c, false))
          .filter(Boolean)
          .join(' ');
      case 'or': {
        const s = n.children.map((c) => render(c, false)).join(' OR ');
        return top ? s : `(${s})`;
      }
      case 'not': {
        const c = n.child;
        if (c.type === 'term') return `-${term(c)}`;
        if (c.type === 'or' && c.children.every((x) => x.type === 'term'))
          return c.children.map((x) => `-${term(x)}`).join(' ');
        return '';
      }
    }
  };
  return render(parseQuery(q), true);
}

/** A backfill's place: the search's next_token. */
export interface XPosition {
  token: string;
}

/** Recent search covers the last 7 days (sources-reference §1.1); full-archive search is another tier. */
const REACH_MS = 7 * 86_400_000;

/** The brand query in X's operators, with the source's filters; refused when longer than X takes. */
function searchQuery(brand: { name: string; query: string }, o: XOptions): string {
  const query = [
    toXQuery(brand.query),
    o.exclude_retweets ? '-is:retweet' : '',
    o.lang ? `lang:${o.lang}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  if (query.length > MAX_QUERY)
    throw new SourceResponseError(
      'x',
      `the query of ${brand.name} is ${query.length} characters in X's syntax; X takes at most ${MAX_QUERY}`,
    );
  return query;
}

/** Calls on one bearer token share its limit. */
const paceKey = (o: XOptions) => credentialKey(`x:${o.api_url ?? ''}`, o.bearer_token);

const clients = new Map<string, TwitterApi>();
function client(o: XOptions, timeoutMs: number): TwitterApi {
  const key = `${o.bearer_token}|${o.api_url ?? ''}|${timeoutMs}`;
  let c = clients.get(key);
  if (c) return c;
  const base = o.api_url?.replace(/\/?$/, '/');
  // twitter-api-v2 has no base-URL setting and no default timeout: a plugin sets both (§2.1).
  const plugin: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      if (base) params.url = params.url.replace('https://api.x.com/', base);
      params.timeout ??= timeoutMs;
    },
  };
  // An http: base (a fake, a proxy) needs an http agent; keep-alive, as Node's own agents are.
  c = new (twitter().TwitterApi)(o.bearer_token, {
    plugins: [plugin],
    ...(base?.startsWith('http:') ? { httpAgent: new http.Agent(AGENT_OPTIONS) } : {}),
  });
  clients.set(key, c);
  return c;
}

export const x: Source<XOptions, XPost, XCursor, XPosition> = {
  id: 'x',
  description:
    'X (Twitter) recent search with the brand query in X operators, with authors’ followers and verified flags. Needs an app bearer token.',
  options,
  credentials: [],

  async poll(ctx, input) {
    const o = input.options;
    const query = searchQuery(input.brand, o);
    const api = client(o, Number(ctx.http.defaults.timeout ?? 15_000)).readOnly.v2;
    const sinceId = input.cursor?.sinceId;
    // Recent search reaches back 7 days at most.
    const start = new Date(
      Math.max(input.backfillSince.getTime(), ctx.clock.now().getTime() - REACH_MS + 60_000),
    );
    const items: XPost[] = [];
    let newest = sinceId;
    await guard(o, async () => {
      await pace(paceKey(o), o.pace_ms);
      const page = await api.search(query, {
        max_results: 100,
        'tweet.fields': [...TWEET_FIELDS],
        expansions: ['author_id'],
        'user.fields': [...USER_FIELDS],
        ...(sinceId ? { since_id: sinceId } : { start_time: start.toISOString() }),
      });
      // Only the first page's newest id is the next poll's since_id (§1.4).
      // Pages accumulate in the paginator: each round reads the tweets past those already taken.
      for (let n = 1, taken = 0; ; n++) {
        const { tweets, users, newestId } = readPage(page.data, 'recent search');
        if (n === 1) newest = newestId ?? sinceId;
        for (const tweet of tweets.slice(taken)) items.push({ tweet, ...authorOf(users, tweet) });
        taken = tweets.length;
        if (page.done || n >= o.max_pages) break;
        await pace(paceKey(o), o.pace_ms);
        await page.fetchNext(100);
      }
    });
    const cursor: XCursor = { ...(newest ? { sinceId: newest } : {}) };
    const answers: { id: string; at: Date }[] = [];
    if (o.brand_handle) {
      const since = input.cursor?.answersSinceId;
      await guard(o, async () => {
        await pace(paceKey(o), o.pace_ms);
        const page = await api.search(`from:${o.brand_handle} is:reply`, {
          max_results: 100,
          'tweet.fields': [...TWEET_FIELDS],
          ...(since ? { since_id: since } : { start_time: start.toISOString() }),
        });
        const read = readPage(page.data, "the search of the brand's replies");
        for (const t of read.tweets) {
          const to = t.referenced_tweets?.find((r) => r.type === 'replied_to');
          if (to && t.created_at) answers.push({ id: `x:${to.id}`, at: new Date(t.created_at) });
        }
        const latest = read.newestId ?? since;
        if (latest) cursor.answersSinceId = latest;
      });
    } else if (input.cursor?.answersSinceId) cursor.answersSinceId = input.cursor.answersSinceId;
    return { items, cursor, ...(answers.length ? { answers } : {}) };
  },

  backfillReachMs: REACH_MS,

  async backfill(ctx, input) {
    const o = input.options;
    const api = client(o, Number(ctx.http.defaults.timeout ?? 15_000)).readOnly.v2;
    const items: XPost[] = [];
    let next: XPosition | null = null;
    await guard(o, async () => {
      await pace(paceKey(o), o.pace_ms);
      const page = await api.search(searchQuery(input.brand, o), {
        max_results: 100,
        'tweet.fields': [...TWEET_FIELDS],
        expansions: ['author_id'],
        'user.fields': [...USER_FIELDS],
        start_time: input.since.toISOString(),
        end_time: input.until.toISOString(),
        ...(input.position ? { next_token: input.position.token } : {}),
      });
      for (const tweet of page.tweets) items.push({ tweet, ...authorOf(page.includes.users, tweet) });
      // The token "does not expire and replays deterministically" (§1.4): safe to keep for a resume.
      if (page.meta.next_token) next = { token: page.meta.next_token };
    });
    return { items, next };
  },

  normalize({ tweet, author }): Mention | null {
    if (!tweet.text) return null;
    const m = tweet.public_metrics;
    const mention: Mention = {
      id: `x:${tweet.id}`,
      source: 'x',
      url: `https://x.com/${author?.username ?? 'i'}/status/${tweet.id}`,
      text: tweet.text,
      createdAt: tweet.created_at ? new Date(tweet.created_at) : new Date(),
      metrics: m
        ? {
            likes: m.like_count,
            reposts: m.retweet_count,
            replies: m.reply_count,
            quotes: m.quote_count,
            ...(m.impression_count !== undefined ? { views: m.impression_count } : {}),
          }
        : {},
    };
    if (author) {
      mention.author = {
        handle: author.username,
        name: author.name,
        ...(author.public_metrics?.followers_count !== undefined
          ? { followers: author.public_metrics.followers_count }
          : {}),
        ...(author.verified !== undefined ? { verified: author.verified } : {}),
      };
    }
    if (tweet.lang && tweet.lang !== 'und' && tweet.lang !== 'zxx') mention.lang = tweet.lang;
    return mention;
  },

  refresh(ctx, o, ids) {
    return refreshX(
      ctx,
      o,
      ids.map((id) => id.replace(/^x:/, '')),
    );
  },

  async check(ctx, o) {
    await guard(o, () =>
      client(o, Number(ctx.http.defaults.timeout ?? 15_000))
        .readOnly.v2.search('earshot', { max_results: 10 })
        .then(() => undefined),
    );
  },
};

/** Engagement of known posts, 100 ids a call (3,500 calls per 15 minutes). */
export async function refreshX(ctx: SourceContext, o: XOptions, ids: string[]): Promise<XPost[]> {
  const api = client(o, Number(ctx.http.defaults.timeout ?? 15_000)).readOnly.v2;
  const out: XPost[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    await guard(o, async () => {
      const res = await api.tweets(ids.slice(i, i + 100), {
        'tweet.fields': [...TWEET_FIELDS],
        expansions: ['author_id'],
        'user.fields': [...USER_FIELDS],
      });
      for (const tweet of res.data ?? []) out.push({ tweet, ...authorOf(res.includes?.users, tweet) });
    });
  }
  return out;
}

function authorOf(users: UserV2[] | undefined, t: TweetV2): { author?: UserV2 } {
  const u = users?.find((x) => x.id === t.author_id);
  return u ? { author: u } : {};
}

/** twitter-api-v2's errors as the named errors of every source. */
async function guard(o: XOptions, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof twitter().ApiResponseError) {
      const data = err.data as { title?: string; detail?: string } | undefined;
      const what = [data?.title, data?.detail].filter(Boolean).join(': ') || err.message;
      if (err.code === 401 || err.code === 403)
        throw new SourceAuthError('x', `${err.code} ${what}`, { cause: err });
      if (err.code === 429) {
        const now = Date.now();
        const reset = err.rateLimit?.reset ? err.rateLimit.reset * 1000 - now : 60_000;
        const wait = retryAfterMs(err.headers['retry-after'], now, reset);
        holdUntil(paceKey(o), now + wait);
        throw new SourceRateLimitedError('x', Math.max(1_000, wait), { cause: err });
      }
      throw new SourceResponseError('x', `${err.code} ${what}`, { cause: err });
    }
    if (err instanceof twitter().ApiPartialResponseError) {
      const status = err.response.statusCode ?? 0;
      throw new SourceResponseError(
        'x',
        status >= 400 ? `${status} from the X API` : 'malformed JSON from the X API',
        { cause: err },
      );
    }

    if (err instanceof twitter().ApiRequestError) {
      throw new SourceResponseError('x', `X API not reachable (${networkCause(err)})`, { cause: err });
    }
    if (err instanceof TypeError)
      throw new SourceResponseError('x', `unreadable answer from the X API (${err.message})`, { cause: err });
    throw err;
  }
}

/**
 * twitter-api-v2 keeps a network error as `requestError`, but a timeout only in its private
 * options (`Error('Request timeout.')`): the one place that reads it.
 */
function networkCause(err: ApiRequestError): string {
  const hidden = (err as unknown as { _options?: { error?: unknown } })._options?.error;
  const cause = (err.requestError as Error | undefined) ?? (hidden instanceof Error ? hidden : undefined);
  return cause?.message ?? err.message;
}
