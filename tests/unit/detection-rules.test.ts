import { describe, expect, it } from 'vitest';
import { buildConfig, detectionSettings } from '../../src/config.ts';
import { buildBaseline, expectedIn, HOUR, utcDay, utcHour } from '../../src/detection/baseline.ts';
import { detectCrisisPosts } from '../../src/detection/crisis-post.ts';
import { decide, incidentId } from '../../src/detection/incidents.ts';
import { detectNegativeShift } from '../../src/detection/negative-shift.ts';
import { sharedPhrase } from '../../src/detection/phrases.ts';
import type { DetectedMention } from '../../src/detection/types.ts';
import { detectUnanswered } from '../../src/detection/unanswered.ts';
import { detectViralPosts } from '../../src/detection/viral-post.ts';
import { detectVolumeDrops, poissonLowerTail, type DropCount } from '../../src/detection/volume-drop.ts';
import { detectNegativeSpike, type SpikeInput } from '../../src/detection/volume-spike.ts';

const settings = buildConfig({}, {}).detection;
const brand = { name: 'acme', displayName: 'Acme Air' };
const T0 = Date.parse('2026-11-02T00:00:00Z'); // a Monday

function mention(over: Partial<DetectedMention> = {}): DetectedMention {
  return {
    id: 'x:1',
    source: 'x',
    url: null,
    text: 'acme lost my bag',
    authorHandle: 'someone',
    authorFollowers: 100,
    authorVerified: false,
    label: 'negative',
    score: -0.6,
    intents: [],
    metrics: {},
    reach: 10,
    virality: 0,
    createdAt: T0,
    answeredAt: null,
    ...over,
  };
}

describe('baseline', () => {
  it('tells the hour of day and the weekday as Date does, before 1970 and at the edges too', () => {
    let rng = 7;
    const times = [0, -1, 1, HOUR - 1, HOUR, -HOUR, -24 * HOUR, 24 * HOUR - 1, 8.64e15, -8.64e15];
    for (let i = 0; i < 20_000; i++)
      times.push(((rng = (rng * 1103515245 + 12345) % 2 ** 31) - 2 ** 30) * 3_000_007);
    for (const t of times) {
      const d = new Date(t);
      expect([utcHour(t), utcDay(t)], String(t)).toEqual([d.getUTCHours(), d.getUTCDay()]);
    }
  });

  it('learns the hour-of-day rhythm after a day, the weekday one after a week, and stays flat before', () => {
    const rows: { hour: number; label: 'negative' | 'neutral'; n: number }[] = [];
    // Two weeks: 20 mentions an hour by day (08:00-20:00 UTC), 2 at night; one in ten negative.
    for (let t = T0; t < T0 + 14 * 24 * HOUR; t += HOUR) {
      const h = new Date(t).getUTCHours();
      const n = h >= 8 && h < 20 ? 20 : 2;
      rows.push({ hour: t, label: 'neutral', n: n - n / 10 }, { hour: t, label: 'negative', n: n / 10 });
    }
    const end = T0 + 14 * 24 * HOUR;
    const b = buildBaseline(rows, T0, end);
    expect(b.totalPerHour).toBeCloseTo(11, 5);
    expect(b.negativeShare).toBeCloseTo(0.1, 1);
    const noon = end + 12 * HOUR;
    const night = end + 3 * HOUR;
    expect(expectedIn(b, b.totalPerHour, noon, noon + HOUR)).toBeGreaterThan(17);
    expect(expectedIn(b, b.totalPerHour, night, night + HOUR)).toBeLessThan(4);
    // Three days know the hours of the day already, but not yet the days of the week.
    const young = buildBaseline(rows, end - 3 * 24 * HOUR, end);
    expect(young.factor(noon)).toBeGreaterThan(1.4);
    expect(young.factor(night)).toBeLessThan(0.5);
    const weekday = buildBaseline(
      rows.map((r) => (new Date(r.hour).getUTCDay() === 0 ? { ...r, n: r.n / 2 } : r)),
      end - 3 * 24 * HOUR,
      end,
    );
    expect(weekday.factor(noon)).toBeCloseTo(young.factor(noon), 1);
    const newborn = buildBaseline(rows, end - 18 * HOUR, end);
    expect(newborn.factor(noon)).toBe(1);
  });
});

describe('negative volume spike', () => {
  const input = (over: Partial<SpikeInput>): SpikeInput => ({
    brand,
    negatives: 12,
    total: 20,
    expectedNegatives: 1,
    expectedTotal: 10,
    baselineShare: 0.1,
    historyHours: 14 * 24,
    mentions: [],
    settings,
    ...over,
  });

  it('a launch is not a crisis: volume up with the usual tone', () => {
    // 10 times the volume, 10 % negative as usual.
    expect(detectNegativeSpike(input({ negatives: 10, total: 100, expectedTotal: 10 }))).toBeNull();
    // The same volume with a third of it negative is one.
    expect(detectNegativeSpike(input({ negatives: 34, total: 100, expectedTotal: 10 }))?.kind).toBe(
      'volume_spike',
    );
  });

  it('waits for the warm-up, unless the burst is large and most of the talk', () => {
    expect(detectNegativeSpike(input({ negatives: 8, historyHours: 2 }))).toBeNull();
    expect(detectNegativeSpike(input({ negatives: 8 }))).not.toBeNull();
    expect(detectNegativeSpike(input({ negatives: 16, historyHours: 2 }))?.evidence.warming_up).toBe(true);
    // A busy new brand's ordinary grumbles: sixteen negatives among a hundred posts.
    expect(detectNegativeSpike(input({ negatives: 16, total: 100, historyHours: 2 }))).toBeNull();
  });

  it('rises a step with crisis markers or large accounts, and names the shared phrase', () => {
    const plain = Array.from({ length: 9 }, (_, i) =>
      mention({ id: `x:${i}`, text: `acme cancelled my flight to Oslo again #${i}` }),
    );
    const base = detectNegativeSpike(input({ negatives: 9, expectedNegatives: 1.6, mentions: plain }));
    expect(base?.severity).toBe('info');
    expect(base?.title).toMatch(
      /^"(cancelled my flight to|my flight to oslo|flight to oslo again)": 9 negative mentions of Acme Air/,
    );
    const loud = plain.map((m, i) => (i === 0 ? { ...m, authorFollowers: 2_000_000 } : m));
    expect(
      detectNegativeSpike(input({ negatives: 9, expectedNegatives: 1.6, mentions: loud }))?.severity,
    ).toBe('warning');
  });
});

describe('negative shift', () => {
  const run = (negatives: number, total: number, share = 0.1, baselineTotal = 2_000) =>
    detectNegativeShift({
      brand,
      negatives,
      total,
      baselineShare: share,
      baselineTotal,
      mentionIds: [],
      settings,
    });
  it('notices a souring share at normal volume, not noise', () => {
    expect(run(40, 100)?.severity).toBe('warning'); // 40 % where 10 % is usual
    expect(run(15, 100)).toBeNull(); // five points: drift
    expect(run(8, 20)).toBeNull(); // too few to tell
    expect(run(470, 1_000, 0.3)?.kind).toBe('negative_shift');
    expect(run(400, 1_000, 0.3)).toBeNull(); // ten points on a large brand: below shift_increase
  });
  it('asks more of a baseline of a few hours than of weeks of history', () => {
    // 26 % of 53 where 11 % is usual: souring against a fortnight, luck against a day's 80 mentions.
    expect(run(14, 53, 0.11, 4_000)?.kind).toBe('negative_shift');
    expect(run(14, 53, 0.11, 80)).toBeNull();
  });
});

describe('viral post and opportunity', () => {
  it('a fast-spreading post is a viral post when negative, an opportunity when positive', () => {
    const hot = { virality: 0.7, metrics: { likes: 300, reposts: 100 } };
    const [neg] = detectViralPosts([mention({ ...hot })], settings);
    expect(neg).toMatchObject({
      kind: 'viral_post',
      polarity: 'negative',
      severity: 'warning',
      subject: 'x:1',
    });
    const [pos] = detectViralPosts([mention({ ...hot, id: 'x:2', label: 'positive', score: 0.8 })], settings);
    expect(pos).toMatchObject({ kind: 'opportunity', polarity: 'positive' });
    // A few likes, however fast, are not a story; nor is a notice pasted a hundred times.
    expect(detectViralPosts([mention({ virality: 0.9, metrics: { likes: 20 } })], settings)).toEqual([]);
    expect(detectViralPosts([mention({ virality: 0.9, metrics: { copies: 100 } })], settings)).toEqual([]);
  });
});

describe('crisis post', () => {
  const injury = { name: 'crisis_injury' as const, confidence: 0.7 };
  const video = { name: 'crisis_viral' as const, confidence: 0.6 };
  const witness = mention({
    id: 'x:9',
    authorHandle: 'witness',
    authorFollowers: 5_000,
    text: 'acme staff dragged my father off the plane. Video below',
    intents: [injury, video],
  });
  it('one negative post showing a serious matter from an author with followers is enough', () => {
    const f = detectCrisisPosts([witness], settings);
    expect(f).toMatchObject({ kind: 'crisis_post', polarity: 'negative', severity: 'warning', subject: '' });
    expect(f?.title).toBe(
      '@witness (5,000 followers) reports injury: "acme staff dragged my father off the plane. Video below"',
    );
    expect(f?.mentionIds).toEqual(['x:9']);
  });
  it('not from a small account, nor "video" alone, nor a post that is not negative', () => {
    expect(detectCrisisPosts([{ ...witness, authorFollowers: 999 }], settings)).toBeNull();
    expect(detectCrisisPosts([{ ...witness, authorFollowers: null }], settings)).toBeNull();
    expect(detectCrisisPosts([{ ...witness, intents: [video] }], settings)).toBeNull();
    expect(detectCrisisPosts([{ ...witness, label: 'neutral' }], settings)).toBeNull();
  });
  it('a serious word said in passing is no crisis, unless a large account says it', () => {
    const passing = { ...witness, text: 'I should sue acme over this refund', intents: [injury] };
    expect(detectCrisisPosts([passing, { ...passing, id: 'x:10' }], settings)).toBeNull();
    const star = { ...passing, authorFollowers: 150_000 };
    expect(detectCrisisPosts([star], settings)?.severity).toBe('critical');
    const verified = { ...passing, authorFollowers: 12_000, authorVerified: true };
    expect(detectCrisisPosts([verified], settings)?.severity).toBe('critical');
  });
  it('groups the posts of the window in one incident, critical with three', () => {
    const boycott = {
      ...witness,
      id: 'x:10',
      intents: [{ name: 'crisis_boycott' as const, confidence: 0.7 }],
    };
    const two = detectCrisisPosts([witness, boycott], settings);
    expect(two?.severity).toBe('warning');
    expect(two?.mentionIds).toEqual(['x:9', 'x:10']);
    expect(two?.title).toMatch(/reports injury, a boycott: .*\(and 1 more from large accounts\)$/);
    const three = [witness, boycott, { ...boycott, id: 'x:11' }];
    expect(detectCrisisPosts(three, settings)?.severity).toBe('critical');
  });
  it('the threshold follows the preset and the hand', () => {
    const small = { ...witness, authorFollowers: 500 };
    expect(detectCrisisPosts([small], detectionSettings({ sensitivity: 'sensitive' }))).not.toBeNull();
    expect(detectCrisisPosts([witness], detectionSettings({ sensitivity: 'strict' }))).toBeNull();
    expect(detectCrisisPosts([small], detectionSettings({ crisis_followers: 400 }))).not.toBeNull();
  });
});

describe('unanswered complaint', () => {
  it('only where answers are visible, above the reach, and not once answered', () => {
    const big = mention({ reach: 50_000, createdAt: T0 - 3 * HOUR });
    expect(detectUnanswered([big], T0, settings)).toHaveLength(1);
    expect(detectUnanswered([{ ...big, source: 'rss' }], T0, settings)).toEqual([]);
    expect(detectUnanswered([{ ...big, reach: 500 }], T0, settings)).toEqual([]);
    expect(detectUnanswered([{ ...big, answeredAt: T0 - HOUR }], T0, settings)).toEqual([]);
    expect(detectUnanswered([{ ...big, reach: 200_000 }], T0, settings)[0]?.severity).toBe('critical');
  });
  it('ends as soon as it is answered', () => {
    const open = { id: 'i', severity: 'warning' as const, lastActivityAt: T0 };
    expect(decide(open, null, T0 + 60_000, settings, 'unanswered_complaint')).toEqual({ action: 'resolve' });
    expect(decide(open, null, T0 + 60_000, settings, 'volume_spike')).toEqual({ action: 'none' });
  });
});

describe('volume drop', () => {
  const drops = (all: DropCount, bySource: [string, DropCount][] = []) =>
    detectVolumeDrops({ brand, all, bySource: new Map(bySource), settings });

  it('a sharp drop against a busy usual, not a quiet brand being quiet', () => {
    expect(poissonLowerTail(0, 2)).toBeCloseTo(Math.exp(-2), 12);
    expect(drops({ total: 3, expected: 120 }).map((f) => f.kind)).toEqual(['volume_drop']);
    expect(drops({ total: 60, expected: 120 })).toEqual([]);
    // Two where eight were due happens by chance about once in a hundred windows: not news.
    expect(drops({ total: 2, expected: 8 })).toEqual([]);
  });

  it('names the one source that went quiet while the others carry on', () => {
    const found = drops({ total: 70, expected: 100 }, [
      ['x', { total: 0, expected: 30 }],
      ['reddit', { total: 38, expected: 40 }],
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ subject: 'x', evidence: { source: 'x', mentions_in_window: 0 } });
    expect(found[0]?.title).toMatch(/no mentions from x in 6 h \(usually 30\)/);
  });

  it('makes a drop of everything one finding that lists the quiet sources', () => {
    const found = drops({ total: 2, expected: 100 }, [
      ['x', { total: 0, expected: 60 }],
      ['reddit', { total: 2, expected: 40 }],
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ subject: '', evidence: { sources: 'x, reddit' } });
  });
});

describe('incidents and settings', () => {
  it('gives a post its own incident id', () => {
    expect(incidentId('acme', 'viral_post', T0, 'x:1')).not.toBe(incidentId('acme', 'viral_post', T0, 'x:2'));
    expect(incidentId('acme', 'viral_post', T0, 'x:1')).toMatch(
      /^acme-viral-post-20261102T0000-[0-9a-f]{8}$/,
    );
  });
  it('presets set every threshold, and a threshold set by hand still wins', () => {
    expect(detectionSettings({ sensitivity: 'strict' }).min_negative).toBeGreaterThan(settings.min_negative);
    expect(detectionSettings({ sensitivity: 'sensitive' }).p_value).toBeGreaterThan(settings.p_value);
    expect(detectionSettings({ sensitivity: 'strict' }, { min_negative: 2 }).min_negative).toBe(2);
    const cfg = buildConfig(
      {
        detection: { sensitivity: 'strict' },
        brands: [
          { name: 'a', query: 'a' },
          { name: 'b', query: 'b', detection: { sensitivity: 'sensitive' } },
        ],
      },
      {},
    );
    expect(cfg.brands[0]?.detection.sensitivity).toBe('strict');
    expect(cfg.brands[1]?.detection.min_negative).toBe(3);
  });
  it('reads the phrase people share', () => {
    const texts = ['my guitar was broken by acme', 'acme broke my guitar', 'acme: guitar broken, again'];
    expect(sharedPhrase(texts, ['acme'])).toBeNull();
    expect(
      sharedPhrase(['acme lost my bag in Oslo', 'lost my bag with acme', 'acme lost my bag again'], ['acme']),
    ).toBe('lost my bag');
  });
  it('names the same texts by each brand own words, however often they were named before', () => {
    const texts = ['acme lost my bag in Oslo', 'lost my bag with acme', 'acme lost my bag again'];
    for (let i = 0; i < 3; i++) {
      expect(sharedPhrase(texts, ['acme'])).toBe('lost my bag');
      // For a brand called "Lost", its own name cannot start or end the story: nothing is left.
      expect(sharedPhrase(texts, ['Lost'])).toBeNull();
    }
  });
});
