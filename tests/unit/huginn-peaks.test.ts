import { describe, expect, it } from 'vitest';
import { HUGINN_DEFAULTS, huginnPeaks } from '../../bench/huginn-peaks.ts';

const HOUR = 3_600_000;
const series = (values: number[]) => values.map((value, i) => ({ time: (i + 1) * HOUR, value }));

describe("Huginn's peak detector, as ported for the benchmark", () => {
  it('tells a peak one point after it, once the value falls', () => {
    const peaks = huginnPeaks(series([1, 2, 1, 2, 1, 2, 1, 20, 5]));
    expect(peaks).toEqual([{ at: 9 * HOUR, peakTime: 8 * HOUR, peak: 20 }]);
  });

  it('says nothing while the value still rises, however high', () => {
    expect(huginnPeaks(series([1, 2, 1, 2, 1, 2, 1, 20, 40, 80]))).toEqual([]);
  });

  it('needs more than four points before looking', () => {
    // Four points then a fall: the agent holds five only at the fall's event, so the check runs then.
    expect(huginnPeaks(series([1, 1, 9, 1]))).toEqual([]);
    expect(huginnPeaks(series([1, 1, 1, 9, 1]))).toHaveLength(1);
  });

  it('leaves two days between peaks', () => {
    const values = [1, 2, 1, 2, 1, 2, 1, 30, 1, ...new Array<number>(20).fill(1), 30, 1];
    expect(huginnPeaks(series(values))).toHaveLength(1);
    const later = [...values, ...new Array<number>(48).fill(1), 40, 1];
    expect(huginnPeaks(series(later))).toHaveLength(2);
  });

  it('compares with mean + 3 standard deviations of all but the last two points', () => {
    // mean 2, population sd 1: 5 is exactly at the threshold (not above), 5.5 above it.
    const base = [1, 3, 1, 3, 1, 3];
    expect(huginnPeaks(series([...base, 5, 0]))).toEqual([]);
    expect(huginnPeaks(series([...base, 5.5, 0]))).toHaveLength(1);
    expect(HUGINN_DEFAULTS).toMatchObject({ stdMultiple: 3, warmUp: 4, spacingMs: 2 * 24 * HOUR });
  });
});
