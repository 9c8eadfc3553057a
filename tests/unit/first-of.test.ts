import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstOf } from '../../src/replay/memory-series.ts';

describe('firstOf', () => {
  it('gives what sorting everything and taking the first k gives', () => {
    // Scores with many ties, broken by position: a total order, as virality then insertion is.
    const item = fc.record({ score: fc.integer({ min: 0, max: 5 }), seq: fc.integer() });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 200 }), fc.integer({ min: 0, max: 60 }), (raw, k) => {
        const items = raw.map((r, i) => ({ ...r, seq: i }));
        const cmp = (a: (typeof items)[0], b: (typeof items)[0]) => b.score - a.score || b.seq - a.seq;
        expect(firstOf(items, k, cmp)).toEqual([...items].sort(cmp).slice(0, k));
      }),
      { numRuns: 500 },
    );
  });
});
