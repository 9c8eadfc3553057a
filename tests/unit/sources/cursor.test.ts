import { describe, expect, it } from 'vitest';
import { nextSeen } from '../../../src/sources/cursor.ts';

describe('newest-first stream cursors', () => {
  it('moves to the newest time read and keeps the latest ids first', () => {
    const c = nextSeen({ since: '2026-01-01T00:00:00Z', seen: ['old'] }, '2026-01-01T00:00:00Z', [
      { id: 'b', at: '2026-01-02T00:00:00.000Z' },
      { id: 'a', at: '2026-01-01T12:00:00Z' },
    ]);
    expect(c).toEqual({ since: '2026-01-02T00:00:00.000Z', seen: ['b', 'a', 'old'] });
  });

  it('stays where it was when nothing new came, and keeps at most 500 ids', () => {
    const before = { since: 1_700_000_000, seen: Array.from({ length: 500 }, (_, i) => `t${i}`) };
    const c = nextSeen(before, before.since, [{ id: 'n', at: 1_699_999_000 }]);
    expect(c.since).toBe(1_700_000_000);
    expect(c.seen).toHaveLength(500);
    expect(c.seen.slice(0, 2)).toEqual(['n', 't0']);
  });
});
