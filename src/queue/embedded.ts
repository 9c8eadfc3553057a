import type { Logger } from 'pino';
import { errorMessage } from '../errors.ts';
import {
  DeferJobError,
  PermanentJobError,
  RetryLaterError,
  type JobHandler,
  type JobOptions,
  type JobQueue,
  type QueueName,
  QUEUE_NAMES,
} from './types.ts';
import { backoffDelay } from './backoff.ts';

/** Ids of finished jobs are remembered this long, so a late duplicate add is still a no-op. */
const KEEP_DONE_MS = 3_600_000;

interface Job {
  id: string;
  data: unknown;
  opts: JobOptions;
  attempt: number;
}

interface Lane {
  waiting: Job[];
  delayed: Map<string, NodeJS.Timeout>;
  running: Set<string>;
  done: Map<string, number>;
  handler?: JobHandler<unknown>;
  concurrency: number;
  idle: (() => void)[];
}

/**
 * The in-process queue of the embedded default: same contract as BullMQ, no server. Jobs live in
 * memory; what must survive a crash (cursors, the alert outbox) lives in the database.
 */
export class EmbeddedQueue implements JobQueue {
  readonly kind = 'embedded' as const;
  private readonly lanes = new Map<QueueName, Lane>();
  private closed = false;
  private readonly log?: Logger;

  constructor(opts: { log?: Logger } = {}) {
    this.log = opts.log;
    for (const q of QUEUE_NAMES) {
      this.lanes.set(q, {
        waiting: [],
        delayed: new Map(),
        running: new Set(),
        done: new Map(),
        concurrency: 1,
        idle: [],
      });
    }
  }

  private lane(q: QueueName): Lane {
    return this.lanes.get(q) as Lane;
  }

  add<T>(queue: QueueName, data: T, opts: JobOptions): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('queue closed'));
    const lane = this.lane(queue);
    this.forgetOld(lane);
    const id = opts.jobId;
    if (
      lane.running.has(id) ||
      lane.delayed.has(id) ||
      lane.done.has(id) ||
      lane.waiting.some((j) => j.id === id)
    ) {
      return Promise.resolve(false);
    }
    const job: Job = { id, data, opts, attempt: 1 };
    if (opts.delayMs && opts.delayMs > 0) this.delay(queue, job, opts.delayMs);
    else lane.waiting.push(job);
    this.pump(queue);
    return Promise.resolve(true);
  }

  async addBulk<T>(queue: QueueName, jobs: { data: T; opts: JobOptions }[]): Promise<void> {
    for (const j of jobs) await this.add(queue, j.data, j.opts);
  }

  work<T>(queue: QueueName, handler: JobHandler<T>, opts: { concurrency?: number } = {}): void {
    const lane = this.lane(queue);
    lane.handler = handler as JobHandler<unknown>;
    lane.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.pump(queue);
  }

  onReconnect(): void {
    // In process: there is no connection to lose.
  }

  counts(): Promise<Record<QueueName, number>> {
    const out = {} as Record<QueueName, number>;
    for (const q of QUEUE_NAMES) {
      const l = this.lane(q);
      out[q] = l.waiting.length + l.delayed.size + l.running.size;
    }
    return Promise.resolve(out);
  }

  drain(queue: QueueName, timeoutMs = 60_000): Promise<void> {
    const lane = this.lane(queue);
    if (this.isIdle(lane)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`queue ${queue} still busy after ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
      lane.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const running: Promise<void>[] = [];
    for (const [q, lane] of this.lanes) {
      for (const t of lane.delayed.values()) clearTimeout(t);
      lane.delayed.clear();
      lane.waiting.length = 0;
      if (lane.running.size > 0) running.push(this.drain(q, 30_000).catch(() => undefined));
    }
    await Promise.all(running);
  }

  private isIdle(lane: Lane): boolean {
    return lane.waiting.length === 0 && lane.delayed.size === 0 && lane.running.size === 0;
  }

  private delay(queue: QueueName, job: Job, ms: number): void {
    const lane = this.lane(queue);
    const timer = setTimeout(() => {
      lane.delayed.delete(job.id);
      if (this.closed) return this.settle(lane);
      lane.waiting.push(job);
      this.pump(queue);
    }, ms);
    timer.unref();
    lane.delayed.set(job.id, timer);
  }

  private pump(queue: QueueName): void {
    const lane = this.lane(queue);
    const handler = lane.handler;
    if (!handler || this.closed) return;
    while (lane.running.size < lane.concurrency && lane.waiting.length > 0) {
      const job = lane.waiting.shift() as Job;
      lane.running.add(job.id);
      const attemptsMax = Math.max(1, job.opts.attempts ?? 1);
      void handler(job.data, { id: job.id, attempt: job.attempt, attemptsMax })
        .then(
          () => lane.done.set(job.id, Date.now()),
          (err: unknown) => this.failed(queue, job, attemptsMax, err),
        )
        .finally(() => {
          lane.running.delete(job.id);
          this.pump(queue);
          this.settle(lane);
        });
    }
  }

  private failed(queue: QueueName, job: Job, attemptsMax: number, err: unknown): void {
    const lane = this.lane(queue);
    if (err instanceof DeferJobError) {
      // Closing: a job that would wait is not a failure; what must survive is in the database.
      if (!this.closed) return this.delay(queue, { ...job, data: err.data }, err.delayMs);
      this.log?.debug({ queue, jobId: job.id }, `job ${job.id} left for the next start`);
      lane.done.set(job.id, Date.now());
      return;
    }
    const permanent = err instanceof PermanentJobError;
    const retry = !permanent && !this.closed && job.attempt < attemptsMax;
    this.log?.[retry ? 'warn' : 'error'](
      { queue, jobId: job.id, attempt: job.attempt, attemptsMax },
      `job ${job.id} failed${retry ? ', will retry' : ''}: ${errorMessage(err)}`,
    );
    if (!retry) {
      lane.done.set(job.id, Date.now());
      return;
    }
    const wait =
      err instanceof RetryLaterError ? err.delayMs : backoffDelay(job.attempt, job.opts.backoffMs ?? 1_000);
    this.delay(queue, { ...job, attempt: job.attempt + 1 }, wait);
  }

  private settle(lane: Lane): void {
    if (!this.isIdle(lane)) return;
    for (const fn of lane.idle.splice(0)) fn();
  }

  private forgetOld(lane: Lane): void {
    if (lane.done.size < 1_000) return;
    const cutoff = Date.now() - KEEP_DONE_MS;
    for (const [id, at] of lane.done) if (at < cutoff) lane.done.delete(id);
  }
}
