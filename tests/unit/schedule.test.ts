import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/queue/backoff.ts';
import { jobIdFor } from '../../src/queue/index.ts';
import { alignedTick, dueBetween, MAX_LATE_TICKS } from '../../src/queue/schedule.ts';

describe('schedule ticks', () => {
  it('aligns ticks to the epoch, so every process computes the same one', () => {
    const now = Date.parse('2026-11-24T10:07:31.250Z');
    expect(new Date(alignedTick(now, 5 * 60_000)).toISOString()).toBe('2026-11-24T10:05:00.000Z');
    expect(alignedTick(now + 1_000, 5 * 60_000)).toBe(alignedTick(now, 5 * 60_000));
  });

  it('finds the entries whose boundary was crossed', () => {
    const entries = [
      { key: 'a', everyMs: 60_000 },
      { key: 'b', everyMs: 300_000 },
    ];
    const t = Date.parse('2026-11-24T10:04:59.500Z');
    expect(dueBetween(entries, t, t + 400).map((d) => d.entry.key)).toEqual([]);
    expect(dueBetween(entries, t, t + 600).map((d) => d.entry.key)).toEqual(['a', 'b']);
    expect(dueBetween(entries, t + 600, t + 60_600).map((d) => d.entry.key)).toEqual(['a']);
  });

  it('queues a tick the loop was held past, oldest first, and keeps only the last few of a long gap', () => {
    const every = { key: 'detect', everyMs: 1_000 };
    const t = Date.parse('2026-11-24T10:00:00.400Z');
    // Held 2.3 s: the boundaries at :01 and :02 were crossed, both are queued.
    expect(dueBetween([every], t, t + 2_300).map((d) => new Date(d.tick).toISOString())).toEqual([
      '2026-11-24T10:00:01.000Z',
      '2026-11-24T10:00:02.000Z',
    ]);
    // Suspended for an hour: the last MAX_LATE_TICKS, not 3,600 jobs.
    const late = dueBetween([every], t, t + 3_600_000);
    expect(late).toHaveLength(MAX_LATE_TICKS);
    expect(late.at(-1)?.tick).toBe(alignedTick(t + 3_600_000, 1_000));
    expect(late[0]?.tick).toBe(alignedTick(t + 3_600_000, 1_000) - (MAX_LATE_TICKS - 1) * 1_000);
  });

  it('builds job ids BullMQ accepts from any parts', () => {
    expect(jobIdFor('poll', 'acme', 'rss', '1764000000000')).toBe('poll|acme|rss|1764000000000');
    expect(jobIdFor('deliver', 'a|b:c', 'x')).toBe('deliver|a%7Cb%3Ac|x');
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(1, 1_000, () => 0)).toBe(500);
    expect(backoffDelay(3, 1_000, () => 1)).toBe(4_000);
    expect(backoffDelay(40, 1_000, () => 1)).toBe(600_000);
  });
});
