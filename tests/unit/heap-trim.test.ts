import v8 from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeapTrim } from '../../src/heap-trim.ts';

const held = () => v8.getHeapStatistics().total_heap_size;
const MB = 1024 * 1024;

/** Grows this process's heap well past the trim's threshold; all of it is garbage on return. */
function burst(): void {
  const keep: unknown[][] = [];
  for (let r = 0; r < 40 && held() < 200 * MB; r++) {
    const batch: unknown[] = [];
    for (let i = 0; i < 100_000; i++) batch.push({ text: `post ${r} ${i}`, metrics: [i, r] });
    keep.push(batch);
  }
}

const timers: NodeJS.Timeout[] = [];
afterEach(() => {
  for (const t of timers.splice(0)) clearInterval(t);
});

describe('the heap trim', () => {
  it('gives back what a burst grew once the daemon is quiet, and says how much', async () => {
    burst();
    const before = held();
    expect(before).toBeGreaterThan(96 * MB);
    const freed: number[] = [];
    const t = startHeapTrim({ quietFor: () => 60_000, onTrim: (n) => freed.push(n) });
    if (t) timers.push(t);
    for (let i = 0; i < 50 && freed.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(freed).toHaveLength(1);
    expect(freed[0]).toBeGreaterThan(32 * MB);
    expect(held()).toBeLessThan(before - 32 * MB);
  });

  it('never collects while jobs run or just ran', async () => {
    burst();
    expect(held()).toBeGreaterThan(96 * MB);
    const freed: number[] = [];
    const t = startHeapTrim({ quietFor: () => 1_000, onTrim: (n) => freed.push(n) });
    if (t) timers.push(t);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(freed).toEqual([]);
  });
});
