import { DAY, HOUR } from './posts.ts';

// People post little at night, most in the afternoon and evening, and less at weekends. Shapes,
// not measurements: enough that a detector which ignores the hour of day sees nightly lulls and
// daily peaks, as it would on real traffic.
const BY_HOUR = [
  0.35, 0.25, 0.2, 0.18, 0.2, 0.3, 0.5, 0.8, 1.05, 1.2, 1.25, 1.3, 1.35, 1.35, 1.3, 1.3, 1.35, 1.4, 1.45, 1.5,
  1.45, 1.3, 1.0, 0.65,
];
/** Monday first. */
const BY_WEEKDAY = [1.08, 1.08, 1.05, 1.04, 1.0, 0.9, 0.85];

const HOUR_MEAN = BY_HOUR.reduce((a, b) => a + b, 0) / BY_HOUR.length;
const WEEKDAY_MEAN = BY_WEEKDAY.reduce((a, b) => a + b, 0) / BY_WEEKDAY.length;

/** How busy time `t` (epoch ms, UTC) is against the weekly mean: 1 on average over a week. */
export function season(t: number): number {
  const hour = Math.floor((t % DAY) / HOUR);
  // 1970-01-01 was a Thursday: day 0 is weekday index 3.
  const weekday = (Math.floor(t / DAY) + 3) % 7;
  return ((BY_HOUR[hour] as number) / HOUR_MEAN) * ((BY_WEEKDAY[weekday] as number) / WEEKDAY_MEAN);
}
