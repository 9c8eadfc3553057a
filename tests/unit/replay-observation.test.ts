import { describe, expect, it } from 'vitest';
import { observationSchema, toObservation, wellFormed } from '../../src/replay/observation.ts';

// replay reads its lines through a hand-written check first and the schema only when that check
// declines: the check may decline anything, but what it accepts must be what the schema gives.

let seed = 11;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 0) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const maybe = <T>(v: T): T | undefined => (rnd() < 0.5 ? v : undefined);

/** Values of every type a JSON line can hold in each field, mostly the right one. */
const odd = [null, 1, -1, 1.5, '', 'x', true, [], {}, Infinity, '2017-04-10T01:12:00Z', 'yesterday'];
const field = <T>(good: () => T): unknown => (rnd() < 0.85 ? good() : pick(odd));

function value(): unknown {
  const v: Record<string, unknown> = {
    id: field(() => pick(['x:1761', 'mastodon:a/1', 'x:18800000000000000001', 42])),
    text: field(() => pick(['acme lost my bag', '', 'ünïcode 🚀'])),
    created_at: field(() => pick(['2017-04-10T01:12:00Z', '2017-04-10', 'Mon, 10 Apr 2017 01:12:00 GMT'])),
    observed_at: maybe(field(() => '2017-04-10T01:15:00Z')),
    source: maybe(field(() => 'x')),
    url: maybe(field(() => 'https://x.com/a/status/1')),
    lang: maybe(field(() => 'en')),
    brand: maybe(field(() => pick(['united', '']))),
    author: maybe(
      field(() => ({
        handle: maybe(field(() => 'sam')),
        followers: maybe(field(() => pick([0, 1200, 3.5]))),
        verified: maybe(field(() => pick([true, false]))),
        extra: maybe('dropped'),
      })),
    ),
    metrics: maybe(
      field(() => {
        const m: Record<string, unknown> = {};
        for (const k of ['likes', 'reposts', 'views', 'constructor', 'toString'])
          if (rnd() < 0.5) m[k] = field(() => pick([0, 3, 250, 1.25]));
        return m;
      }),
    ),
    unknown: maybe('dropped'),
  };
  // As JSON gives it: a line cannot hold `undefined`.
  return JSON.parse(JSON.stringify(v)) as unknown;
}

describe('replay: reading an observation', () => {
  it('accepts only what the schema accepts, and gives what the schema gives', () => {
    let quick = 0;
    let valid = 0;
    for (let i = 0; i < 20_000; i++) {
      const v = value();
      const fast = wellFormed(v);
      const res = observationSchema.safeParse(v);
      if (res.success) valid++;
      if (fast === null) continue;
      quick++;
      expect(res.success, JSON.stringify(v)).toBe(true);
      expect(fast).toStrictEqual(res.data);
      expect(toObservation(v)).toStrictEqual(res.data);
    }
    // The fast path must carry most good lines, or it saves nothing.
    expect(quick).toBeGreaterThan(valid * 0.8);
  });

  it('a "__proto__" metric is the schema\'s business, and read as the schema reads it', () => {
    const v: unknown = JSON.parse(
      '{"id":"x:1","text":"t","created_at":"2017-04-10T01:12:00Z","metrics":{"__proto__":3}}',
    );
    expect(toObservation(v)).toStrictEqual(observationSchema.parse(v));
  });

  it('names the fields of a bad line', () => {
    expect(toObservation({ id: '', text: 3, created_at: 'yesterday' })).toBe(
      'id: Too small: expected string to have >=1 characters; text: Invalid input: expected string, received number; created_at: not a date (use ISO 8601, e.g. 2017-04-10T01:12:00Z)',
    );
  });
});
