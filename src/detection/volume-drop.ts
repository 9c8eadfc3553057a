import type { DetectionSettings } from '../config.ts';
import { round, type Finding } from './types.ts';

/** P(X <= k) for X ~ Poisson(λ), summed exactly: small k is the interesting case here. */
export function poissonLowerTail(k: number, lambda: number): number {
  let term = Math.exp(-lambda);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= lambda / i;
    sum += term;
  }
  return Math.min(1, sum);
}

/** Below this many expected mentions a quiet spell is ordinary. */
const LEAST_EXPECTED = 30;

/**
 * A sharp drop in all mentions against the usual for these hours: a source that broke without
 * failing, a query that stopped matching, or a platform that changed. Not a tone; polarity neutral.
 */
export function detectVolumeDrop(input: {
  brand: { displayName: string };
  total: number;
  expected: number;
  settings: DetectionSettings;
}): Finding | null {
  const s = input.settings;
  if (input.expected < LEAST_EXPECTED || input.total > s.drop_ratio * input.expected) return null;
  const p = poissonLowerTail(input.total, input.expected);
  if (p >= 1e-4) return null;
  const hours = Math.round(s.drop_window / 3_600_000);
  return {
    kind: 'volume_drop',
    polarity: 'neutral',
    severity: 'warning',
    subject: '',
    title: `${input.brand.displayName}: ${input.total} mentions in ${hours} h, usually ${Math.round(input.expected)}`,
    mentionIds: [],
    evidence: {
      window_hours: hours,
      mentions_in_window: input.total,
      expected_in_window: round(input.expected, 1),
      p_value: Number(p.toPrecision(2)),
    },
  };
}
