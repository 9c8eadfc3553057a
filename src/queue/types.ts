/** The queue seam: BullMQ when REDIS_URL is set, the embedded in-process queue otherwise. */

/** Every queue, in one place: both queues create exactly these. */
export const QUEUE_NAMES = ['poll', 'detect', 'deliver', 'escalate', 'prune', 'digest'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobOptions {
  /** Deterministic id: adding an id that is already queued, running or recently done is a no-op. */
  jobId: string;
  delayMs?: number;
  /** Total tries, the first included. */
  attempts?: number;
  /** First retry delay; doubles each try, with jitter. */
  backoffMs?: number;
}

export interface JobMeta {
  id: string;
  /** 1 on the first try. */
  attempt: number;
  attemptsMax: number;
}

export type JobHandler<T> = (data: T, meta: JobMeta) => Promise<void>;

/** Thrown by a handler to fail a job without retrying it. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Thrown by a handler to retry after a given delay (a 429's Retry-After) instead of the backoff. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/**
 * Thrown by a handler to run the job again after `delayMs` with `data`, without counting a try and
 * without holding a worker meanwhile (a delivery waiting for its slot in a channel's pace).
 */
export class DeferJobError extends Error {
  override name = 'DeferJobError';
  constructor(
    message: string,
    readonly delayMs: number,
    readonly data: unknown,
  ) {
    super(message);
  }
}

export interface JobQueue {
  readonly kind: 'embedded' | 'bullmq';
  /** Returns false when a job with this id already existed. */
  add<T>(queue: QueueName, data: T, opts: JobOptions): Promise<boolean>;
  /** Many jobs in order, in one round trip where the queue has them; known ids are no-ops, as in `add`. */
  addBulk<T>(queue: QueueName, jobs: { data: T; opts: JobOptions }[]): Promise<void>;
  /** Starts consuming `queue`. Call once per queue per process. */
  work<T>(queue: QueueName, handler: JobHandler<T>, opts?: { concurrency?: number }): void;
  /**
   * `fn` runs each time the connection to the queue's server comes back after a loss: a Redis
   * restarted without persistence has forgotten its jobs, which the caller may then offer again.
   */
  onReconnect(fn: () => void): void;
  /** Jobs waiting, delayed or running, per queue. */
  counts(): Promise<Record<QueueName, number>>;
  /** Resolves once every queued job has finished (tests, `poll --once`). */
  drain(queue: QueueName, timeoutMs?: number): Promise<void>;
  /** Stop taking jobs, wait for the running ones, release connections. */
  close(): Promise<void>;
}
