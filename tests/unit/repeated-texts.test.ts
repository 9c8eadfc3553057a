import { describe, expect, it } from 'vitest';
import { trainModel } from '../../src/analysis/adapt.ts';
import { analyze } from '../../src/analysis/index.ts';
import { RepeatedTexts } from '../../src/analysis/repeats.ts';
import { scoreSentiment } from '../../src/analysis/sentiment.ts';
import { skateExamples } from '../helpers/skate.ts';

const texts = [
  'Worst service ever, lost my bag and nobody answers. Never again.',
  'Love the new app, checking in took a minute',
  'Is the lounge open on Sundays?',
  'Le service client ne répond jamais, je suis furieux',
  'this deck is sick, the grind was unreal',
];
const plain = (text: string, lang?: string, model?: Parameters<typeof analyze>[1]) => {
  const a = analyze(lang ? { text, lang } : { text }, model);
  return { sentiment: a.sentiment, intents: a.intents, lang: a.lang };
};

describe('analyses of repeated texts', () => {
  it('gives what analyze gives, met once or again, with or without a language and a model', () => {
    const model = trainModel(skateExamples(240), scoreSentiment, { name: 'skate', now: new Date(0) });
    for (const m of [undefined, model]) {
      const repeats = new RepeatedTexts(m, 3);
      for (let round = 0; round < 3; round++)
        for (const text of texts)
          for (const lang of [undefined, 'en', 'fr'])
            expect(repeats.of(text, lang)).toEqual(plain(text, lang, m));
    }
    // The model changes some answer, or the comparison above could not tell models apart.
    expect(texts.some((t) => plain(t, undefined, model).sentiment.score !== plain(t).sentiment.score)).toBe(
      true,
    );
  });

  it('answers a repeat from memory, keeps the newest texts only, and shares frozen answers', () => {
    const repeats = new RepeatedTexts(undefined, 2);
    const first = repeats.of(texts[0] as string);
    expect(repeats.of(texts[0] as string)).toBe(first);
    expect(Object.isFrozen(first.sentiment) && Object.isFrozen(first.intents)).toBe(true);
    expect(() => (first.intents as { name: string }[]).push({ name: 'x' })).toThrow(TypeError);
    // Two generations of two: four other texts push the first one out.
    for (const t of texts.slice(1)) repeats.of(t);
    const again = repeats.of(texts[0] as string);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
