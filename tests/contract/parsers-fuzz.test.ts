import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { SourceResponseError } from '../../src/errors.ts';
import { createHttp } from '../../src/sources/http.ts';
import { sources } from '../../src/sources/index.ts';
import type { AnySource, SourceContext } from '../../src/sources/types.ts';
import type { Mention } from '../../src/types.ts';
import { sourceFakes, type SourceFake } from './source-fakes.ts';
import { recordAnswers } from '../fakes/listen.ts';

/**
 * Every source's parsing, fed thousands of answers made from the documented ones its fake serves:
 * fields dropped, types changed, nulls, huge numbers, wrong nesting, truncated JSON, bodies that are
 * not JSON at all. Whatever comes, poll() either returns items that normalize into valid mentions
 * (or null) and a cursor that survives JSON, or throws a SourceResponseError naming the source.
 * A TypeError, or any other error, escaping is a failure.
 */

const RUNS_MUTATED = Number(process.env.EARSHOT_FUZZ_RUNS ?? 300);
const RUNS_GARBAGE = Math.ceil(RUNS_MUTATED / 3);

const json = { 'content-type': 'application/json' };

// ---- mutations of a JSON value ----

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];
const DROP = Symbol('drop');
/** The old value put one level deeper: `[old]` or `{ value: old }`. */
class Wrap {
  constructor(readonly as: 'array' | 'object') {}
}
type Replacement = Json | typeof DROP | Wrap;

/** Every place in `v` a mutation can hit, the root included. */
function pathsOf(v: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
  return out;
}

function mutate(root: Json, path: Path, r: Replacement): Json {
  if (path.length === 0) return r === DROP ? null : wrapOr(root, r);
  const copy = structuredClone(root);
  let parent: Json = copy;
  for (const k of path.slice(0, -1)) {
    const next = (parent as Record<string | number, Json> | null)?.[k];
    if (next === undefined || next === null || typeof next !== 'object') return copy;
    parent = next;
  }
  const key = path.at(-1)!;
  if (parent === null || typeof parent !== 'object') return copy;
  const holder = parent as Record<string | number, Json>;
  if (!(key in holder)) return copy;
  if (r === DROP) {
    if (Array.isArray(holder)) holder.splice(key as number, 1);
    else delete holder[key];
  } else holder[key] = wrapOr(holder[key]!, r);
  return copy;
}

const wrapOr = (old: Json, r: Json | Wrap): Json =>
  r instanceof Wrap ? (r.as === 'array' ? [old] : { value: old }) : r;

const replacement: fc.Arbitrary<Replacement> = fc.oneof(
  fc.constant(DROP),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e308, -1e308, 2 ** 64, -1, 0, 8.64e15 + 1),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', 'not a date', '2024-13-45T99:99:99Z', '9'.repeat(400), '<b>', '\u0000'),
  fc.constantFrom<Json>([], {}, [null], { '': null }),
  fc.constantFrom(new Wrap('array'), new Wrap('object')),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** 1 to 4 mutations of the seed, each at a path picked among the seed's. */
function mutatedJson(seed: Json): fc.Arbitrary<string> {
  const paths = pathsOf(seed);
  return fc
    .array(fc.tuple(fc.nat({ max: paths.length - 1 }), replacement), { minLength: 1, maxLength: 4 })
    .map((ops) => JSON.stringify(ops.reduce((v, [i, r]) => mutate(v, paths[i]!, r), seed)) ?? 'null');
}

/** Text-level damage for XML (and JSON): truncated, a slice cut out, junk inserted. */
function damagedText(seed: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: seed.length });
  return fc.oneof(
    at.map((n) => seed.slice(0, n)),
    fc.tuple(at, at).map(([a, b]) => seed.slice(0, Math.min(a, b)) + seed.slice(Math.max(a, b))),
    fc
      .tuple(at, fc.constantFrom('<', '>', '&', '&bogus;', ']]>', '<item>', '</channel>', '"', '\u0000', '{'))
      .map(([n, junk]) => seed.slice(0, n) + junk + seed.slice(n)),
    fc.tuple(at, fc.string({ maxLength: 30 })).map(([n, s]) => seed.slice(0, n) + s + seed.slice(n)),
  );
}

/** Bodies that are not the API's at all. */
const garbage: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '',
    'null',
    '[]',
    '{}',
    '0',
    '"x"',
    'true',
    '<html><body>Bad gateway</body></html>',
    '\ufeff{}',
  ),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);

// ---- what every answer must come to ----

function expectValidMention(m: Mention, id: string): void {
  expect(typeof m.id, 'id').toBe('string');
  expect(m.source).toBe(id);
  expect(typeof m.text === 'string' && m.text.length > 0, `text ${String(m.text)}`).toBe(true);
  expect(m.createdAt instanceof Date && Number.isFinite(m.createdAt.getTime()), `createdAt of ${m.id}`).toBe(
    true,
  );
  if (m.url !== undefined) expect(typeof m.url, 'url').toBe('string');
  if (m.title !== undefined) expect(typeof m.title, 'title').toBe('string');
  if (m.answeredAt !== undefined) expect(Number.isFinite(m.answeredAt.getTime()), 'answeredAt').toBe(true);
  for (const [k, v] of Object.entries(m.metrics))
    expect(typeof v === 'number' && Number.isFinite(v), `metrics.${k} = ${String(v)}`).toBe(true);
  if (m.author) {
    expect(typeof m.author.handle, 'author.handle').toBe('string');
    if (m.author.followers !== undefined)
      expect(Number.isFinite(m.author.followers), 'author.followers').toBe(true);
  }
}

describe.each(Object.entries(sources) as [keyof typeof sources, AnySource][])(
  'parser fuzz: %s',
  (key, source) => {
    let rig: SourceFake;
    let seed: string;
    const clock = new ManualClock(Date.now());
    const ctx: SourceContext = {
      http: createHttp({ timeoutMs: 2_000, userAgent: 'earshot-test' }),
      clock,
      log: pino({ level: 'silent' }),
      env: {},
    };
    const options = () => source.options.parse(rig.options()) as unknown;
    const poll = () =>
      source.poll(ctx, {
        brand: { name: 'acme', query: 'acme' },
        options: options(),
        cursor: null,
        backfillSince: new Date(Date.now() - 86_400_000),
      });

    beforeAll(async () => {
      rig = await sourceFakes[key]();
      const recorded = recordAnswers();
      // A real poll first: the fake's documented answer is the seed (and any sign-in is done).
      const first = await poll();
      expect(first.items.length).toBeGreaterThan(0);
      recorded.stop();
      seed = rig.seed ? await rig.seed() : recorded.bodies[0]!;
      expect(seed.length).toBeGreaterThan(10);
    });
    afterAll(() => rig.close());

    /** One answer through poll and normalize: a named error or a valid result, nothing else. */
    async function holds(body: string): Promise<void> {
      rig.fail(200, body, rig.xml ? undefined : json);
      let res;
      try {
        res = await poll();
      } catch (err) {
        if (!(err instanceof SourceResponseError)) throw err;
        expect(err.message.startsWith(`${key}: `), err.message).toBe(true);
        return;
      }
      for (const raw of res.items) {
        let m: Mention | null;
        try {
          m = source.normalize(raw, options());
        } catch (err) {
          if (!(err instanceof SourceResponseError)) throw err;
          expect(err.message.startsWith(`${key}: `), err.message).toBe(true);
          continue;
        }
        if (m) expectValidMention(m, key);
      }
      // The cursor is stored as JSON: NaN or Infinity in it would come back as null.
      expect(JSON.parse(JSON.stringify(res.cursor ?? null))).toEqual(res.cursor ?? null);
    }

    it('survives mutations of its documented answer', async () => {
      const body = rig.xml ? damagedText(seed) : mutatedJson(JSON.parse(seed) as Json);
      await fc.assert(fc.asyncProperty(body, holds), { numRuns: RUNS_MUTATED });
    });

    it('survives truncated and damaged text, and bodies that are not its answer at all', async () => {
      await fc.assert(fc.asyncProperty(fc.oneof(damagedText(seed), garbage), holds), {
        numRuns: RUNS_GARBAGE,
      });
    });
  },
);
