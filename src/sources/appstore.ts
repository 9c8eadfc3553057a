import { z } from 'zod';
import { SourceResponseError } from '../errors.ts';
import type { Mention } from '../types.ts';
import { dateString } from './dates.ts';
import { getJson } from './http.ts';
import type { Source, SourceContext } from './types.ts';

const options = z.object({
  /** App Store app ids (the digits in the app's URL) and the storefronts to read. */
  apps: z
    .array(
      z.object({
        id: z.string().regex(/^\d+$/, 'an App Store app id is digits only'),
        countries: z
          .array(z.string().regex(/^[a-z]{2}$/, 'a two-letter storefront code such as us or gb'))
          .min(1)
          .default(['us']),
      }),
    )
    .min(1),
  /** For tests and proxies; Apple's feed by default. */
  api_url: z.url().default('https://itunes.apple.com'),
  /** Least time between two calls to Apple, shared by every brand (Apple publishes no limit). */
  pace_ms: z.number().int().min(0).default(1_000),
});
type AppStoreOptions = z.infer<typeof options>;

export interface AppStoreReview {
  app: string;
  country: string;
  id: string;
  author: string;
  title: string;
  content: string;
  rating: number;
  votes: number;
  version?: string;
  updated?: string;
  link?: string;
}

/** Per app and storefront, the review ids already seen (the feed has no cursor of its own). */
export type AppStoreCursor = Record<string, string[]>;

// Apple serves 10 pages of about 50 reviews, most recent first; page 11 is a 400 (§7).
const MAX_PAGES = 10;
const SEEN_KEPT = 1_000;

const label = z.object({ label: z.string() }).optional();
const entrySchema = z.object({
  id: z.object({ label: z.string() }),
  author: z.object({ name: label }).optional(),
  title: label,
  content: label,
  'im:rating': label,
  'im:voteSum': label,
  'im:version': label,
  updated: z.object({ label: dateString }).optional(),
  link: z.object({ attributes: z.object({ href: z.string().optional() }).optional() }).optional(),
});
const feedSchema = z.object({
  feed: z.object({
    entry: z.union([z.array(z.unknown()), z.unknown()]).optional(),
    link: z.union([z.array(z.unknown()), z.unknown()]).optional(),
  }),
});

export const appstore: Source<AppStoreOptions, AppStoreReview, AppStoreCursor> = {
  id: 'appstore',
  description: 'App Store customer reviews of your apps, with star ratings, per storefront. No key.',
  options,
  scoped: true,
  credentials: [],

  async poll(ctx, input) {
    const cursor: AppStoreCursor = { ...(input.cursor ?? {}) };
    const items: AppStoreReview[] = [];
    for (const app of input.options.apps) {
      for (const country of app.countries) {
        const key = `${country}/${app.id}`;
        const seen = new Set(cursor[key] ?? []);
        const fresh = await readApp(
          ctx,
          input.options,
          app.id,
          country,
          seen,
          input.cursor?.[key] ? null : input.backfillSince,
        );
        items.push(...fresh);
        cursor[key] = [...fresh.map((r) => r.id), ...(cursor[key] ?? [])].slice(0, SEEN_KEPT);
      }
    }
    return { items, cursor };
  },

  normalize(r): Mention | null {
    const text = [r.title, r.content].filter(Boolean).join(' — ');
    if (!text) return null;
    const m: Mention = {
      id: `appstore:${r.id}`,
      source: 'appstore',
      text,
      createdAt: r.updated ? new Date(r.updated) : new Date(),
      author: { handle: r.author || 'anonymous' },
      metrics: { stars: r.rating, ...(r.votes ? { likes: r.votes } : {}) },
    };
    if (r.title) m.title = r.title;
    m.url = r.link ?? `https://apps.apple.com/${r.country}/app/id${r.app}?see-all=reviews`;
    return m;
  },

  async check(ctx, opts) {
    const app = opts.apps[0];
    if (app) await getJson(ctx, 'appstore', pageUrl(opts.api_url, app.countries[0] ?? 'us', app.id, 1));
  },
};

function pageUrl(base: string, country: string, app: string, page: number): string {
  return `${base}/${country}/rss/customerreviews/page=${page}/id=${app}/sortby=mostrecent/json`;
}

/** Reads pages until one holds nothing new (or older than the backfill window), at most 10. */
async function readApp(
  ctx: SourceContext,
  o: AppStoreOptions,
  app: string,
  country: string,
  seen: Set<string>,
  backfillSince: Date | null,
): Promise<AppStoreReview[]> {
  const out: AppStoreReview[] = [];
  let lastPage = MAX_PAGES;
  for (let page = 1; page <= Math.min(lastPage, MAX_PAGES); page++) {
    let reviews = await readPage(ctx, o, app, country, page);
    // Apple sometimes answers an empty page that is not empty: one more try before believing it.
    if (reviews.entries.length === 0 && page <= reviews.lastPage)
      reviews = await readPage(ctx, o, app, country, page);
    lastPage = reviews.lastPage;
    if (reviews.entries.length === 0) break;
    const fresh = reviews.entries.filter(
      (r) =>
        !seen.has(r.id) && !(backfillSince && r.updated && Date.parse(r.updated) < backfillSince.getTime()),
    );
    out.push(...fresh);
    if (fresh.length < reviews.entries.length) break;
  }
  return out;
}

async function readPage(
  ctx: SourceContext,
  o: AppStoreOptions,
  app: string,
  country: string,
  page: number,
): Promise<{ entries: AppStoreReview[]; lastPage: number }> {
  const url = pageUrl(o.api_url, country, app, page);
  const { body } = await getJson(ctx, 'appstore', url, { paceKey: o.api_url, paceMs: o.pace_ms });
  const parsed = feedSchema.safeParse(body);
  if (!parsed.success)
    throw new SourceResponseError('appstore', `unexpected answer for app ${app} (${country}): no feed`);
  const { entry, link } = parsed.data.feed;
  // One review comes as an object, none as no key at all (§7).
  const raw = entry === undefined ? [] : Array.isArray(entry) ? entry : [entry];
  const entries: AppStoreReview[] = [];
  for (const e of raw) {
    const r = entrySchema.safeParse(e);
    // The app's own metadata entry (older feeds) has no rating: not a review.
    if (!r.success || !r.data['im:rating']) continue;
    const d = r.data;
    const rating = Number(d['im:rating']?.label);
    if (!Number.isFinite(rating)) continue;
    const votes = Number(d['im:voteSum']?.label ?? 0);
    const review: AppStoreReview = {
      app,
      country,
      id: d.id.label,
      author: d.author?.name?.label ?? '',
      title: d.title?.label ?? '',
      content: d.content?.label ?? '',
      rating,
      votes: Number.isFinite(votes) ? votes : 0,
    };
    if (d['im:version']) review.version = d['im:version'].label;
    if (d.updated) review.updated = d.updated.label;
    if (d.link?.attributes?.href) review.link = d.link.attributes.href;
    entries.push(review);
  }
  return { entries, lastPage: lastPageOf(link) };
}

function lastPageOf(link: unknown): number {
  const links = Array.isArray(link) ? link : link ? [link] : [];
  for (const l of links) {
    const attrs = (l as { attributes?: { rel?: unknown; href?: unknown } } | null)?.attributes;
    const m = attrs?.rel === 'last' && typeof attrs.href === 'string' ? /page=(\d+)/.exec(attrs.href) : null;
    if (m) return Number(m[1]);
  }
  return 1;
}
