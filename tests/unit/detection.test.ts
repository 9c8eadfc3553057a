import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.ts';
import { decide, incidentId } from '../../src/detection/incidents.ts';
import { lnGamma, poissonUpperTail, predictiveUpperTail } from '../../src/detection/stats.ts';
import { detectNegativeSpike } from '../../src/detection/volume-spike.ts';
import { channelsFor } from '../../src/alerts/routes.ts';
import type { AlertPayload } from '../../src/types.ts';

const settings = buildConfig({}, {}).detection;
const HOUR = 3_600_000;

describe('Poisson tail', () => {
  it('matches hand-computed values', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 10);
    // P(X >= 1 | 1) = 1 - e^-1
    expect(poissonUpperTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
    // P(X >= 5 | 0.5) = 1 - sum_{i<5} e^-0.5 0.5^i / i!
    let lower = 0;
    for (let i = 0; i < 5; i++) lower += (Math.exp(-0.5) * 0.5 ** i) / [1, 1, 2, 6, 24][i]!;
    expect(poissonUpperTail(5, 0.5)).toBeCloseTo(1 - lower, 12);
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(3, 0)).toBe(0);
  });
  it('widens with an uncertain baseline and becomes the Poisson tail with a long one', () => {
    // Shape 1 is the geometric law: P(X >= k) = (mean / (1 + mean))^k.
    expect(predictiveUpperTail(5, 0.5, 1)).toBeCloseTo((0.5 / 1.5) ** 5, 12);
    expect(predictiveUpperTail(9, 2.4, 24)).toBeGreaterThan(1.5 * poissonUpperTail(9, 2.4));
    expect(predictiveUpperTail(9, 2.4, 800) / poissonUpperTail(9, 2.4)).toBeCloseTo(1, 1);
    expect(predictiveUpperTail(2, 5, 10)).toBeGreaterThan(0.9);
    expect(predictiveUpperTail(0, 5, 10)).toBe(1);
  });
  it('stays finite for large counts', () => {
    const p = poissonUpperTail(4_000, 3_000);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-50);
    expect(poissonUpperTail(2_900, 3_000)).toBeGreaterThan(0.9);
  });
});

describe('negative volume spike', () => {
  const run = (windowCount: number, baselineCount: number, baselineSpanMs = 7 * 24 * HOUR) => {
    const expected = (baselineCount * settings.window) / baselineSpanMs;
    return detectNegativeSpike({
      brand: { name: 'acme', displayName: 'Acme' },
      negatives: windowCount,
      total: windowCount,
      expectedNegatives: expected,
      expectedTotal: expected,
      baselineShare: 0.1,
      historyHours: baselineSpanMs / HOUR,
      mentions: [],
      settings,
    });
  };

  it.each([
    // [negatives in the last hour, negatives in the week before, expected outcome]
    [5, 0, null], // where 0.5 an hour are assumed, 5 happen by chance about 1 hour in 6,000
    [6, 0, 'warning'],
    [12, 0, 'critical'],
    [5, 168, null], // usually 1 an hour: 5 happens by chance about 1 hour in 270
    [30, 168 * 3, 'critical'],
    [3000, 168 * 3000, null], // a large brand at its usual rate
    [4000, 168 * 3000, null], // a third more than usual: not a spike
  ])('%i negatives against %i in the week before → %s', (k, base, expected) => {
    const f = run(k, base);
    if (expected === null) expect(f).toBeNull();
    else expect(f?.severity).toBe(expected);
  });

  it('is sensitive for a large brand when the rise is large', () => {
    const f = run(9_500, 168 * 3_000);
    expect(f?.severity).toBe('warning');
    expect(f?.evidence.ratio).toBeCloseTo(3.2, 1);
  });

  it('explains itself', () => {
    expect(run(8, 0)?.evidence).toMatchObject({
      window_minutes: 60,
      negatives_in_window: 8,
      expected_in_window: 0,
      ratio: 16,
      p_value: expect.any(Number) as number,
    });
  });
});

describe('incident decisions', () => {
  const finding = (severity: 'info' | 'warning' | 'critical') => ({
    kind: 'volume_spike' as const,
    polarity: 'negative' as const,
    severity,
    evidence: { window_minutes: 60, negatives_in_window: 9, expected_in_window: 1, ratio: 9, p_value: 1e-6 },
  });
  const open = { id: 'i', severity: 'warning' as const, lastActivityAt: 0 };

  it('opens one incident with an alert, then updates it quietly', () => {
    expect(decide(null, finding('warning'), 0, settings)).toEqual({
      action: 'open',
      severity: 'warning',
      alert: true,
    });
    expect(decide(open, finding('warning'), 60_000, settings)).toEqual({
      action: 'update',
      severity: 'warning',
      alert: false,
    });
    expect(decide(open, finding('info'), 60_000, settings)).toEqual({
      action: 'update',
      severity: 'warning',
      alert: false,
    });
  });
  it('alerts again only when the severity rises', () => {
    expect(decide(open, finding('critical'), 60_000, settings)).toEqual({
      action: 'update',
      severity: 'critical',
      alert: true,
    });
  });
  it('resolves after the quiet period', () => {
    expect(decide(open, null, settings.quiet_period - 1, settings)).toEqual({ action: 'none' });
    expect(decide(open, null, settings.quiet_period, settings)).toEqual({ action: 'resolve' });
  });
  it('gives readable, stable incident ids', () => {
    expect(incidentId('united', 'volume_spike', Date.parse('2017-04-10T01:12:34Z'))).toBe(
      'united-volume-spike-20170410T0112',
    );
  });
});

describe('routes', () => {
  const alert = {
    brand: 'acme',
    kind: 'volume_spike',
    polarity: 'negative',
    severity: 'warning',
  } as AlertPayload;
  const routes = buildConfig(
    {
      brands: [
        { name: 'acme', query: 'acme' },
        { name: 'globex', query: 'globex' },
      ],
      channels: { a: { type: 'console' }, b: { type: 'console' }, c: { type: 'console' } },
      routes: [
        { channels: ['a'] },
        { channels: ['b'], severities: ['critical'] },
        { channels: ['c', 'a'], brands: ['globex'] },
      ],
    },
    {},
  ).routes;
  it('sends to every channel of every matching route, once', () => {
    expect(channelsFor(alert, routes, new Set(['a', 'b', 'c']))).toEqual(['a']);
    expect(channelsFor({ ...alert, severity: 'critical' }, routes, new Set(['a', 'b', 'c']))).toEqual([
      'a',
      'b',
    ]);
    expect(channelsFor({ ...alert, brand: 'globex' }, routes, new Set(['a', 'b', 'c']))).toEqual(['a', 'c']);
  });
  it('skips channels that are switched off', () => {
    expect(channelsFor({ ...alert, brand: 'globex' }, routes, new Set(['c']))).toEqual(['c']);
  });
});
