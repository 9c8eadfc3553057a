import readline from 'node:readline';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lineBatches } from '../../src/commands/analyze.ts';

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
