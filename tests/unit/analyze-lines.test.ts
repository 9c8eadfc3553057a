import readline from 'node:readline';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NearDuplicates } from '../../src/analysis/near-duplicates.ts';
import { analyzeLine, answerJson, lineBatches } from '../../src/commands/analyze.ts';

/** Splits `bytes` into chunks at the given cut points. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

async function viaReadline(chunks: Buffer[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const l of readline.createInterface({ input: Readable.from(chunks), crlfDelay: Infinity }))
    lines.push(l);
  return lines;
}

async function viaBatches(chunks: Buffer[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of lineBatches(Readable.from(chunks))) lines.push(...batch);
  return lines;
}

/** A deterministic pseudo-random sequence (the same cases on every run). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('analyze reads lines as readline does', () => {
  const pieces = ['{"text":"a"}', '\n', '\r\n', '\r', '', ' ', 'é', '😡', 'x\ry', '\n\n', '\r\r\n'];

  it('for line ends of every kind, cut anywhere, multi-byte characters included', async () => {
    const next = random(7);
    for (let n = 0; n < 300; n++) {
      let text = '';
      const parts = 1 + Math.floor(next() * 12);
      for (let k = 0; k < parts; k++) text += pieces[Math.floor(next() * pieces.length)];
      const bytes = Buffer.from(text, 'utf8');
      const cuts = Array.from({ length: Math.floor(next() * 6) }, () =>
        Math.floor(next() * (bytes.length + 1)),
      );
      const chunks = chunked(bytes, cuts);
      expect(await viaBatches(chunks), JSON.stringify({ text, cuts })).toEqual(await viaReadline(chunks));
    }
  });

  it('drops a character cut off at the very end, as readline does', async () => {
    const chunks = [Buffer.from('one\ntwo'), Buffer.from([0xf0, 0x9f])];
    expect(await viaBatches(chunks)).toEqual(await viaReadline(chunks));
  });

  it('takes \\r then \\n in the next chunk as one line end', async () => {
    const chunks = [Buffer.from('a\r'), Buffer.from('\nb\r'), Buffer.from('\n')];
    expect(await viaBatches(chunks)).toEqual(['a', 'b']);
    expect(await viaReadline(chunks)).toEqual(['a', 'b']);
  });
});

// The answer is written by a template; JSON.stringify of the same object says what it must be.
describe('analyze writes each answer as JSON.stringify would', () => {
  const line = fc.record(
    {
      id: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.boolean()),
      text: fc.oneof(
        fc.string(),
        fc.constantFrom(
          'worst airline ever, still waiting for my refund!!! why is this so hard?',
          'thank you @acme, amazing crew 😍 https://t.co/x',
          'el vuelo de la mañana fue muy bueno pero la comida no',
          'Продукт отличный',
          'boycott them, lawsuit coming, the video went viral',
        ),
      ),
      lang: fc.oneof(fc.constantFrom('en', 'es', 'EN-us', 'und', ''), fc.integer()),
      source: fc.constantFrom('x', 'x:search', 'reddit', 'rss', 'nowhere', 'constructor'),
      author: fc.oneof(
        fc.record({
          handle: fc.string(),
          followers: fc.integer({ min: -5, max: 1e9 }),
          verified: fc.boolean(),
        }),
        fc.constant('someone'),
      ),
      metrics: fc.dictionary(
        fc.constantFrom('likes', 'reposts', 'replies', 'quotes', 'views', 'score', 'copies'),
        fc.oneof(fc.double(), fc.integer(), fc.string()),
      ),
      created_at: fc.constantFrom('2026-03-01T12:00:00Z', 'bad', 1772366400000),
      observed_at: fc.constantFrom('2026-03-01T12:30:00Z', '2026-03-01T11:00:00Z', 1772370000000),
    },
    { requiredKeys: ['text'] },
  );

  it('for lines with any fields, explained or not', () => {
    const dups = new NearDuplicates();
    fc.assert(
      fc.property(line, fc.boolean(), (l, explain) => {
        const a = analyzeLine(l, dups, undefined, explain);
        expect(answerJson(a)).toBe(JSON.stringify(a));
      }),
      { numRuns: 3_000 },
    );
  });
});
