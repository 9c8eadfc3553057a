import { describe, expect, it } from 'vitest';
import { detectIntents, RULES } from '../../src/analysis/intents.ts';
import type { Intent, Sentiment } from '../../src/types.ts';

/** detectIntents as it was before the gate: every pattern run on every text. */
function everyPattern(text: string, sentiment: Sentiment): Intent[] {
  const out: Intent[] = [];
  const lower = text.toLowerCase();
  for (const rule of RULES) {
    let hits = 0;
    for (const p of rule.patterns) if (p.test(lower)) hits++;
    if (hits === 0) continue;
    let c = rule.base + 0.15 * (hits - 1);
    if (rule.name === 'complaint')
      c += sentiment.label === 'negative' ? 0.2 : sentiment.label === 'positive' ? -0.3 : 0;
    if (rule.name === 'praise')
      c += sentiment.label === 'positive' ? 0.2 : sentiment.label === 'negative' ? -0.4 : 0;
    if (c > 0.2) out.push({ name: rule.name, confidence: Math.round(Math.min(0.99, c) * 100) / 100 });
  }
  if (!out.some((i) => i.name === 'complaint') && sentiment.score <= -0.5)
    out.push({ name: 'complaint', confidence: 0.5 });
  return out.sort((a, b) => b.confidence - a.confidence);
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('intents: patterns skipped by the first letters of words', () => {
  // The rules' own words, cut and glued to other characters, so that near misses are tried too.
  const words = [
    ...new Set(RULES.flatMap((r) => r.patterns.flatMap((p) => p.source.match(/[a-z']+/g) ?? []))),
  ];
  const glue = [' ', ' ', ' ', '', '#', '?', '? ', '!', '.', '_', '1', '-', "'", '\n', 'é', 'İ', 'X', 'ß'];

  it('finds what running every pattern finds, on 20,000 texts made of the rules’ words', () => {
    const next = random(11);
    const tones: Sentiment[] = [
      { label: 'negative', score: -0.7 },
      { label: 'neutral', score: 0 },
      { label: 'positive', score: 0.6 },
    ];
    let found = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const parts = 1 + Math.floor(next() * 8);
      for (let k = 0; k < parts; k++) {
        let w = words[Math.floor(next() * words.length)]!;
        if (next() < 0.2) w = w.slice(Math.floor(next() * 2));
        if (next() < 0.2) w = w.toUpperCase();
        text += w + glue[Math.floor(next() * glue.length)]!;
      }
      const tone = tones[n % 3]!;
      const want = everyPattern(text, tone);
      if (want.length > 0) found++;
      expect(detectIntents(text, tone), text).toEqual(want);
    }
    // The texts must reach the rules, or the comparison says nothing.
    expect(found).toBeGreaterThan(5_000);
  });

  it('on posts a brand gets', () => {
    const tone: Sentiment = { label: 'neutral', score: 0 };
    for (const text of [
      'Why is my flight delayed AGAIN? #DeleteUber',
      'foo#deleteapp now',
      'How much is the new phone',
      'RT this please, caught on camera: staff dragged a passenger',
      'they were so rude, racist and I will sue',
      'Thank you!!! best service ever',
      'nothing to see here',
      'x?',
    ])
      expect(detectIntents(text, tone), text).toEqual(everyPattern(text, tone));
  });
});
