// The compact near-duplicate index must answer exactly as the one it replaced (kept in
// tests/helpers/near-duplicates-reference.ts): the same group and similarity for every text, in
// every stream, at every capacity. `analyze`'s `duplicate_of` and the daemon's copies come from it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  NearDuplicates,
  signature,
  similarity,
  wordHashes,
  wordsOf,
} from '../../src/analysis/near-duplicates.ts';
import { simulateAll, SCENARIO_KINDS, type ScenarioKind } from '../../src/simulate/index.ts';
import { Random } from '../../src/simulate/random.ts';
import { EVERYDAY, STORIES } from '../../src/simulate/texts.ts';
import { ReferenceNearDuplicates } from '../helpers/near-duplicates-reference.ts';

interface Item {
  id: string;
  text: string;
}

interface Outcome {
  /** Texts that joined an earlier group. */
  copies: number;
  /** Texts indexed as the first of a group. */
  originals: number;
}

/** Feeds both indexes the stream and requires the same answer at every step. */
function compare(stream: readonly Item[], threshold: number, capacity: number): Outcome {
  const ref = new ReferenceNearDuplicates(threshold, capacity);
  const compact = new NearDuplicates(threshold, capacity);
  const outcome = { copies: 0, originals: 0 };
  stream.forEach(({ id, text }, i) => {
    const want = ref.add(id, text);
    const got = compact.add(id, text);
    if (got.group !== want.group || got.similarity !== want.similarity)
      expect.fail(
        `text ${i} (${JSON.stringify(text)}, threshold ${threshold}, capacity ${capacity}): ` +
          `${JSON.stringify(got)} instead of ${JSON.stringify(want)}`,
      );
    if (want.group === id) outcome.originals++;
    else outcome.copies++;
  });
  return outcome;
}

const START = Date.parse('2026-11-02T00:00:00Z');

/** Each brand's texts in the order replay feeds them (an id seen again is fed again). */
function scenarioStreams(scenario: ScenarioKind, days: number, seed: number, rate?: number): Item[][] {
  const { observations } = simulateAll({
    scenario,
    brands: 2,
    days,
    seed,
    start: START,
    ...(rate ? { rate } : {}),
  });
  const byBrand = new Map<string, Item[]>();
  for (const o of observations) {
    const list = byBrand.get(o.brand) ?? [];
    list.push({ id: o.id, text: o.text });
    byBrand.set(o.brand, list);
  }
  return [...byBrand.values()];
}

const WORDS = 'acme flight refund gate lost bag crew delayed again never great thanks rude staff seat'.split(
  ' ',
);

/** A text changed the ways copies change: words swapped, added, dropped; handles, links, numbers. */
function mutate(text: string, rnd: Random): string {
  const words = text.split(' ');
  const edits = rnd.int(1, 3);
  for (let e = 0; e < edits; e++) {
    const at = rnd.int(0, Math.max(0, words.length - 1));
    const pick = rnd.int(0, 7);
    const word = WORDS[rnd.int(0, WORDS.length - 1)] as string;
    if (pick === 0) words.splice(at, 1, word);
    else if (pick === 1) words.splice(at, 0, word);
    else if (pick === 2 && words.length > 1) words.splice(at, 1);
    else if (pick === 3) words.unshift(`@user${rnd.int(0, 50)}`);
    else if (pick === 4) words.push(`https://t.co/${rnd.int(0, 1e6)}`);
    else if (pick === 5) words.splice(at, 0, String(rnd.int(0, 999)));
    else if (pick === 6) words.splice(0, words.length, ...words.slice(0, Math.max(1, words.length - 3)));
    else words.splice(at, 0, 'RT');
  }
  return words.join(' ');
}

/**
 * Fresh texts, copies and mutations of earlier ones, exact repeats, ids seen before, and texts of
 * no, one or two words (which have other signatures).
 */
function mutationStream(seed: number, n: number): Item[] {
  const rnd = new Random(seed);
  const pool = [
    ...EVERYDAY.negative,
    ...EVERYDAY.neutral,
    ...EVERYDAY.positive,
    ...STORIES.map((s) => s.first),
  ];
  const out: Item[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd.next();
    let text: string;
    if (r < 0.25 || out.length === 0)
      text = (pool[rnd.int(0, pool.length - 1)] as string).replace(/\{\w+\}/g, 'acme');
    else if (r < 0.65) text = mutate((out[rnd.int(0, out.length - 1)] as Item).text, rnd);
    else if (r < 0.75) text = (out[rnd.int(0, out.length - 1)] as Item).text;
    else if (r < 0.8)
      text = ['', 'acme', 'acme rocks', '@acme https://x.co/1', '123 456'][rnd.int(0, 4)] as string;
    else
      text = Array.from({ length: rnd.int(3, 12) }, () => WORDS[rnd.int(0, WORDS.length - 1)] as string).join(
        ' ',
      );
    const id = rnd.chance(0.05) && out.length > 0 ? (out[rnd.int(0, out.length - 1)] as Item).id : `m${i}`;
    out.push({ id, text });
  }
  return out;
}

/**
 * Texts of one template with two slots from a small vocabulary: many share bands without being
 * copies, so buckets have several members, and equally similar twins compete (the order in which
 * the reference met them decides).
 */
function templateStream(seed: number, n: number): Item[] {
  const rnd = new Random(seed);
  const a = ['delayed', 'cancelled', 'diverted', 'overbooked', 'late'];
  const b = ['paris', 'rome', 'oslo', 'lima', 'cairo', 'perth'];
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    text: `my acme flight to ${b[rnd.int(0, b.length - 1)]} was ${a[rnd.int(0, a.length - 1)]} again and nobody told us ${rnd.int(0, 3) === 0 ? 'anything' : 'why'}`,
  }));
}

// Tens of thousands of texts through both indexes: seconds on a busy machine, not the default 5.
describe('the compact near-duplicate index answers as the reference', { timeout: 120_000 }, () => {
  it.each(SCENARIO_KINDS.map((k) => [k]))('on the simulated %s scenario, capacity 50,000 and 300', (kind) => {
    let copies = 0;
    for (const stream of scenarioStreams(kind, 4, 7)) {
      copies += compare(stream, 0.6, 50_000).copies;
      compare(stream, 0.6, 300);
    }
    if (kind === 'outrage') expect(copies).toBeGreaterThan(50);
  });

  it('on the quiet week of a brand with 30 mentions an hour (the one that raised a false shift)', () => {
    for (const stream of scenarioStreams('quiet', 7, 1, 30)) {
      expect(stream.length).toBeGreaterThan(3_000);
      const { copies } = compare(stream, 0.6, 50_000);
      expect(copies).toBeGreaterThan(0);
      compare(stream, 0.6, 1_000);
    }
  });

  it('on random copies and mutations, at every capacity and threshold', () => {
    for (const seed of [1, 2]) {
      const stream = mutationStream(seed, 3_000);
      for (const capacity of [0, 1, 2, 3, 17, 250, 50_000, Number.POSITIVE_INFINITY])
        for (const threshold of [0.6, 0.3, 0.9, 0]) {
          const { copies, originals } = compare(stream, threshold, capacity);
          if (threshold === 0.6 && capacity > 0) expect(copies).toBeGreaterThan(capacity >= 250 ? 500 : 0);
          if (capacity > 0) expect(originals).toBeGreaterThan(0);
        }
    }
  });

  it('on templated texts that share bands, where equally similar twins compete', () => {
    const stream = templateStream(5, 3_000);
    // The stream is meant to have ties: a text with several earlier texts at its best similarity.
    const sigs = stream.slice(0, 200).map((t) => signature(t.text));
    let ties = 0;
    sigs.forEach((s, i) => {
      const sims = sigs.slice(0, i).map((o) => similarity(s, o));
      const top = Math.max(0, ...sims);
      if (top > 0 && sims.filter((x) => x === top).length > 1) ties++;
    });
    expect(ties).toBeGreaterThan(20);
    for (const capacity of [1, 5, 40, 50_000])
      for (const threshold of [0.6, 0.8, 0.95]) compare(stream, threshold, capacity);
  });
});

/** fnv1a, as the signature hashes each word. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

// The signature hashes words found by a scan of ASCII texts; `wordsOf` (its regex) says what they are.
describe('word hashes of the scan are those of the words the regex finds', () => {
  const PIECES = [
    'http',
    'https',
    '://',
    'HTTP://',
    'Https://t.co/x',
    'www',
    'www.',
    'WWW.x',
    '@',
    '@_',
    '@Bob',
    'a',
    'Z',
    'Acme',
    '0',
    '12',
    "'",
    "'http://q",
    ' ',
    '\t',
    '\n',
    '\u000b',
    '.',
    ':',
    '/',
    'httpx',
    'é',
    'İ',
    '😀',
    '\u00a0',
    '٣',
  ];
  const same = (text: string): void => {
    expect([...wordHashes(text)], JSON.stringify(text)).toEqual(wordsOf(text).map(fnv1a));
  };

  it('on texts made of links, handles, numbers, apostrophes, spaces and non-ASCII', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }), (ps) => {
        same(ps.join(''));
      }),
      { numRuns: 5_000 },
    );
  });

  it('on any string', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), same), { numRuns: 5_000 });
  });
});
