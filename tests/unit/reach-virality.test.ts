import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NearDuplicates, signature, similarity } from '../../src/analysis/near-duplicates.ts';
import { estimateReach } from '../../src/analysis/reach.ts';
import { ENGAGEMENT_WEIGHTS, engagementOf, virality } from '../../src/analysis/virality.ts';
import type { Metrics } from '../../src/types.ts';

const H = 3_600_000;
const t0 = Date.parse('2026-03-01T12:00:00Z');

describe('reach', () => {
  it('takes counted views first, then followers (verified ranked up), then votes, then the floor', () => {
    expect(estimateReach({ source: 'x', metrics: { views: 12_345 } })).toEqual({
      impressions: 12_345,
      basis: 'views',
    });
    const plain = estimateReach({ source: 'x', author: { handle: 'a', followers: 10_000 }, metrics: {} });
    const verified = estimateReach({
      source: 'x',
      author: { handle: 'a', followers: 10_000, verified: true },
      metrics: {},
    });
    expect(plain).toEqual({ impressions: 1_000, basis: 'followers' });
    expect(verified.impressions).toBeGreaterThan(plain.impressions);
    expect(estimateReach({ source: 'reddit', metrics: { score: 500 } })).toEqual({
      impressions: 20_000,
      basis: 'votes',
    });
    expect(estimateReach({ source: 'appstore', metrics: { stars: 1 } }).basis).toBe('floor');
  });

  it("does not let a large account's first few views stand for its audience", () => {
    const author = { handle: 'guru', followers: 240_000, verified: true };
    const early = estimateReach({ source: 'x', author, metrics: { views: 1_100 } });
    expect(early.basis).toBe('followers');
    expect(early.impressions).toBeGreaterThan(10_000);
    const later = estimateReach({ source: 'x', author, metrics: { views: 400_000 } });
    expect(later).toEqual({ impressions: 400_000, basis: 'views' });
  });

  it('counts reposts as audience beyond the author', () => {
    const a = { handle: 'a', followers: 100 };
    expect(
      estimateReach({ source: 'bluesky', author: a, metrics: { reposts: 50 } }).impressions,
    ).toBeGreaterThan(estimateReach({ source: 'bluesky', author: a, metrics: {} }).impressions * 10);
  });
});

describe('virality', () => {
  const reading = (hours: number, likes: number, reposts = 0) => ({
    at: t0 + hours * H,
    metrics: { likes, reposts },
  });

  it('weighs reposts above likes and ignores views and stars', () => {
    expect(engagementOf({ likes: 10, reposts: 5, replies: 2, views: 9_999, stars: 5 })).toBe(23);
  });

  it('sums exactly the metrics ENGAGEMENT_WEIGHTS names, with their weights, negatives as 0', () => {
    const names = ['likes', 'reposts', 'replies', 'quotes', 'views', 'score', 'stars', 'copies'] as const;
    const metric = fc.oneof(fc.constant(undefined), fc.double({ min: -1e6, max: 1e9, noNaN: true }));
    fc.assert(
      fc.property(fc.tuple(...names.map(() => metric)), (values) => {
        const m: Metrics = {};
        names.forEach((k, i) => {
          if (values[i] !== undefined) m[k] = values[i];
        });
        let want = 0;
        for (const [k, w] of Object.entries(ENGAGEMENT_WEIGHTS))
          want += Math.max(0, m[k as keyof Metrics] ?? 0) * w;
        expect(engagementOf(m)).toBe(want);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives a pace from one reading: the post started at zero when it was made', () => {
    const v = virality({ source: 'x', createdAt: t0, readings: [reading(0.5, 30)], followers: 1_000 });
    expect(v.engagement).toBe(30);
    expect(v.velocity).toBe(60);
    expect(v.projected.engagement).toBeGreaterThan(30);
    expect(v.projected.low).toBeLessThan(v.projected.engagement);
    expect(v.projected.high).toBeGreaterThan(v.projected.engagement);
  });

  it('ranks a small account’s post that takes off above a big account’s usual day', () => {
    const small = virality({
      source: 'x',
      createdAt: t0,
      followers: 300,
      readings: [reading(0.25, 20, 5), reading(0.5, 80, 30), reading(0.75, 300, 120)],
    });
    const big = virality({
      source: 'x',
      createdAt: t0,
      followers: 2_000_000,
      readings: [reading(0.25, 300, 20), reading(0.5, 500, 30), reading(0.75, 600, 35)],
    });
    expect(small.score).toBeGreaterThan(0.8);
    expect(big.score).toBeLessThan(0.3);
    expect(small.doublingHours).toBeLessThan(0.5);
  });

  it('narrows the band when the readings agree and scores a quiet post 0', () => {
    const steady = virality({
      source: 'reddit',
      createdAt: t0,
      readings: [1, 2, 3, 4, 5].map((h) => ({ at: t0 + h * H, metrics: { score: 10 * h } })),
    });
    const once = virality({
      source: 'reddit',
      createdAt: t0,
      readings: [{ at: t0 + H, metrics: { score: 10 } }],
    });
    const width = (v: typeof steady) =>
      (v.projected.high - v.projected.low) / (v.projected.engagement - v.engagement);
    expect(width(steady)).toBeLessThan(width(once));
    const quiet = virality({ source: 'x', createdAt: t0, followers: 5_000, readings: [reading(3, 2)] });
    expect(quiet.score).toBe(0);
  });
});

describe('near-duplicates', () => {
  it('groups a copy-paste campaign with words changed, handles and links aside, and not a different post', () => {
    const d = new NearDuplicates();
    const base = 'Acme Air lost my wheelchair at the gate and nobody will help me, please share this';
    expect(d.add('a', base).group).toBe('a');
    expect(d.add('b', `@acmeair ${base} https://t.co/xyz`).group).toBe('a');
    expect(d.add('c', base.replace('wheelchair', 'stroller')).group).toBe('a');
    expect(d.add('d', 'Lovely crew on my Acme Air flight to Lisbon this morning, thank you').group).toBe('d');
  });

  it('estimates similarity from signatures', () => {
    const a = signature('the quick brown fox jumps over the lazy dog again');
    expect(similarity(a, a)).toBe(1);
    expect(similarity(a, signature('completely unrelated words about airline refunds today'))).toBeLessThan(
      0.2,
    );
  });

  it('forgets the oldest texts past its capacity', () => {
    const d = new NearDuplicates(0.6, 2);
    d.add('a', 'acme outage in the north region again today');
    d.add('b', 'something else entirely about the weather here');
    d.add('c', 'and a third text about trains and buses running');
    expect(d.add('e', 'acme outage in the north region again today').group).toBe('e');
  });

  // Distinct words only (numbers are not words): no two of these texts are near-duplicates.
  const letters = (i: number): string =>
    i === 0 ? '' : letters(Math.floor(i / 26)) + 'abcdefghijklmnopqrstuvwxyz'[i % 26];
  const distinct = (i: number) =>
    `post q${letters(i)} says x${letters(i * 7 + 3)} about y${letters(i * 13 + 5)} and z${letters(i)} today`;

  it('forgets the groups posted before the window, and indexes no text posted before it', () => {
    const d = new NearDuplicates();
    d.add('old', distinct(1), t0 - 50 * H);
    d.add('recent', distinct(2), t0 - H);
    d.forgetBefore(t0 - 48 * H);
    expect(d.add('again', distinct(1), t0).group).toBe('again');
    expect(d.add('copy', distinct(2), t0).group).toBe('recent');
    // A late old post is still matched with the window, but is not kept itself.
    expect(d.add('late-copy', distinct(2), t0 - 60 * H).group).toBe('recent');
    expect(d.add('late', distinct(3), t0 - 60 * H).group).toBe('late');
    expect(d.add('late-twin', distinct(3), t0).group).toBe('late-twin');
  });

  it('keeps a group people go on copying, and forgets one nobody copied within the window', () => {
    const d = new NearDuplicates();
    d.add('daily', distinct(4), t0);
    d.add('once', distinct(5), t0);
    // A copy a day for a week: each finds the first post, though it was posted days before the window.
    for (let day = 1; day <= 7; day++) {
      const at = t0 + day * 24 * H;
      d.forgetBefore(at - 48 * H);
      expect(d.add(`daily-${day}`, distinct(4), at).group).toBe('daily');
    }
    expect(d.add('once-again', distinct(5), t0 + 7 * 24 * H).group).toBe('once-again');
  });

  it('keeps answering while forgetting lets whole chunks go and the ring comes round to them', () => {
    const d = new NearDuplicates(0.6, 3_000);
    // 10,000 posts a minute apart, a window of 1,500 minutes: the ring of 3,000 wraps three times.
    for (let i = 0; i < 10_000; i++) {
      const at = t0 + i * 60_000;
      d.forgetBefore(at - 1_500 * 60_000);
      expect(d.add(`p${i}`, distinct(i), at).group).toBe(`p${i}`);
      if (i % 97 === 0 && i >= 1_500) {
        expect(d.add(`c${i}`, distinct(i - 1_499), at).group).toBe(`p${i - 1_499}`);
        expect(d.add(`g${i}`, distinct(i - 1_501), at).group).toBe(`g${i}`);
      }
    }
  });
});
