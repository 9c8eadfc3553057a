import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BullQueue } from '../../src/queue/bullmq.ts';
import { EmbeddedQueue } from '../../src/queue/embedded.ts';
import { jobIdFor } from '../../src/queue/index.ts';
import { DeferJobError, PermanentJobError, RetryLaterError, type JobQueue } from '../../src/queue/types.ts';

const REDIS = 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The same checks against both implementations of the seam (BullMQ's adapter-conformance habit).
const prefixes: string[] = [];
const open: JobQueue[] = [];
function bull(prefix = `test-${randomUUID()}`): JobQueue {
  prefixes.push(prefix);
  const q = new BullQueue({ url: REDIS, prefix });
  open.push(q);
  return q;
}
function embedded(): JobQueue {
  const q = new EmbeddedQueue();
  open.push(q);
  return q;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close()));
  const r = new Redis(REDIS);
  for (const p of prefixes.splice(0)) {
    const keys = await r.keys(`${p}:*`);
    if (keys.length > 0) await r.del(...keys);
  }
  r.disconnect();
});

describe.each([
  { name: 'embedded', make: embedded },
  { name: 'bullmq', make: () => bull() },
])('queue seam: $name', ({ make }) => {
  it('runs jobs, and a job id already queued or done is a no-op', async () => {
    const q = make();
    const seen: number[] = [];
    q.work<{ n: number }>('poll', async (d) => void seen.push(d.n));
    expect(await q.add('poll', { n: 1 }, { jobId: jobIdFor('poll', 'acme', 'rss', '1000') })).toBe(true);
    expect(await q.add('poll', { n: 2 }, { jobId: jobIdFor('poll', 'acme', 'rss', '1000') })).toBe(false);
    await q.add('poll', { n: 3 }, { jobId: jobIdFor('poll', 'acme', 'rss', '2000') });
    await q.drain('poll', 10_000);
    expect(await q.add('poll', { n: 4 }, { jobId: jobIdFor('poll', 'acme', 'rss', '1000') })).toBe(false);
    await q.drain('poll', 10_000);
    expect(seen.sort()).toEqual([1, 3]);
  });

  it('respects the concurrency it was given', async () => {
    const q = make();
    let running = 0;
    let peak = 0;
    q.work(
      'detect',
      async () => {
        peak = Math.max(peak, ++running);
        await sleep(30);
        running--;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 8; i++) await q.add('detect', {}, { jobId: `c-${i}` });
    await q.drain('detect', 10_000);
    expect(peak).toBe(2);
  });

  it('retries with backoff until it succeeds, and never retries a permanent failure', async () => {
    const q = make();
    const tries = new Map<string, number[]>();
    q.work<{ kind: string }>('deliver', async (d, meta) => {
      tries.set(d.kind, [...(tries.get(d.kind) ?? []), meta.attempt]);
      if (d.kind === 'flaky' && meta.attempt < 3) throw new Error('500 from the receiver');
      if (d.kind === 'gone') throw new PermanentJobError('410 channel_is_archived');
    });
    await q.add('deliver', { kind: 'flaky' }, { jobId: 'flaky', attempts: 5, backoffMs: 20 });
    await q.add('deliver', { kind: 'gone' }, { jobId: 'gone', attempts: 5, backoffMs: 20 });
    await q.drain('deliver', 10_000);
    expect(tries.get('flaky')).toEqual([1, 2, 3]);
    expect(tries.get('gone')).toEqual([1]);
  });

  it('waits the delay a RetryLaterError asks for', async () => {
    const q = make();
    const at: number[] = [];
    q.work('deliver', async () => {
      at.push(Date.now());
      if (at.length === 1) throw new RetryLaterError('429', 400);
    });
    await q.add('deliver', {}, { jobId: 'later', attempts: 3, backoffMs: 10 });
    await q.drain('deliver', 10_000);
    expect(at).toHaveLength(2);
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(350);
  });

  it('defers a job with new data, without counting a try', async () => {
    const q = make();
    const seen: { step: number; attempt: number; at: number }[] = [];
    q.work<{ step: number }>('deliver', async (d, meta) => {
      seen.push({ step: d.step, attempt: meta.attempt, at: Date.now() });
      if (d.step < 3) throw new DeferJobError('its slot is later', 150, { step: d.step + 1 });
    });
    await q.add('deliver', { step: 1 }, { jobId: 'deferred', attempts: 1 });
    await q.drain('deliver', 10_000);
    expect(seen.map((s) => [s.step, s.attempt])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect((seen[2]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(280);
  });

  it('lets a running job finish on close', async () => {
    const q = make();
    let finished = false;
    let started = false;
    q.work('poll', async () => {
      started = true;
      await sleep(300);
      finished = true;
    });
    await q.add('poll', {}, { jobId: 'slow' });
    while (!started) await sleep(10);
    await q.close();
    expect(finished).toBe(true);
  });
});

describe('two daemons on one Redis', () => {
  it('run each deterministic job exactly once', async () => {
    const prefix = `test-${randomUUID()}`;
    const a = bull(prefix);
    const b = bull(prefix);
    const runs: string[] = [];
    for (const q of [a, b])
      q.work<{ id: string }>('poll', async (d) => void runs.push(d.id), { concurrency: 4 });
    // Both schedulers compute the same ticks and enqueue them at the same moment.
    const ids = Array.from({ length: 50 }, (_, i) =>
      jobIdFor('poll', `brand${i % 5}`, 'rss', String(60_000 * (i % 10))),
    );
    await Promise.all(
      ids.flatMap((id) => [a.add('poll', { id }, { jobId: id }), b.add('poll', { id }, { jobId: id })]),
    );
    await a.drain('poll', 10_000);
    expect(runs.sort()).toEqual([...new Set(ids)].sort());
  });

  it('reports an unreachable Redis in words, within seconds, without hanging', async () => {
    const q = new BullQueue({ url: 'redis://:hunter2@127.0.0.1:1', prefix: `test-${randomUUID()}` });
    const t0 = Date.now();
    const err = await q.add('poll', {}, { jobId: 'x' }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('queue unavailable: redis at 127.0.0.1:1 is not answering');
    expect(Date.now() - t0).toBeLessThan(10_000);
    await Promise.race([q.close(), sleep(2_000)]);
  });
});
