import { describe, expect, it } from 'vitest';
import { applyModel, readModel, trainModel } from '../../src/analysis/adapt.ts';
import { analyze } from '../../src/analysis/index.ts';
import { scoreSentiment } from '../../src/analysis/sentiment.ts';
import { skateExamples } from '../helpers/skate.ts';

const label = (t: string) => scoreSentiment(t).label;

describe('a brand’s own sentiment, learned from labelled mentions', () => {
  const model = trainModel(skateExamples(240), scoreSentiment, { name: 'skate', now: new Date(0) });

  it('learns that the slang of its fans is praise, and says which words taught it', () => {
    const text = 'honestly this deck is so sick';
    expect(label(text)).toBe('negative');
    const a = applyModel(model, text, scoreSentiment(text));
    expect(a.label).toBe('positive');
    expect(a.score).toBeGreaterThan(0);
    expect(a.reasons.join(' ')).toMatch(/learned "(so )?sick"/);
    expect(analyze({ text }, model).sentiment.label).toBe('positive');
  });

  it('keeps what the general scorer already knew: complaints and plain news', () => {
    for (const [text, want] of [
      ['the wheels arrived broken, awful quality, worst purchase ever', 'negative'],
      ['my order was lost and nobody replies, never again', 'negative'],
      ['the shop is closed on sunday', 'neutral'],
    ] as const) {
      expect(label(text)).toBe(want);
      expect(applyModel(model, text, scoreSentiment(text)).label).toBe(want);
    }
  });

  it('changes nothing where the examples agree with the general scorer', () => {
    const agreeing = [
      'the crew were lovely, thank you',
      'my bag was lost, awful',
      'boarding at gate 5',
    ].flatMap((text) => Array.from({ length: 20 }, (_, i) => ({ text: `${text} ${i}`, label: label(text) })));
    const m = trainModel(agreeing, scoreSentiment, { name: 'same' });
    for (const t of ['what a wonderful flight', 'they cancelled my flight again', 'the lounge opens at six'])
      expect(applyModel(m, t, scoreSentiment(t)).label).toBe(label(t));
  });

  it('is the same model for the same file, and refuses a file that is not one', () => {
    const again = trainModel(skateExamples(240), scoreSentiment, { name: 'skate', now: new Date(0) });
    expect(again).toEqual(model);
    expect(readModel(JSON.parse(JSON.stringify(model)), 'm.json')).toEqual(model);
    expect(() => readModel({ hello: 1 }, 'm.json')).toThrow(/m.json is not an Earshot sentiment model/);
  });

  it('reads a text whose words are also names of Object properties', () => {
    const loaded = readModel(JSON.parse(JSON.stringify(model)), 'm.json');
    for (const text of ['emit constructor calls', 'toString valueOf hasOwnProperty __proto__ sick']) {
      const general = scoreSentiment(text);
      const a = applyModel(loaded, text, general);
      expect(['negative', 'neutral', 'positive']).toContain(a.label);
      expect(Number.isFinite(a.score)).toBe(true);
    }
  });
});

describe('a model learns words that are also names of Object properties', () => {
  // "constructor" is a word of real posts ("emit constructor calls"); the model's terms used to be a
  // plain object, where it found Object itself: training wrote its weights onto Object and kept none.
  const examples = Array.from({ length: 40 }, (_, i) => ({
    text: i % 2 ? `the constructor set ${i}` : `a constructor kit ${i}`,
    label: 'positive' as const,
  }));

  it('keeps a weight for the word, and writes nothing onto Object', () => {
    const m = trainModel(examples, scoreSentiment, { name: 'builders', now: new Date(0) });
    expect(Object.hasOwn(m.terms, 'constructor')).toBe(true);
    const word: string = 'constructor';
    expect(m.terms[word]?.[2]).toBeGreaterThan(0);
    expect((Object as unknown as Record<number, unknown>)[0]).toBeUndefined();
    expect(({} as Record<number, unknown>)[2]).toBeUndefined();
    const loaded = readModel(JSON.parse(JSON.stringify(m)), 'm.json');
    expect(loaded.terms[word]).toEqual(m.terms[word]);
    const text = 'the constructor';
    expect(applyModel(loaded, text, scoreSentiment(text)).reasons.join(' ')).toMatch(/learned "constructor"/);
  });

  it('loads a model file whose terms name __proto__ as a term of its own', () => {
    const file = JSON.stringify(trainModel(examples, scoreSentiment, { name: 'b', now: new Date(0) }));
    const raw = file.replace('"terms":{', '"terms":{"__proto__":[-3,0,3],');
    const loaded = readModel(JSON.parse(raw), 'old.json');
    expect(Object.getPrototypeOf(loaded.terms)).toBeNull();
    expect(loaded.terms['__proto__']).toEqual([-3, 0, 3]);
    const saved = JSON.parse(JSON.stringify(loaded)) as { terms: Record<string, unknown> };
    expect(saved.terms['__proto__']).toEqual([-3, 0, 3]);
  });
});
