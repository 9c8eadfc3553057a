import type { DetectionSettings } from '../config.ts';
import type { Severity } from '../types.ts';
import { poissonUpperTail } from './stats.ts';

/** Expected negatives per window assumed for a brand with no history yet, so min_negative governs. */
const EXPECTED_FLOOR = 0.5;

export interface SpikeInput {
  /** Negative mentions in the current window. */
  windowCount: number;
  /** Negative mentions in the baseline span before the window. */
  baselineCount: number;
  /** How much history the baseline really covers (less than the setting for a new brand). */
  baselineSpanMs: number;
  settings: DetectionSettings;
}

export interface Finding {
  kind: 'volume_spike';
  polarity: 'negative';
  severity: Severity;
  evidence: {
    window_minutes: number;
    negatives_in_window: number;
    expected_in_window: number;
    ratio: number;
    p_value: number;
  };
}

/** A burst of negative mentions against the brand's own baseline (Poisson test; exact for small counts). */
export function detectNegativeSpike(input: SpikeInput): Finding | null {
  const { windowCount: k, settings: s } = input;
  const expected = input.baselineSpanMs > 0 ? (input.baselineCount * s.window) / input.baselineSpanMs : 0;
  const lambda = Math.max(expected, EXPECTED_FLOOR);
  if (k < s.min_negative || k < s.spike_ratio * lambda) return null;
  const p = poissonUpperTail(k, lambda);
  if (p >= s.p_value) return null;
  const ratio = k / lambda;
  return {
    kind: 'volume_spike',
    polarity: 'negative',
    severity: severityOf(k, ratio, s),
    evidence: {
      window_minutes: Math.round(s.window / 60_000),
      negatives_in_window: k,
      expected_in_window: round(expected, 2),
      ratio: round(ratio, 1),
      p_value: Number(p.toPrecision(2)),
    },
  };
}

function severityOf(k: number, ratio: number, s: DetectionSettings): Severity {
  if (ratio >= s.critical_ratio && k >= 2 * s.min_negative) return 'critical';
  if (ratio >= 2 * s.spike_ratio || k >= 2 * s.min_negative) return 'warning';
  return 'info';
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
