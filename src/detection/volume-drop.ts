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

/**
 * Below this many expected mentions a quiet spell is ordinary. At 10 only a near-total silence is
 * unlikely enough (none where 10 were due happens by chance once in 22,000 windows).
 */
const LEAST_EXPECTED = 10;
const P_DROP = 1e-4;

export interface DropCount {
  total: number;
  expected: number;
}

/**
 * Whether `total` is a sharp drop from `expected`: far below it, and very unlikely by chance. A drop
 * already reported lasts until the volume is back to half the usual, through the night too, so one
 * silence is one incident and not one a day.
 */
function dropped(c: DropCount, s: DetectionSettings, ongoing: boolean): number | null {
  if (ongoing)
    return c.total > 0 && c.total >= 0.5 * c.expected ? null : poissonLowerTail(c.total, c.expected);
  if (c.expected < LEAST_EXPECTED || c.total > s.drop_ratio * c.expected) return null;
  const p = poissonLowerTail(c.total, c.expected);
  return p < P_DROP ? p : null;
}

/**
 * A sharp drop in mentions against the usual for these hours (learned over at least a week, so a
 * night or a Sunday is not a drop): a source that broke without failing, a query that stopped
 * matching, or a platform that changed. A drop of the brand's whole volume is one finding; else
 * each source that went quiet is its own (subject: the source). Not a tone; polarity neutral.
 */
export function detectVolumeDrops(input: {
  brand: { displayName: string };
  all: DropCount;
  bySource: ReadonlyMap<string, DropCount>;
  /** Subjects ('' for the whole volume, else a source) whose drop is already an open incident. */
  ongoing?: ReadonlySet<string>;
  settings: DetectionSettings;
}): Finding[] {
  const s = input.settings;
  const ongoing = input.ongoing ?? new Set<string>();
  const hours = Math.round(s.drop_window / 3_600_000);
  const quiet = [...input.bySource].flatMap(([source, c]) => {
    const p = dropped(c, s, ongoing.has(source));
    return p === null ? [] : [{ source, c, p }];
  });
  // A source already known to be quiet is that incident: the rest of the volume is judged without it.
  const known = quiet.filter((q) => ongoing.has(q.source));
  const all = known.reduce(
    (a, q) => ({ total: a.total - q.c.total, expected: a.expected - q.c.expected }),
    input.all,
  );
  const fresh = quiet.filter((q) => !ongoing.has(q.source));
  const p = dropped(all, s, ongoing.has(''));
  const out: Finding[] = known.map((q) => sourceFinding(input.brand.displayName, q, hours));
  if (p !== null) {
    const which = fresh.map((q) => `${q.source} ${q.c.total} (usually ${Math.round(q.c.expected)})`);
    out.push({
      kind: 'volume_drop',
      polarity: 'neutral',
      severity: 'warning',
      subject: '',
      title: `${input.brand.displayName}: ${all.total} mentions in ${hours} h, usually ${Math.round(all.expected)}${which.length ? ` — ${which.join(', ')}` : ''}`,
      mentionIds: [],
      evidence: {
        window_hours: hours,
        mentions_in_window: all.total,
        expected_in_window: round(all.expected, 1),
        p_value: Number(p.toPrecision(2)),
        ...(fresh.length ? { sources: fresh.map((q) => q.source).join(', ') } : {}),
      },
    });
    return out;
  }
  return [...out, ...fresh.map((q) => sourceFinding(input.brand.displayName, q, hours))];
}

function sourceFinding(
  brand: string,
  q: { source: string; c: DropCount; p: number },
  hours: number,
): Finding {
  return {
    kind: 'volume_drop',
    polarity: 'neutral',
    severity: 'warning',
    subject: q.source,
    title:
      q.c.total === 0
        ? `${brand}: no mentions from ${q.source} in ${hours} h (usually ${Math.round(q.c.expected)})`
        : `${brand}: only ${q.c.total} mentions from ${q.source} in ${hours} h (usually ${Math.round(q.c.expected)})`,
    mentionIds: [],
    evidence: {
      source: q.source,
      window_hours: hours,
      mentions_in_window: q.c.total,
      expected_in_window: round(q.c.expected, 1),
      p_value: Number(q.p.toPrecision(2)),
    },
  };
}
