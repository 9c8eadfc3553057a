/**
 * Huginn's PeakDetectorAgent (app/models/agents/peak_detector_agent.rb), ported line for line as
 * the baseline `bench:detect` measures Earshot against. Each event is one value at one time (here:
 * the count of negative mentions in one hour, sent when the hour is over). For every event the
 * agent remembers [value, time], forgets what is older than `window`, and, once it holds more than
 * four points and the last peak is older than `spacing`, takes the mean and standard deviation
 * (population) of every point but the last two: when the newest value is below the one before,
 * and that one is above mean + `stdMultiple` standard deviations, the one before was a peak. So
 * the peak is told one event after it, when the count has begun to fall.
 */
export interface PeakSettings {
  stdMultiple: number;
  /** Peaks closer than this to the last one are not looked for (Huginn: 2 days). */
  spacingMs: number;
  /** Memory of values (Huginn: 2 weeks). */
  windowMs: number;
  /** Points needed before the first check: the agent checks when it holds more than this (4). */
  warmUp: number;
}

export const HUGINN_DEFAULTS: PeakSettings = {
  stdMultiple: 3,
  spacingMs: 2 * 86_400_000,
  windowMs: 14 * 86_400_000,
  warmUp: 4,
};

export interface Peak {
  /** When the agent emitted it: the time of the event after the peak. */
  at: number;
  peakTime: number;
  peak: number;
}

export function huginnPeaks(events: { time: number; value: number }[], s = HUGINN_DEFAULTS): Peak[] {
  const data: { value: number; time: number }[] = [];
  const peaks: number[] = [];
  const out: Peak[] = [];
  for (const event of [...events].sort((a, b) => a.time - b.time)) {
    data.push({ value: event.value, time: event.time });
    // cleanup: reject! { |value, time| time <= newest_time - window_duration }
    const newest = event.time;
    while (data.length > 0 && (data[0] as { time: number }).time <= newest - s.windowMs) data.shift();
    const lastPeak = peaks[peaks.length - 1];
    if (data.length <= s.warmUp || (lastPeak !== undefined && !(lastPeak < event.time - s.spacingMs)))
      continue;
    const { mean, sd } = stats(data.slice(0, data.length - 2).map((d) => d.value));
    const newestValue = (data[data.length - 1] as { value: number }).value;
    const second = data[data.length - 2] as { value: number; time: number };
    if (newestValue < second.value && second.value > mean + s.stdMultiple * sd) {
      peaks.push(second.time);
      while (peaks.length > 0 && (peaks[0] as number) <= second.time - s.windowMs) peaks.shift();
      out.push({ at: event.time, peakTime: second.time, peak: second.value });
    }
  }
  return out;
}

function stats(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, sd: Math.sqrt(variance) };
}
