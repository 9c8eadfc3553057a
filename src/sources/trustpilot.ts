import { z } from 'zod';
import { dateString } from './dates.ts';
import { SourceResponseError } from '../errors.ts';
import type { Mention } from '../types.ts';
import { nextSeen, type SeenCursor } from './cursor.ts';
import { getJson } from './http.ts';
import { credentialKey } from './pace.ts';
import type { Source, SourceContext } from './types.ts';

const options = z.object({
  /** A Trustpilot API key (a secret: write ${TRUSTPILOT_API_KEY}). */
  api_key: z.string().min(8),
  /** Business unit ids (from /v1/business-units/find?name=yourdomain.com). */
  business_units: z.array(z.string().min(5)).min(1),
  /** For tests and proxies. */
  api_url: z.url().default('https://api.trustpilot.com'),
  pace_ms: z.number().int().min(0).default(500),
});
type TrustpilotOptions = z.infer<typeof options>;

const reviewSchema = z.object({
  id: z.string(),
  stars: z.number(),
  title: z.string().nullish(),
  text: z.string().nullish(),
  language: z.string().nullish(),
  createdAt: dateString,
  consumer: z.object({ displayName: z.string().nullish() }).nullish(),
  companyReply: z.object({ text: z.string().nullish(), createdAt: dateString.nullish() }).nullish(),
});
export type TrustpilotReview = z.infer<typeof reviewSchema> & { unit: string };
const pageSchema = z.object({ reviews: z.array(z.unknown()) });

/** Per business unit: the newest review time read and the reviews read lately. */
export type TrustpilotCursor = Record<string, SeenCursor<string>>;

const PER_PAGE = 100;
const MAX_PAGES = 5;

export const trustpilot: Source<TrustpilotOptions, TrustpilotReview, TrustpilotCursor> = {
  id: 'trustpilot',
  description:
    'Trustpilot reviews of your business units, with stars and your company replies. Needs an API key.',
  options,
  scoped: true,
  credentials: [],

  async poll(ctx, input) {
    const o = input.options;
    const cursor: TrustpilotCursor = { ...(input.cursor ?? {}) };
    const items: TrustpilotReview[] = [];
    for (const unit of o.business_units) {
      const before = cursor[unit];
      const since = before?.since ?? input.backfillSince.toISOString();
      const seen = new Set(before?.seen ?? []);
      const fresh = (await readUnit(ctx, o, unit, since)).filter((r) => !seen.has(r.id));
      items.push(...fresh);
      cursor[unit] = nextSeen(
        before,
        since,
        fresh.map((r) => ({ id: r.id, at: r.createdAt })),
      );
    }
    return { items, cursor };
  },

  normalize(r): Mention | null {
    const text = [r.title, r.text].filter((s) => s && s.trim()).join(' — ');
    if (!text) return null;
    const m: Mention = {
      id: `trustpilot:${r.id}`,
      source: 'trustpilot',
      url: `https://www.trustpilot.com/reviews/${r.id}`,
      text,
      createdAt: new Date(r.createdAt),
      author: { handle: r.consumer?.displayName ?? 'a customer' },
      metrics: { stars: r.stars },
    };
    if (r.title) m.title = r.title;
    if (r.language) m.lang = r.language;
    if (r.companyReply?.createdAt) m.answeredAt = new Date(r.companyReply.createdAt);
    return m;
  },

  /**
   * Recent reviews read again (new stars, the company's reply): the public API reads reviews by
   * business unit, so its pages are read newest first until every asked review was seen.
   */
  async refresh(ctx, o, ids) {
    const wanted = new Set(ids.filter((id) => id.startsWith('trustpilot:')).map((id) => id.slice(11)));
    const out: TrustpilotReview[] = [];
    for (const unit of o.business_units) {
      if (wanted.size === 0) break;
      await readPages(ctx, o, unit, (r) => {
        if (wanted.delete(r.id)) out.push(r);
        return wanted.size > 0;
      });
    }
    return out;
  },

  async check(ctx, o) {
    await getJson(ctx, 'trustpilot', `${o.api_url}/v1/business-units/${o.business_units[0] ?? ''}`, {
      headers: { apikey: o.api_key },
    });
  },
};

/** Newest first, page by page, until a page reaches what is older than `since`. */
async function readUnit(
  ctx: SourceContext,
  o: TrustpilotOptions,
  unit: string,
  since: string,
): Promise<TrustpilotReview[]> {
  const out: TrustpilotReview[] = [];
  const floor = Date.parse(since);
  await readPages(ctx, o, unit, (r) => {
    if (Date.parse(r.createdAt) < floor) return false;
    out.push(r);
    return true;
  });
  return out;
}

/** Reads the unit's reviews newest first, at most 5 pages, while `take` answers true. */
async function readPages(
  ctx: SourceContext,
  o: TrustpilotOptions,
  unit: string,
  take: (r: TrustpilotReview) => boolean,
): Promise<void> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { body } = await getJson(
      ctx,
      'trustpilot',
      `${o.api_url}/v1/business-units/${encodeURIComponent(unit)}/reviews`,
      {
        params: { page, perPage: PER_PAGE, orderBy: 'createdat.desc' },
        headers: { apikey: o.api_key },
        paceKey: credentialKey(`trustpilot:${o.api_url}`, o.api_key),
        paceMs: o.pace_ms,
      },
    );
    const parsed = pageSchema.safeParse(body);
    if (!parsed.success)
      throw new SourceResponseError('trustpilot', `unexpected answer for business unit ${unit}: no reviews`);
    let more = true;
    for (const raw of parsed.data.reviews) {
      const r = reviewSchema.safeParse(raw);
      if (r.success && !take(Object.assign(r.data, { unit }))) more = false;
    }
    if (!more || parsed.data.reviews.length < PER_PAGE) return;
  }
}
