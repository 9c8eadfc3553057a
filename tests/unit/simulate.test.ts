import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/index.ts';
import { virality } from '../../src/analysis/virality.ts';
import { brandProfile } from '../../src/simulate/brands.ts';
import {
  simulateAll,
  type Observation,
  type ScenarioName,
  type TruthIncident,
} from '../../src/simulate/index.ts';
import { Random } from '../../src/simulate/random.ts';
import {
  angryCopy,
  BIG_COMPLAINT,
  EVERYDAY,
  EVERYDAY_ALARMING,
  everyday,
  fill,
  LAUNCH,
  PRESS,
  SOURING,
  STORIES,
  VIRAL,
  type Tone,
} from '../../src/simulate/texts.ts';

const START = Date.parse('2026-01-05T00:00:00Z');
const HOUR = 3_600_000;

function run(scenario: ScenarioName, seed = 1, days = 10, brands = 1, rate?: number) {
  return simulateAll({ scenario, brands, days, seed, start: START, ...(rate ? { rate } : {}) });
}

function incidentOf(r: ReturnType<typeof run>, i = 0): TruthIncident {
  const incident = r.truth.brands[i]?.incident;
  if (!incident) throw new Error('no incident in the truth');
  return incident;
}

/** First readings only: one per mention. */
function mentions(obs: Observation[]): Observation[] {
  const seen = new Set<string>();
  return obs.filter((o) => !seen.has(o.id) && seen.add(o.id));
}

describe('simulate: texts', () => {
  const rnd = new Random(7);
  const cases: [string, Tone][] = [
    ...(['negative', 'neutral', 'positive'] as const).flatMap((t) =>
      EVERYDAY[t].map((x): [string, Tone] => [x, t]),
    ),
    ...(['negative', 'neutral', 'positive'] as const).flatMap((t) =>
      LAUNCH[t].map((x): [string, Tone] => [x, t]),
    ),
    ...STORIES.flatMap((s) => [s.first, ...s.echoes].map((x): [string, Tone] => [x, 'negative'])),
    ...SOURING.map((x): [string, Tone] => [x, 'negative']),
    ...EVERYDAY_ALARMING.map((x): [string, Tone] => [x, 'negative']),
    ...BIG_COMPLAINT.map((x): [string, Tone] => [x, 'negative']),
    ...PRESS.map((x): [string, Tone] => [x, 'negative']),
    ...(['negative', 'positive'] as const).flatMap((t) =>
      [...VIRAL[t].first, ...VIRAL[t].echoes].map((x): [string, Tone] => [x, t]),
    ),
  ];

  it.each(cases)('Earshot reads "%s" as %s, for every brand', (template, tone) => {
    for (let b = 0; b < 6; b++) {
      const text = fill(template, brandProfile(b), rnd);
      expect(analyze({ text }).sentiment.label, text).toBe(tone);
    }
  });

  it('says crisis words in passing in the everyday complaints that carry them, and asks nobody to share', () => {
    for (const template of EVERYDAY_ALARMING)
      for (let b = 0; b < 6; b++) {
        const text = fill(template, brandProfile(b), rnd);
        const names = analyze({ text }).intents.map((i) => i.name);
        expect(
          names.some((n) => /^crisis_(safety|injury|discrimination|legal|boycott)$/.test(n)),
          text,
        ).toBe(true);
        expect(names, text).not.toContain('crisis_viral');
      }
  });

  it('keeps the tone with openers, tails and copies around the core', () => {
    for (const tone of ['negative', 'neutral', 'positive'] as const)
      for (let i = 0; i < 300; i++) {
        const text = everyday(tone, brandProfile(i % 6), rnd);
        expect(analyze({ text }).sentiment.label, text).toBe(tone);
      }
    for (const s of STORIES)
      for (let i = 0; i < 30; i++) {
        const text = angryCopy(fill(s.first, brandProfile(i % 6), rnd), 'witness12', rnd);
        expect(analyze({ text }).sentiment.label, text).toBe('negative');
      }
  });
});

// Streams of days take a second or two; a shared, busy machine must not fail them on time.
describe('simulate: the stream', { timeout: 30_000 }, () => {
  it('is the same for the same seed, and another for another seed', () => {
    // Small brands, so that the comparison stays quick on a busy machine.
    const a = run('mixed', 3, 4, 8, 3);
    const b = run('mixed', 3, 4, 8, 3);
    expect(a.truth.brands.filter((x) => x.incident).length).toBeGreaterThan(0);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(run('mixed', 4, 4, 8, 3).observations)).not.toBe(JSON.stringify(a.observations));
  });

  it('comes in the order polls saw it, with string ids, a brand, authors and metrics', () => {
    const { observations } = run('outrage', 2, 8);
    let last = 0;
    for (const o of observations) {
      const at = Date.parse(o.observed_at);
      expect(at).toBeGreaterThanOrEqual(last);
      expect(at).toBeGreaterThanOrEqual(Date.parse(o.created_at));
      last = at;
      expect(typeof o.id).toBe('string');
      expect(o.brand).toBe('acme-air');
      expect(o.author.followers).toBeGreaterThanOrEqual(0);
    }
    const tweet = observations.find((o) => o.source === 'x');
    // Past 2^53: a number would lose digits.
    expect(BigInt(tweet?.id.slice(2) ?? '0')).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(observations.some((o) => o.metrics?.likes !== undefined)).toBe(true);
  });

  it('reads a moving post again later with grown metrics', () => {
    const { observations } = run('viral', 1, 8);
    const { mention_ids } = incidentOf(run('viral', 1, 8));
    const readings = observations.filter((o) => o.id === mention_ids[0]);
    expect(readings.length).toBeGreaterThan(20);
    const likes = readings.map((o) => o.metrics?.likes ?? 0);
    expect(likes.every((v, i) => i === 0 || v >= (likes[i - 1] ?? 0))).toBe(true);
    expect(likes[likes.length - 1]).toBeGreaterThan(10 * (likes[1] ?? 1));
  });

  it('names in its truth only mentions that are in the stream', () => {
    for (const scenario of [
      'outrage',
      'souring',
      'viral',
      'launch',
      'positive_viral',
      'unanswered',
    ] as const) {
      const r = run(scenario, 5, 9);
      const ids = new Set(r.observations.map((o) => o.id));
      const incident = incidentOf(r);
      expect(incident.mention_ids.length, scenario).toBeGreaterThan(0);
      for (const id of incident.mention_ids) expect(ids.has(id), `${scenario} ${id}`).toBe(true);
      expect(Date.parse(incident.end)).toBeGreaterThan(Date.parse(incident.start));
    }
    expect(run('quiet').truth.brands[0]).toEqual({ brand: 'acme-air', kind: 'quiet', incident: null });
  });

  it('is busier in the afternoon than at night', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const o of mentions(run('quiet', 1, 14).observations))
      byHour[new Date(o.created_at).getUTCHours()]!++;
    expect(byHour[15]!).toBeGreaterThan(3 * byHour[3]!);
  });
});

describe('simulate: scenarios', { timeout: 30_000 }, () => {
  it('outrage: story mentions double every half hour while it grows', () => {
    const slopes: number[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const r = run('outrage', seed, 8);
      const incident = incidentOf(r);
      const ids = new Set(incident.mention_ids);
      const start = Date.parse(incident.start);
      const perHalfHour = new Array<number>(7).fill(0);
      for (const o of mentions(r.observations)) {
        const k = Math.floor((Date.parse(o.created_at) - start) / (HOUR / 2));
        if (ids.has(o.id) && k >= 0 && k < 7) perHalfHour[k]!++;
      }
      // Growth from the first 1.5 hours to the next 1.5 hours: 2^3 if it doubles every half hour.
      const early = perHalfHour.slice(0, 3).reduce((a, b) => a + b, 0);
      const later = perHalfHour.slice(3, 6).reduce((a, b) => a + b, 0);
      slopes.push(Math.log2(later / early) / 3);
    }
    const mean = slopes.reduce((a, b) => a + b, 0) / slopes.length;
    expect(mean).toBeGreaterThan(0.8);
    expect(mean).toBeLessThan(1.25);
  });

  it('outrage: retweets and near-copies of the first post spread it', () => {
    const r = run('outrage', 1, 8);
    const ids = new Set(incidentOf(r).mention_ids);
    const story = mentions(r.observations).filter((o) => ids.has(o.id));
    expect(story.filter((o) => o.text.startsWith('RT @')).length / story.length).toBeGreaterThan(0.2);
  });

  it('launch: the extra volume is glad or curious, hardly ever angry', () => {
    const r = run('launch', 1, 9);
    const ids = new Set(incidentOf(r).mention_ids);
    const labels = mentions(r.observations)
      .filter((o) => ids.has(o.id))
      .map((o) => analyze({ text: o.text }).sentiment.label);
    const share = (l: string) => labels.filter((x) => x === l).length / labels.length;
    expect(labels.length).toBeGreaterThan(100);
    expect(share('positive')).toBeGreaterThan(0.45);
    expect(share('negative')).toBeLessThan(0.1);
  });

  it('souring: the share of negative mentions rises at normal volume', () => {
    const r = run('souring', 1, 14);
    const start = Date.parse(incidentOf(r).start);
    const before = mentions(r.observations).filter((o) => Date.parse(o.created_at) < start);
    const during = mentions(r.observations).filter((o) => {
      const t = Date.parse(o.created_at);
      return t >= start + 3 * 24 * HOUR && t < start + 5 * 24 * HOUR;
    });
    const negShare = (xs: Observation[]) =>
      xs.filter((o) => analyze({ text: o.text }).sentiment.label === 'negative').length / xs.length;
    expect(negShare(during)).toBeGreaterThan(2 * negShare(before));
    const perDay = (xs: Observation[], days: number) => xs.length / days;
    const days = (start - START) / (24 * HOUR);
    expect(perDay(during, 2) / perDay(before, days)).toBeGreaterThan(0.7);
    expect(perDay(during, 2) / perDay(before, days)).toBeLessThan(1.4);
  });

  it("viral: one post runs far past its author's reach before the volume moves", () => {
    const r = run('viral', 1, 9);
    const incident = incidentOf(r);
    const start = Date.parse(incident.start);
    const readings = r.observations.filter((o) => o.id === incident.mention_ids[0]);
    const first = readings[0] as Observation;
    const v = virality({
      source: first.source,
      createdAt: start,
      followers: first.author.followers,
      readings: readings
        .filter((o) => Date.parse(o.observed_at) < start + 4 * HOUR)
        .map((o) => ({ at: Date.parse(o.observed_at), metrics: o.metrics ?? {} })),
    });
    // 0.5 is ten times what the author usually gathers (README, virality).
    expect(v.score).toBeGreaterThan(0.5);
    const echoes = mentions(r.observations).filter(
      (o) => incident.mention_ids.includes(o.id) && Date.parse(o.created_at) < start + 5 * HOUR,
    );
    expect(echoes.length).toBeLessThan(5);
  });

  it('silence: the largest source says nothing after the start', () => {
    const r = run('silence', 1, 9);
    const start = Date.parse(incidentOf(r).start);
    const x = r.observations.filter((o) => o.source === 'x');
    expect(x.length).toBeGreaterThan(100);
    expect(x.every((o) => Date.parse(o.created_at) < start)).toBe(true);
  });

  it('unanswered: one negative post from a large account', () => {
    const r = run('unanswered', 1, 9);
    const [id] = incidentOf(r).mention_ids;
    const post = r.observations.find((o) => o.id === id) as Observation;
    expect(post.author.followers).toBeGreaterThanOrEqual(80_000);
    expect(analyze({ text: post.text }).sentiment.label).toBe('negative');
  });

  it('mixed: every brand lives through its own scenario kind', () => {
    const { truth } = run('mixed', 1, 3, 8);
    expect(new Set(truth.brands.map((b) => b.kind)).size).toBe(8);
    expect(new Set(truth.brands.map((b) => b.brand)).size).toBe(8);
  });

  it('refuses impossible options in one line', () => {
    expect(() => run('quiet', 1, 0)).toThrow(/days 0/);
    expect(() => run('quiet', 1.5)).toThrow(/seed 1.5/);
    expect(() => run('quiet', 1, 1, 0)).toThrow(/brands 0/);
  });
});
