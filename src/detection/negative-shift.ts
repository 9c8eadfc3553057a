import type { DetectionSettings } from '../config.ts';
import { round, type Finding } from './types.ts';

/** z of a one-sided test on a proportion; 3.5 is about 1 in 4,300 by chance. */
const Z_WARNING = 3.5;
const Z_CRITICAL = 6;

export interface ShiftInput {
  brand: { displayName: string };
  /** Originals (copies left out) per label over the shift window. */
  negatives: number;
  total: number;
  /** Negative share over the baseline before the window. */
  baselineShare: number;
  baselineTotal: number;
  mentionIds: string[];
  settings: DetectionSettings;
}

/**
 * The share of negative mentions souring at ordinary volume: the window's share against the
 * baseline's, by a one-sided test on the two proportions, and by at least `shift_increase` points, so a
 * large brand's trivial drift is not news.
 */
export function detectNegativeShift(input: ShiftInput): Finding | null {
  const s = input.settings;
  const n = input.total;
  if (n < s.shift_min_mentions || input.baselineTotal < 2 * s.shift_min_mentions) return null;
  const p0 = Math.min(0.95, Math.max(0.01, input.baselineShare));
  const share = input.negatives / n;
  if (share < p0 + s.shift_increase) return null;
  // Two proportions, the baseline's with its own sample: a day of history is not a month of it.
  const n0 = input.baselineTotal;
  const pooled = Math.min(0.95, Math.max(0.01, (input.negatives + p0 * n0) / (n + n0)));
  const z = (share - p0) / Math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / n0));
  if (z < Z_WARNING) return null;
  const hours = Math.round(s.shift_window / 3_600_000);
  const severity =
    z >= Z_CRITICAL && share >= 2 * p0 && share >= 0.5 ? 'critical' : share >= 2 * p0 ? 'warning' : 'info';
  return {
    kind: 'negative_shift',
    polarity: 'negative',
    severity,
    subject: '',
    title: `${input.brand.displayName}: ${Math.round(share * 100)} % of mentions negative over ${hours} h (usually ${Math.round(p0 * 100)} %)`,
    mentionIds: input.mentionIds,
    evidence: {
      window_hours: hours,
      mentions_in_window: n,
      negative_share: round(share, 3),
      usual_share: round(p0, 3),
      z: round(z, 1),
    },
  };
}
