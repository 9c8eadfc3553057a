import type { DetectionSettings } from '../config.ts';
import type { Severity } from '../types.ts';
import { sharedPhrase } from './phrases.ts';
import { amplifiers, amplify } from './severity.ts';
import { predictiveUpperTail } from './stats.ts';
import { excerpt, round, type DetectedMention, type Finding } from './types.ts';

/** Hours of history the expected-count floor is worth. */
const PRIOR_HOURS = 24;
/** Share of the window's mentions a warm-up burst must be negative. */
const WARMING_SHARE = 0.5;
/** Expected negatives per window assumed for a brand with no history yet, so min_negative governs. */
const EXPECTED_FLOOR = 0.5;

export interface SpikeInput {
  brand: { name: string; displayName: string };
  /** Negative mentions, and all mentions, in the current window. */
  negatives: number;
  total: number;
  /** What the baseline (with its weekly rhythm) expects in this window. */
  expectedNegatives: number;
  expectedTotal: number;
  /** Share of negatives in the baseline. */
  baselineShare: number;
  /** Hours of history behind the baseline. */
  historyHours: number;
  /** The window's negative mentions, widest reach first (for the title and the severity): read only for a spike. */
  mentions: readonly DetectedMention[] | (() => readonly DetectedMention[]);
  settings: DetectionSettings;
}

/**
 * A burst of negative mentions against the brand's own baseline: Poisson test, exact for small
 * counts, so 6 complaints where 0.5 are usual and 4,500 where 3,000 are usual both read right. Not a
 * crisis when all of the volume rose with the usual tone (a launch, an advert): then the negative
 * share has not moved.
 */
export function detectNegativeSpike(input: SpikeInput): Finding | null {
  const { negatives: k, settings: s } = input;
  const lambda = Math.max(input.expectedNegatives, EXPECTED_FLOOR);
  // Before the warm-up, the baseline is a guess: only a burst three times the minimum alerts.
  const warming = input.historyHours * 3_600_000 < s.warmup;
  const least = warming ? 3 * s.min_negative : s.min_negative;
  if (k < least || k < s.spike_ratio * lambda) return null;
  // A young baseline is an uncertain one: the predictive tail asks more of a day's history than of
  // a month's. Its shape is what the history saw (as many windows as it spans, at this rate), and
  // the floor for a brand without history counts like a day of it.
  const windows = ((input.historyHours + PRIOR_HOURS) * 3_600_000) / s.window;
  const p = predictiveUpperTail(k, lambda, lambda * windows);
  if (p >= s.p_value) return null;
  const share = input.total > 0 ? k / input.total : 1;
  const volumeRatio = input.total / Math.max(input.expectedTotal, EXPECTED_FLOOR);
  const toneHeld = share <= Math.max(1.5 * input.baselineShare, input.baselineShare + 0.1);
  if (!warming && volumeRatio >= s.spike_ratio && toneHeld) return null;
  // With no usual tone to compare with yet, a burst must be most of what is said to be a story:
  // a busy brand's first hour holds fifteen grumbles among a hundred posts as a matter of course.
  if (warming && share < WARMING_SHARE) return null;
  const ratio = k / lambda;
  const mentions = typeof input.mentions === 'function' ? input.mentions() : input.mentions;
  const amp = amplifiers(mentions);
  const severity = amplify(baseSeverity(k, ratio, s), amp);
  const phrase = sharedPhrase(
    // The widest-reaching fifty tell the story; more only cost time on every tick of a big one.
    mentions.slice(0, 50).map((m) => m.text),
    [input.brand.name, ...input.brand.displayName.split(/\s+/)],
  );
  const lead = mentions[0];
  const what = `${k} negative mentions of ${input.brand.displayName} in ${Math.round(s.window / 60_000)} min (usually ${round(input.expectedNegatives, 1)})`;
  const title = phrase ? `"${phrase}": ${what}` : lead ? `${what} — "${excerpt(lead.text, 90)}"` : what;
  return {
    kind: 'volume_spike',
    polarity: 'negative',
    severity,
    subject: '',
    title,
    mentionIds: mentions.map((m) => m.id),
    evidence: {
      window_minutes: Math.round(s.window / 60_000),
      negatives_in_window: k,
      expected_in_window: round(input.expectedNegatives, 2),
      ratio: round(ratio, 1),
      p_value: Number(p.toPrecision(2)),
      negative_share: round(share, 2),
      usual_share: round(input.baselineShare, 2),
      reach: amp.reach,
      crisis_share: round(amp.crisis_share, 2),
      large_accounts: amp.large_accounts,
      ...(phrase ? { phrase } : {}),
      ...(warming ? { warming_up: true } : {}),
    },
  };
}

function baseSeverity(k: number, ratio: number, s: DetectionSettings): Severity {
  if (ratio >= s.critical_ratio && k >= 2 * s.min_negative) return 'critical';
  if (ratio >= 2 * s.spike_ratio || k >= 2 * s.min_negative) return 'warning';
  return 'info';
}
