import { z } from 'zod';
import { formatPath } from '../errors.ts';

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
  const { id, text, created_at, author, metrics } = value;
  const key = typeof id === 'number' && Number.isInteger(id) && id >= 0 ? String(id) : id;
  if (typeof key !== 'string' || key === '' || typeof text !== 'string' || !isDate(created_at)) return null;
  const out = optionals(value, OPTIONAL, { id: key, text, created_at }) as Observation | null;
  if (!out) return null;
  if (author !== undefined) {
    const a = isObject(author) ? optionals(author, AUTHOR, {}) : null;
    if (!a) return null;
    out.author = a;
  }
  if (metrics !== undefined) {
    if (!isObject(metrics)) return null;
    const m: Record<string, number> = {};
    for (const name of Object.keys(metrics)) {
      const v = metrics[name];
      if (!isCount(v)) return null;
      m[name] = v;
    }
    out.metrics = m;
  }
  return out;
}

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const OPTIONAL: [string, Check][] = [
  ['observed_at', (v) => isDate(v)],
  ['source', isString],
  ['url', isString],
  ['lang', isString],
  ['brand', (v) => typeof v === 'string' && v !== ''],
];
const AUTHOR: [string, Check][] = [
  ['handle', isString],
  ['followers', (v) => isCount(v)],
  ['verified', (v) => typeof v === 'boolean'],
];

/** `into` with the fields of `from` that `fields` name and accept, or null when one is there but refused. */
function optionals(
  from: Record<string, unknown>,
  fields: readonly [string, Check][],
  into: Record<string, unknown>,
): Record<string, unknown> | null {
  for (const [name, ok] of fields) {
    const v = from[name];
    if (v === undefined) continue;
    if (!ok(v)) return null;
    into[name] = v;
  }
  return into;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
