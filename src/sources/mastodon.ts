import { z } from 'zod';
import { dateString } from './dates.ts';
import { SourceResponseError } from '../errors.ts';
import { searchPlan } from '../query.ts';
import type { Author, Mention, Metrics } from '../types.ts';
import { getJson, type LimitHeaders } from './http.ts';
import type { Source, SourceContext } from './types.ts';
import { credentialKey } from './pace.ts';
import { toText } from './text.ts';

const options = z
  .object({
    /** The instance to read, e.g. https://mastodon.social. */
    instance: z.url(),
    /** Hashtags (without #) whose public timelines are read. */
    hashtags: z
      .array(z.string().regex(/^[\p{L}\p{N}_]+$/u, 'a hashtag without # (letters, digits, _)'))
      .default([]),
    /** A user token (write ${MASTODON_TOKEN}): enables full-text status search. */
    token: z.string().min(1).optional(),
    /** Least time between two calls to the instance: 300 calls per 5 minutes is the default limit. */
    pace_ms: z.number().int().min(0).default(1_000),
  })
  .refine((o) => o.hashtags.length > 0 || o.token, {
    message: 'give hashtags, or a token for status search',
  });
type MastodonOptions = z.infer<typeof options>;

const account = z.object({
  acct: z.string(),
  followers_count: z.number().nullish(),
  bot: z.boolean().nullish(),
});
// z.object keeps only the fields read: copying the API's other keys too (looseObject) made
// parsing a status 2.5 times slower.
const statusShape = {
  id: z.string(),
  uri: z.string(),
  url: z.string().nullish(),
  created_at: dateString,
  language: z.string().nullish(),
  content: z.string(),
  spoiler_text: z.string().nullish(),
  account,
  replies_count: z.number().nullish(),
  reblogs_count: z.number().nullish(),
  favourites_count: z.number().nullish(),
  quotes_count: z.number().nullish(),
};
const statusSchema = z.object({ ...statusShape, reblog: z.object(statusShape).nullish() });
export type MastodonStatus = z.infer<typeof statusSchema>;

/** The newest status id read, per timeline (`#tag` or `search`). Ids are strings of digits. */
export type MastodonCursor = Record<string, string>;

// X-RateLimit-Reset is ISO 8601 with microseconds (sources-reference §6.3).
const LIMITS: LimitHeaders = {
  remaining: 'x-ratelimit-remaining',
  reset: 'x-ratelimit-reset',
  resetStyle: 'iso',
};
const PER_PAGE = 40;
const MAX_PAGES = 5;

const paceKeyOf = (o: MastodonOptions) =>
  o.token ? credentialKey(`mastodon:${o.instance}`, o.token) : `mastodon:${o.instance}`;

const hosts = new Map<string, string>();
/** The instance's host, parsed once: normalize asks for it on every status. */
function hostOf(instance: string): string {
  let h = hosts.get(instance);
  if (h === undefined) hosts.set(instance, (h = new URL(instance).host));
  return h;
}

const newer = (a: string, b: string) => (a.length !== b.length ? a.length > b.length : a > b);

export const mastodon: Source<MastodonOptions, MastodonStatus, MastodonCursor> = {
  id: 'mastodon',
  description: 'Mastodon: public hashtag timelines of an instance, and status search with a user token.',
  options,
  credentials: [],

  async poll(ctx, input) {
    const o = input.options;
    const cursor: MastodonCursor = { ...(input.cursor ?? {}) };
    const byUri = new Map<string, MastodonStatus>();
    const timelines: [string, string, Record<string, string>][] = o.hashtags.map((t) => [
      `#${t}`,
      `/api/v1/timelines/tag/${encodeURIComponent(t)}`,
      {},
    ]);
    if (o.token) {
      for (const alt of searchPlan(input.brand.query, 3)) {
        if (alt.length === 0) continue;
        timelines.push([
          `search:${alt.join(' ')}`,
          '/api/v2/search',
          { q: alt.map((t) => t.replace(/\*$/, '')).join(' '), type: 'statuses' },
        ]);
      }
    }
    for (const [key, path, params] of timelines) {
      const since = cursor[key];
      const got = await readTimeline(ctx, o, path, params, since, input.backfillSince);
      for (const s of got) byUri.set((s.reblog ?? s).uri, s);
      const newest = got.reduce<string | undefined>(
        (m, s) => (m === undefined || newer(s.id, m) ? s.id : m),
        since,
      );
      if (newest) cursor[key] = newest;
    }
    return { items: [...byUri.values()], cursor };
  },

  normalize(status, o): Mention | null {
    // A boost carries the boosted post: the mention is the original.
    const s = status.reblog ?? status;
    const text = toText(s.spoiler_text ? `${s.spoiler_text} ${s.content}` : s.content);
    if (!text) return null;
    // Fields set after, not spread in: a spread makes an object for each status and each field.
    const author: Author = { handle: s.account.acct };
    if (typeof s.account.followers_count === 'number') author.followers = s.account.followers_count;
    const metrics: Metrics = {
      likes: s.favourites_count ?? 0,
      reposts: s.reblogs_count ?? 0,
      replies: s.replies_count ?? 0,
    };
    if (typeof s.quotes_count === 'number') metrics.quotes = s.quotes_count;
    const m: Mention = {
      // The instance's own id, so that the post can be read again there (engagement refresh).
      id: `mastodon:${hostOf(o.instance)}/${s.id}`,
      source: 'mastodon',
      url: s.url ?? s.uri,
      text,
      createdAt: new Date(s.created_at),
      author,
      metrics,
    };
    if (s.language) m.lang = s.language;
    return m;
  },

  /** One call per status (Mastodon has no batch read): at most 40 a round, the newest first. */
  async refresh(ctx, o, ids) {
    const host = hostOf(o.instance);
    const local = ids.filter((id) => id.startsWith(`mastodon:${host}/`)).slice(0, 40);
    const out: MastodonStatus[] = [];
    for (const id of local) {
      try {
        const { body } = await getJson(
          ctx,
          'mastodon',
          `${o.instance.replace(/\/$/, '')}/api/v1/statuses/${id.slice(id.lastIndexOf('/') + 1)}`,
          {
            ...(o.token ? { headers: { Authorization: `Bearer ${o.token}` } } : {}),
            paceKey: paceKeyOf(o),
            paceMs: o.pace_ms,
            limits: LIMITS,
          },
        );
        const st = statusSchema.safeParse(body);
        if (st.success) out.push(st.data);
      } catch (err) {
        // A deleted post is a 404: it has no new reading, the others still do.
        if (!(err instanceof SourceResponseError && err.message.includes('404'))) throw err;
      }
    }
    return out;
  },

  async check(ctx, o) {
    await getJson(ctx, 'mastodon', `${o.instance.replace(/\/$/, '')}/api/v1/instance`, {
      ...(o.token ? { headers: { Authorization: `Bearer ${o.token}` } } : {}),
    });
  },
};

/**
 * New statuses of one timeline: forward from the last id seen (`min_id`), or on a first poll
 * backward from the newest until the backfill window.
 */
async function readTimeline(
  ctx: SourceContext,
  o: MastodonOptions,
  path: string,
  params: Record<string, string>,
  since: string | undefined,
  backfillSince: Date,
): Promise<MastodonStatus[]> {
  const out: MastodonStatus[] = [];
  let minId = since;
  let maxId: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { body } = await getJson(ctx, 'mastodon', `${o.instance.replace(/\/$/, '')}${path}`, {
      params: {
        ...params,
        limit: PER_PAGE,
        ...(minId ? { min_id: minId } : {}),
        ...(maxId ? { max_id: maxId } : {}),
      },
      ...(o.token ? { headers: { Authorization: `Bearer ${o.token}` } } : {}),
      paceKey: paceKeyOf(o),
      paceMs: o.pace_ms,
      limits: LIMITS,
    });
    const list = Array.isArray(body) ? body : (body as { statuses?: unknown } | null)?.statuses;
    if (!Array.isArray(list))
      throw new SourceResponseError(
        'mastodon',
        `unexpected answer from ${o.instance}${path}: no list of statuses`,
      );
    const statuses: MastodonStatus[] = [];
    for (const raw of list) {
      const r = statusSchema.safeParse(raw);
      if (r.success) statuses.push(r.data);
      else
        ctx.log.warn(
          { source: 'mastodon' },
          `skipped a status that could not be read: ${r.error.issues[0]?.message ?? ''}`,
        );
    }
    if (statuses.length === 0) break;
    if (since) {
      out.push(...statuses);
      // min_id pages forward: the next page starts after the newest of this one.
      minId = statuses.reduce((m, s) => (newer(s.id, m) ? s.id : m), minId as string);
      if (statuses.length < PER_PAGE) break;
    } else {
      const recent = statuses.filter((s) => Date.parse(s.created_at) >= backfillSince.getTime());
      out.push(...recent);
      if (recent.length < statuses.length || statuses.length < PER_PAGE) break;
      maxId = statuses.reduce((m, s) => (newer(m, s.id) ? s.id : m), statuses[0]?.id as string);
    }
  }
  return out;
}
