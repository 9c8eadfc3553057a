import { describe, expect, it } from 'vitest';
import { features, FEATURES, scoreSentiment, WORD_HITS } from '../../src/analysis/sentiment.ts';
import { loadWords } from '../../src/analysis/sentiment-words.ts';

// Texts written for these tests (none is taken from the labelled sets of ../shared/data).
const label = (t: string) => scoreSentiment(t).label;
const score = (t: string) => scoreSentiment(t).score;

describe('sentiment rules', () => {
  it.each([
    ['The new update is fantastic, everything loads instantly', 'positive'],
    ['The new update is terrible, nothing loads anymore', 'negative'],
    ['The pasta was not good at all', 'negative'],
    ['The screen is lovely but the battery is awful', 'negative'],
    ['The battery is weak but honestly the camera is superb and I love it', 'positive'],
    ['On hold for 2 hours and still waiting for a callback', 'negative'],
    ['They cancelled my booking the night before', 'negative'],
    ['Three weeks and no response from support', 'negative'],
    ['#NeverAgain with this courier', 'negative'],
    ['The pharmacy on Elm Street opens at 9am on Monday', 'neutral'],
    ['Package arrived a day early 🎉', 'positive'],
    ['my parcel is soaked through 😡', 'negative'],
    ['finally home :)', 'positive'],
    ['app logged me out again :(', 'negative'],
    ['sooo goood', 'positive'],
  ])('%s → %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  it('a negated complaint is no complaint', () => {
    expect(label("The checkout wasn't painful")).not.toBe('negative');
  });

  it('negation flips a word, and the scope ends at punctuation', () => {
    expect(score('the courier was helpful')).toBeGreaterThan(0);
    expect(score('the courier was not helpful')).toBeLessThan(0);
    const f = new Float64Array(FEATURES.length);
    const neg = FEATURES.indexOf('negated +');
    expect(features('not. the courier was helpful', f)[neg]).toBe(0);
    expect(features('not the most helpful courier', f)[neg]).toBeGreaterThan(0);
  });

  it('caps, exclamation marks and boosters push further, dampeners pull back', () => {
    expect(score('the refund process was awful')).toBeLessThan(0);
    expect(score('the refund process was AWFUL')).toBeLessThan(score('the refund process was awful'));
    expect(score('the hotel breakfast was nice!!!')).toBeGreaterThan(score('the hotel breakfast was nice'));
    expect(score('the hotel breakfast was extremely nice')).toBeGreaterThan(
      score('the hotel breakfast was nice'),
    );
    expect(score('the hotel breakfast was kind of nice')).toBeLessThan(score('the hotel breakfast was nice'));
  });

  it('negating a barely-polar word weighs less than negating a plainly polar one', () => {
    const f = new Float64Array(FEATURES.length);
    const neg = FEATURES.indexOf('negated +');
    const weak = features('the lid does not feel solid', f)[neg]!;
    const strong = features('the lid does not feel wonderful', f)[neg]!;
    expect(strong).toBeGreaterThan(weak);
  });

  it('counts plainly judging words apart from words that only lean', () => {
    const f = new Float64Array(FEATURES.length);
    const sp = FEATURES.indexOf('strong +');
    const sn = FEATURES.indexOf('strong -');
    const weak = FEATURES.indexOf('weak only');
    features('the concert was wonderful', f);
    expect(f[sp]).toBeGreaterThan(0);
    expect(f[sn]).toBe(0);
    expect(f[weak]).toBe(0);
    features('the concert hall was dreadful', f);
    expect(f[sn]).toBeGreaterThan(0);
    features('the ferry leaves from the main dock', f);
    expect(f[sp]! + f[sn]!).toBe(0);
  });

  it('notices hedges, reported speech and quotations', () => {
    const f = new Float64Array(FEATURES.length);
    const h = FEATURES.indexOf('hedges');
    const r = FEATURES.indexOf('reported speech');
    const q = FEATURES.indexOf('quotes');
    features('the bridge apparently reopens in spring', f);
    expect(f[h]).toBeGreaterThan(0);
    expect(f[r]).toBe(0);
    features('the mayor said the bridge reopens in spring', f);
    expect(f[r]).toBe(1);
    expect(f[q]).toBe(0);
    features('the mayor called it "a fine day" for the town', f);
    expect(f[q]).toBe(1);
    features('the bridge reopens in spring', f);
    expect(f[h]! + f[r]! + f[q]!).toBe(0);
  });

  it('what follows "but" counts more than what comes before', () => {
    const f = new Float64Array(FEATURES.length);
    const pos = FEATURES.indexOf('vader+');
    const before = features('lovely staff but slow', f)[pos]!;
    const after = features('slow but lovely staff', f)[pos]!;
    expect(after).toBeGreaterThan(before);
  });

  it('ignores @mentions and links, reads hashtags as words', () => {
    expect(label('@bestairline https://example.com/great-deals-love')).toBe('neutral');
    expect(score('#WorstServiceEver')).toBeLessThan(0);
    expect(scoreSentiment('@kindcorp your parcel tracker is broken').label).toBe('negative');
  });

  it('is pure: the same text gets the same result, whatever came before', () => {
    const a = scoreSentiment('the lounge was crowded but the staff were kind');
    scoreSentiment('awful awful awful :( 😡 never again!!!');
    expect(scoreSentiment('the lounge was crowded but the staff were kind')).toEqual(a);
  });

  it('explains the words that moved it', () => {
    const r = scoreSentiment('the seats were not comfortable', true);
    expect(r.reasons.join()).toMatch(/comfortable -[\d.]+ \(negated\)/);
    expect(scoreSentiment('on hold for 3 hours', true).reasons.join()).toMatch(/on hold for hours/);
  });

  it('reads a clitic as part of its word: "I\'ll" is not "ill", "we\'re" not "were"', () => {
    const f = new Float64Array(FEATURES.length);
    const evidence = FEATURES.indexOf('evidence');
    expect(features("I'll call them tomorrow", f)[evidence]).toBe(
      features('I call them tomorrow', f)[evidence],
    );
    expect(scoreSentiment("I'll be there at six", true).reasons.join()).not.toMatch(/\bill\b/);
  });

  it('adds the learned words, and names them when asked why', () => {
    const words = loadWords();
    expect(words.words.length).toBeGreaterThan(100);
    // Each learned word in a text is found once per occurrence.
    const someWord = words.words.find((w) => /^[a-z]{5,}$/.test(w))!;
    features(`the ${someWord} and the ${someWord}`, new Float64Array(FEATURES.length));
    expect(WORD_HITS.filter((i) => words.words[i] === someWord)).toHaveLength(2);
    const strongest = words.words
      .map((w, i) => ({ w, v: words.weights[3 * i + 2]! - words.weights[3 * i]! }))
      .sort((a, b) => Math.abs(b.v) - Math.abs(a.v))[0]!;
    expect(scoreSentiment(`it was ${strongest.w}`, true).reasons.join()).toContain(
      `learned "${strongest.w}"`,
    );
  });

  it('scores stay within -1..1', () => {
    for (const t of ['', '!!!', 'love '.repeat(200), 'hate '.repeat(200), '😡'.repeat(50)]) {
      const s = score(t);
      expect(s).toBeGreaterThanOrEqual(-1);
      expect(s).toBeLessThanOrEqual(1);
    }
  });
});
