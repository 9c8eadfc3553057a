import { describe, expect, it } from 'vitest';
import { exhaustedUntil } from '../../src/sources/http.ts';
import { holdUntil, pace } from '../../src/sources/pace.ts';

describe('pacing calls to one API', () => {
  it('spaces calls on one key and leaves other keys alone', async () => {
    const t0 = Date.now();
    await Promise.all([pace('k1', 100), pace('k1', 100), pace('k1', 100)]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    const t1 = Date.now();
    await pace('k2', 100);
    expect(Date.now() - t1).toBeLessThan(50);
  });

  it('holds a key until the reset the API announced', async () => {
    holdUntil('k3', Date.now() + 300);
    const t0 = Date.now();
    await pace('k3', 0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it('reads the three reset styles of rate-limit headers', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(
      exhaustedUntil(
        { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1767269100' },
        { remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset', resetStyle: 'epoch' },
        now,
      ),
    ).toBe(1_767_269_100_000);
    expect(
      exhaustedUntil(
        { 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '42' },
        { remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetStyle: 'seconds' },
        now,
      ),
    ).toBe(now + 42_000);
    expect(
      exhaustedUntil(
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-01-01T12:05:00.000000Z' },
        { remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetStyle: 'iso' },
        now,
      ),
    ).toBe(now + 300_000);
    expect(
      exhaustedUntil(
        { 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': '42' },
        { remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetStyle: 'seconds' },
        now,
      ),
    ).toBeNull();
  });
});
