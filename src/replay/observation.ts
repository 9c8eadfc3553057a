import { z } from 'zod';
import { formatPath } from '../config.ts';

/** A line of `earshot replay`'s input (the contract in ../shared/design.md). */
const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a date (use ISO 8601, e.g. 2017-04-10T01:12:00Z)');
const count = z.number().finite().nonnegative();
export const observationSchema = z.object({
  id: z.union([z.string().min(1), z.number().int().nonnegative().transform(String)]),
  text: z.string(),
  created_at: isoDate,
  observed_at: isoDate.optional(),
  source: z.string().optional(),
  url: z.string().optional(),
  lang: z.string().optional(),
  brand: z.string().min(1).optional(),
  author: z
    .object({ handle: z.string().optional(), followers: count.optional(), verified: z.boolean().optional() })
    .optional(),
  metrics: z.record(z.string(), count).optional(),
});
export type Observation = z.infer<typeof observationSchema>;

/** The observation a parsed line holds, or the problems found, named by field. */
export function toObservation(value: unknown): Observation | string {
  const quick = wellFormed(value);
  if (quick) return quick;
  const res = observationSchema.safeParse(value);
  if (res.success) return res.data;
  return res.error.issues.map((i) => `${formatPath(i.path) || 'line'}: ${i.message}`).join('; ');
}

/**
 * What the schema gives for a line it accepts as written, or null to let the schema decide (and
 * word the problems): the schema's parse cost 40 % of reading a line, for lines that are almost
 * always fine. tests/unit/replay-observation.test.ts holds both to the same answers.
 */
export function wellFormed(value: unknown): Observation | null {
  if (!isObject(value)) return null;
  const { id, text, created_at, observed_at, source, url, lang, brand, author, metrics } = value;
  const key = typeof id === 'number' && Number.isInteger(id) && id >= 0 ? String(id) : id;
  if (typeof key !== 'string' || key === '' || typeof text !== 'string' || !isDate(created_at)) return null;
  const out: Observation = { id: key, text, created_at };
  if (observed_at !== undefined) {
    if (!isDate(observed_at)) return null;
    out.observed_at = observed_at;
  }
  if (source !== undefined) {
    if (typeof source !== 'string') return null;
    out.source = source;
  }
  if (url !== undefined) {
    if (typeof url !== 'string') return null;
    out.url = url;
  }
  if (lang !== undefined) {
    if (typeof lang !== 'string') return null;
    out.lang = lang;
  }
  if (brand !== undefined) {
    if (typeof brand !== 'string' || brand === '') return null;
    out.brand = brand;
  }
  if (author !== undefined) {
    if (!isObject(author)) return null;
    const { handle, followers, verified } = author;
    const a: NonNullable<Observation['author']> = {};
    if (handle !== undefined) {
      if (typeof handle !== 'string') return null;
      a.handle = handle;
    }
    if (followers !== undefined) {
      if (!isCount(followers)) return null;
      a.followers = followers;
    }
    if (verified !== undefined) {
      if (typeof verified !== 'boolean') return null;
      a.verified = verified;
    }
    out.author = a;
  }
  if (metrics !== undefined) {
    if (!isObject(metrics)) return null;
    const m: Record<string, number> = {};
    for (const key of Object.keys(metrics)) {
      const v = metrics[key];
      if (!isCount(v)) return null;
      m[key] = v;
    }
    out.metrics = m;
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
