import type { Job, JobsOptions, MinimalJob, Queue, Worker } from 'bullmq';
import { hostname } from 'node:os';
import type { RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.ts';
import { backoffDelay } from './backoff.ts';
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
import { lazy } from '../lazy.ts';

const bull = lazy<typeof import('bullmq')>('bullmq');

/** This process, as BullMQ records it on the jobs it runs: `host:pid`. */
export const WORKER_NAME = `${hostname()}:${process.pid}`;

/** How long `add` may wait for Redis before the caller is told it is unavailable. */
const ADD_TIMEOUT_MS = 5_000;

/** ioredis options from a redis:// URL; the password stays out of every message. */
export function redisOptions(url: string): RedisOptions & { where: string } {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number.isFinite(db) ? db : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    where: `${u.hostname}:${u.port || 6379}`,
  };
}

/** BullMQ behind the queue seam: any number of processes on one Redis share the work. */
export class BullQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly where: string;
  private readonly connection: RedisOptions;
  private readonly prefix: string;
  private readonly log?: Logger;
  private lastErrorLog = 0;

  constructor(opts: { url: string; prefix?: string; log?: Logger }) {
    const { where, ...connection } = redisOptions(opts.url);
    this.where = where;
    this.connection = connection;
    this.prefix = opts.prefix ?? 'earshot';
    this.log = opts.log;
    for (const name of QUEUE_NAMES) {
      const q = new (bull().Queue)(name, { connection: this.connection, prefix: this.prefix });
      q.on('error', (err) => this.connectionError(err));
      this.queues.set(name, q);
    }
  }

  private queue(name: QueueName): Queue {
    return this.queues.get(name) as Queue;
  }

  async add<T>(queue: QueueName, data: T, opts: JobOptions): Promise<boolean> {
    const q = this.queue(queue);
    return withTimeout(
      (async () => {
        if (await q.getJob(opts.jobId)) return false;
        await q.add(queue, data, bullOptions(opts));
        return true;
      })(),
      ADD_TIMEOUT_MS,
      this.unavailable(),
    );
  }

  async addBulk<T>(queue: QueueName, jobs: { data: T; opts: JobOptions }[]): Promise<void> {
    if (jobs.length === 0) return;
    // BullMQ skips an id it already holds, so no look-up first: one round trip for the batch.
    const bulk = jobs.map((j) => ({ name: queue, data: j.data, opts: bullOptions(j.opts) }));
    await withTimeout(this.queue(queue).addBulk(bulk), ADD_TIMEOUT_MS, this.unavailable());
  }

  private unavailable(): string {
    return `queue unavailable: redis at ${this.where} is not answering`;
  }

  work<T>(queue: QueueName, handler: JobHandler<T>, opts: { concurrency?: number } = {}): void {
    const worker = new (bull().Worker)(
      queue,
      async (job: Job, token?: string) => {
        try {
          await handler(job.data as T, {
            id: job.id ?? '',
            attempt: job.attemptsMade + 1,
            attemptsMax: job.opts.attempts ?? 1,
          });
        } catch (err) {
          if (err instanceof PermanentJobError) throw new (bull().UnrecoverableError)(err.message);
          if (err instanceof DeferJobError) {
            await job.updateData(err.data);
            await job.moveToDelayed(Date.now() + err.delayMs, token);
            // BullMQ's way of saying "moved, not failed": no try is counted.
            throw new (bull().DelayedError)();
          }
          throw err;
        }
      },
      {
        connection: { ...this.connection, maxRetriesPerRequest: null },
        prefix: this.prefix,
        concurrency: opts.concurrency ?? 1,
        // Kept on every job it takes (`processedBy`): which daemon ran what, when several share Redis.
        name: WORKER_NAME,
        // A job whose daemon died (SIGKILL, power loss) is taken over within about 15 s rather
        // than BullMQ's default of up to a minute; the lock is renewed every 5 s meanwhile.
        lockDuration: 10_000,
        stalledInterval: 5_000,
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob) => {
            if (err instanceof RetryLaterError) return err.delayMs;
            const base = typeof job?.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 1_000) : 1_000;
            return backoffDelay(attemptsMade, base);
          },
        },
      },
    );
    worker.on('error', (err) => this.connectionError(err));
    worker.on('failed', (job, err) => {
      const final =
        !job || err instanceof bull().UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      this.log?.[final ? 'error' : 'warn'](
        { queue, jobId: job?.id, attempt: job?.attemptsMade },
        `job ${job?.id ?? '?'} failed${final ? '' : ', will retry'}: ${err.message}`,
      );
    });
    this.workers.push(worker);
  }

  onReconnect(fn: () => void): void {
    // The client resolves once first connected: every later 'ready' is a reconnection.
    void this.queue('deliver')
      .client.then((c) => c.on('ready', fn))
      .catch(() => undefined);
  }

  async counts(): Promise<Record<QueueName, number>> {
    const out = {} as Record<QueueName, number>;
    for (const name of QUEUE_NAMES) {
      const c = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
      out[name] = Object.values(c).reduce((a, b) => a + b, 0);
    }
    return out;
  }

  async drain(queue: QueueName, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.counts())[queue] === 0) return;
      if (Date.now() > until) throw new Error(`queue ${queue} still busy after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** Logged once per outage-minute, not once per reconnect attempt. */
  private connectionError(err: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 60_000) return;
    this.lastErrorLog = now;
    this.log?.error(`redis at ${this.where}: ${errorMessage(err)} (retrying)`);
  }
}

function bullOptions(opts: JobOptions): JobsOptions {
  return {
    jobId: opts.jobId,
    ...(opts.delayMs ? { delay: opts.delayMs } : {}),
    attempts: opts.attempts ?? 1,
    backoff: { type: 'earshot', delay: opts.backoffMs ?? 1_000 },
    // Finished ids are kept an hour, so a late duplicate from another process is still a no-op.
    removeOnComplete: { age: 3_600 },
    removeOnFail: { age: 7 * 86_400 },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
