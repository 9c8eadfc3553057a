import { z } from 'zod';
import { unixSeconds } from './dates.ts';
import { SourceResponseError } from '../errors.ts';
import { searchPlan } from '../query.ts';
import type { Mention } from '../types.ts';
import { getJson } from './http.ts';
import { toText } from './text.ts';
import type { Source, SourceContext } from './types.ts';

const options = z.object({
  /** Stories, comments, or both. */
  tags: z
    .array(z.enum(['story', 'comment']))
    .min(1)
    .default(['story', 'comment']),
  /** For tests and proxies; the public API by default. */
  api_url: z.url().default('https://hn.algolia.com/api/v1'),
  /** Least time between two calls, shared by every brand: Algolia allows 10,000 an hour per IP. */
  pace_ms: z.number().int().min(0).default(400),
});
type HnOptions = z.infer<typeof options>;

/** An Algolia hit (sources-reference §4.3): objectID is a string, other ids are numbers. */
const hitSchema = z.object({
  objectID: z.string(),
  author: z.string().nullish(),
  title: z.string().nullish(),
  url: z.string().nullish(),
  story_text: z.string().nullish(),
  comment_text: z.string().nullish(),
  story_title: z.string().nullish(),
  story_id: z.number().nullish(),
  points: z.number().nullish(),
  num_comments: z.number().nullish(),
  created_at_i: unixSeconds,
  _tags: z.array(z.string()).default([]),
});
export type HnHit = z.infer<typeof hitSchema>;
const pageSchema = z.object({ hits: z.array(z.unknown()), nbPages: z.number(), page: z.number() });

/** The newest second seen, and the ids seen in it (several hits can share a second). */
export interface HnCursor {
  since: number;
  ids: string[];
}

/** A backfill's place: which alternative of the query, the window's end (unix s), and its page. */
export interface HnPosition {
  alt: number;
  before: number;
  page: number;
}

// Algolia serves at most 1,000 hits a query (50 pages of 20, or 10 of 100).
const PER_PAGE = 100;
const MAX_PAGES = 10;

export const hackernews: Source<HnOptions, HnHit, HnCursor, HnPosition> = {
  id: 'hackernews',
  description: 'Hacker News stories and comments, through the Algolia search API. No key.',
  options,
  credentials: [],

  async poll(ctx, input) {
    const since = input.cursor?.since ?? Math.floor(input.backfillSince.getTime() / 1000);
    const seenAtSince = new Set(input.cursor?.ids ?? []);
    const byId = new Map<string, HnHit>();
    const plan = searchPlan(input.brand.query);
    if (plan.some((alt) => alt.length === 0)) {
      throw new SourceResponseError(
        'hackernews',
        `the query of ${input.brand.name} has no word to search for`,
      );
    }
    for (const alt of plan) {
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await searchPage(ctx, input.options, alt, `created_at_i>=${since}`, page);
        for (const h of res.hits) {
          if (h.created_at_i === since && seenAtSince.has(h.objectID)) continue;
          byId.set(h.objectID, h);
        }
        if (page + 1 >= res.nbPages) break;
      }
    }
    const items = [...byId.values()];
    const newest = items.reduce((m, h) => Math.max(m, h.created_at_i), since);
    const idsAtNewest = items.filter((h) => h.created_at_i === newest).map((h) => h.objectID);
    const cursor = { since: newest, ids: newest === since ? [...seenAtSince, ...idsAtNewest] : idsAtNewest };
    return { items, cursor };
  },

  async backfill(ctx, input) {
    const plan = searchPlan(input.brand.query).filter((alt) => alt.length > 0);
    const since = Math.floor(input.since.getTime() / 1000);
    const until = Math.ceil(input.until.getTime() / 1000);
    const at = input.position ?? { alt: 0, before: until, page: 0 };
    const alt = plan[at.alt];
    if (!alt) return { items: [], next: null };
    const filter = `created_at_i>=${since},created_at_i<${at.before}`;
    const res = await searchPage(ctx, input.options, alt, filter, at.page);
    const nextAlt = at.alt + 1 < plan.length ? { alt: at.alt + 1, before: until, page: 0 } : null;
    let next: HnPosition | null;
    if (at.page + 1 < res.nbPages && at.page + 1 < MAX_PAGES) next = { ...at, page: at.page + 1 };
    else if (at.page + 1 < res.nbPages) {
      // Past Algolia's 1,000 hits: a new window ending at the oldest second read, that second
      // included (its hits may straddle the pages; those read again are stored once).
      const oldest = res.hits.reduce((m, h) => Math.min(m, h.created_at_i), at.before);
      next = { alt: at.alt, before: Math.min(oldest + 1, at.before - 1), page: 0 };
    } else next = nextAlt;
    return { items: res.hits, next };
  },

  normalize(h): Mention | null {
    const isComment = h._tags.includes('comment');
    const body = toText((isComment ? h.comment_text : h.story_text) ?? '');
    const title = isComment ? '' : (h.title ?? '');
    const text = [title, body].filter(Boolean).join(' — ');
    if (!text) return null;
    const mention: Mention = {
      id: `hn:${h.objectID}`,
      source: 'hackernews',
      url: `https://news.ycombinator.com/item?id=${h.objectID}`,
      text,
      createdAt: new Date(h.created_at_i * 1000),
      metrics: {
        ...(typeof h.points === 'number' ? { score: h.points } : {}),
        ...(typeof h.num_comments === 'number' ? { replies: h.num_comments } : {}),
      },
      ...(h.author ? { author: { handle: h.author } } : {}),
    };
    if (title) mention.title = title;
    else if (h.story_title) mention.title = `Re: ${h.story_title}`;
    return mention;
  },

  /** Stories' points and comment counts, 100 stories a call (`story_ID` tags OR-ed). */
  async refresh(ctx, o, ids) {
    const out: HnHit[] = [];
    const stories = ids.map((id) => id.replace(/^hn:/, ''));
    for (let i = 0; i < stories.length; i += 100) {
      const group = stories.slice(i, i + 100).map((id) => `story_${id}`);
      const { body } = await getJson(ctx, 'hackernews', `${o.api_url}/search`, {
        params: { tags: `story,(${group.join(',')})`, hitsPerPage: 100 },
        paceKey: o.api_url,
        paceMs: o.pace_ms,
      });
      const parsed = pageSchema.safeParse(body);
      if (!parsed.success) throw new SourceResponseError('hackernews', 'unexpected answer: no hits');
      for (const raw of parsed.data.hits) {
        const h = hitSchema.safeParse(raw);
        if (h.success) out.push(h.data);
      }
    }
    return out;
  },

  async check(ctx, opts) {
    await getJson(ctx, 'hackernews', `${opts.api_url}/search_by_date`, {
      params: { query: 'test', hitsPerPage: 1 },
    });
  },
};

/** One page of search_by_date for one alternative of the query, newest first. */
async function searchPage(
  ctx: SourceContext,
  o: HnOptions,
  alt: string[],
  numericFilters: string,
  page: number,
): Promise<{ hits: HnHit[]; nbPages: number }> {
  const { body } = await getJson(ctx, 'hackernews', `${o.api_url}/search_by_date`, {
    paceKey: o.api_url,
    paceMs: o.pace_ms,
    params: {
      query: alt.map((t) => t.replace(/\*$/, '')).join(' '),
      tags: `(${o.tags.join(',')})`,
      numericFilters,
      hitsPerPage: PER_PAGE,
      page,
    },
  });
  const parsed = pageSchema.safeParse(body);
  if (!parsed.success)
    throw new SourceResponseError(
      'hackernews',
      `unexpected answer: ${parsed.error.issues[0]?.message ?? 'no hits'}`,
    );
  const hits: HnHit[] = [];
  for (const raw of parsed.data.hits) {
    const hit = hitSchema.safeParse(raw);
    if (hit.success) hits.push(hit.data);
    else
      ctx.log.warn(
        { source: 'hackernews' },
        `skipped a hit that could not be read: ${hit.error.issues[0]?.message ?? ''}`,
      );
  }
  return { hits, nbPages: parsed.data.nbPages };
}
