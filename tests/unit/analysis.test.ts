import { describe, expect, it } from 'vitest';
import { analyze, analyzeMention } from '../../src/analysis/index.ts';
import { detectIntents } from '../../src/analysis/intents.ts';
import { detectLanguage } from '../../src/analysis/language.ts';
import { scoreSentiment } from '../../src/analysis/sentiment.ts';
import type { Mention } from '../../src/types.ts';

const label = (t: string) => scoreSentiment(t).label;

describe('sentiment (first scorer)', () => {
  it.each([
    ['The crew were wonderful, thank you!', 'positive'],
    ['Worst airline ever. Never again.', 'negative'],
    ['Flight UA100 boards at gate 5', 'neutral'],
    ['The food was not good', 'negative'],
    ['Not bad at all', 'positive'],
    ['Still waiting for my refund after 3 weeks', 'negative'],
    ['Lovely staff but the delay was awful and nobody helped', 'negative'],
    ['😡😡 my bag is gone', 'negative'],
    ['Landed early :)', 'positive'],
  ])('%s → %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  it('weighs caps, intensifiers and elongation', () => {
    const plain = scoreSentiment('this is bad').score;
    expect(scoreSentiment('this is BAD').score).toBeLessThan(plain);
    expect(scoreSentiment('this is very bad').score).toBeLessThan(plain);
    expect(scoreSentiment('this is baaaad').score).toBeLessThan(plain);
  });

  it('explains itself when asked', () => {
    const r = scoreSentiment('The seats were not comfortable but the crew was great', true);
    expect(r.reasons[0]).toMatch(/^great \+\d/);
    expect(r.reasons.join()).toMatch(/comfortable -?[\d.]+ \(negated\)/);
    expect(scoreSentiment('great').reasons).toEqual([]);
  });

  it('keeps scores within -1..1', () => {
    const worst = scoreSentiment('horrible terrible awful disgusting worst hate '.repeat(20)).score;
    expect(worst).toBeGreaterThanOrEqual(-1);
    expect(worst).toBeLessThan(-0.9);
  });
});

describe('intents', () => {
  const intents = (t: string) => detectIntents(t, scoreSentiment(t)).map((i) => i.name);
  it.each([
    ['Still waiting for my refund, this is unacceptable', 'complaint'],
    ['Does the lounge open before 6am?', 'question'],
    ['Thank you for the amazing service!', 'praise'],
    ['Thinking about switching to your premium plan, how much is it?', 'purchase_intent'],
    ['There was smoke in the cabin, totally unsafe', 'crisis_safety'],
    ['A passenger was injured and taken to hospital', 'crisis_injury'],
    ['Racist staff at the gate', 'crisis_discrimination'],
    ['My lawyer will hear about this, lawsuit coming', 'crisis_legal'],
    ['Boycott them, everyone', 'crisis_boycott'],
    ['This video is going viral', 'crisis_viral'],
  ])('%s → %s', (text, name) => {
    expect(intents(text)).toContain(name);
  });

  it('does not call praise a complaint', () => {
    expect(intents('Great crew, lovely flight')).not.toContain('complaint');
    for (const i of detectIntents(
      'Still waiting, unacceptable and rude',
      scoreSentiment('Still waiting, unacceptable and rude'),
    )) {
      expect(i.confidence).toBeGreaterThan(0);
      expect(i.confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe('language', () => {
  it('prefers what the source reports', () => {
    expect(detectLanguage('anything at all', 'en-GB')).toBe('en');
    expect(detectLanguage('whatever', 'PT_br')).toBe('pt');
  });
  it.each([
    ['The flight was late and the crew did not care', 'en'],
    ['El vuelo se retrasó y no nos dieron nada de comer', 'es'],
    ['Le vol est en retard et il ne faut pas attendre', 'fr'],
    ['Der Flug ist nicht pünktlich und ich bin sehr sauer', 'de'],
    ['ok', 'und'],
    // Told by script, in this order: kana before Han (Japanese writes both), Cyrillic before Arabic.
    ['東京のホテルは最高でした', 'ja'],
    ['航班又晚点了', 'zh'],
    ['비행기가 늦었어요', 'ko'],
    ['Рейс задержали на три часа', 'ru'],
    ['تأخرت الرحلة', 'ar'],
    ['acme Рейс تأخرت', 'ru'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
  it('labels a language it cannot score instead of guessing', () => {
    const a = analyze({ text: 'Le service était horrible et je ne suis pas content' });
    expect(a).toMatchObject({
      lang: 'fr',
      sentiment: { label: 'neutral', score: 0 },
      sentimentCovered: false,
    });
  });
});

describe('a mention joined with its analysis', () => {
  it('keeps every field of the mention and takes the language the analysis settled on', () => {
    const m: Mention = {
      id: 'x:1',
      source: 'x',
      url: 'https://x.com/u/status/1',
      title: 'a title',
      text: 'acme lost my bag, never again',
      createdAt: new Date('2026-01-01T00:00:00Z'),
      lang: 'en',
      author: { handle: 'u', followers: 5, verified: false },
      metrics: { likes: 1 },
      answeredAt: new Date('2026-01-01T01:00:00Z'),
    };
    const observed = new Date('2026-01-01T02:00:00Z');
    const a = analyzeMention(m, 'acme', observed);
    const { lang: _lang, ...rest } = m;
    expect(a).toMatchObject({ ...rest, brand: 'acme', observedAt: observed, lang: 'en' });
    expect(a.sentiment.label).toBe('negative');
    expect(a.reach).toBe(20); // 5 followers: the floor of a post on X
    expect(Object.keys(a).sort()).toEqual(
      [
        ...Object.keys(rest),
        'brand',
        'observedAt',
        'lang',
        'sentiment',
        'intents',
        'reach',
        'virality',
      ].sort(),
    );
  });
});
