import cron from 'node-cron';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.ts';
import { errorMessage } from '../errors.ts';

export interface ScheduleEntry {
  key: string;
  everyMs: number;
  /** True when it queued a job, false when the job was already there (another daemon's). */
  enqueue: (tick: Date) => Promise<boolean | void>;
}

/**
 * The start of the interval `now` falls in, aligned to the epoch: every process computes the same
 * tick, hence the same job id, so two schedulers never poll the same thing twice.
 */
export function alignedTick(now: number, everyMs: number): number {
  return Math.floor(now / everyMs) * everyMs;
}

/** Ticks missed while the event loop was held that are still queued late; older ones are dropped. */
export const MAX_LATE_TICKS = 5;

/**
 * The ticks of each entry whose boundary was crossed between two instants (`after` excluded),
 * oldest first. Every one is queued, not only the latest: a daemon whose loop was held past a
 * boundary (a long poll, a busy machine) still queues that tick, so another daemon dying just then
 * leaves no tick without its job. A longer gap (a suspended machine) keeps the last
 * MAX_LATE_TICKS.
 */
export function dueBetween<T extends { everyMs: number }>(
  entries: readonly T[],
  after: number,
  upTo: number,
): { entry: T; tick: number }[] {
  const out: { entry: T; tick: number }[] = [];
  for (const entry of entries) {
    const every = entry.everyMs;
    const last = alignedTick(upTo, every);
    const first = Math.max(alignedTick(after, every) + every, last - (MAX_LATE_TICKS - 1) * every);
    for (let tick = first; tick <= last; tick += every) out.push({ entry, tick });
  }
  return out;
}

/**
 * One node-cron task ticking every second enqueues the entries that became due. It only queues
 * jobs: the work happens in the workers, wherever they run. Each entry also fires once at start.
 */
export function startSchedules(
  entries: ScheduleEntry[],
  opts: { clock?: Clock; log?: Logger } = {},
): { stop(): void } {
  const clock = opts.clock ?? systemClock;
  // At debug level every tick says who queued it: with several daemons on one Redis, that is how
  // a tick without its job is told from a job lost after it was queued.
  const fire = (entry: ScheduleEntry, tick: number) =>
    void entry
      .enqueue(new Date(tick))
      .then((added) => {
        if (typeof added === 'boolean')
          opts.log?.debug(
            { schedule: entry.key, tick },
            `${added ? 'queued' : 'already queued'}: ${entry.key} at ${tick}`,
          );
      })
      .catch((err: unknown) =>
        opts.log?.error({ schedule: entry.key }, `could not queue ${entry.key}: ${errorMessage(err)}`),
      );
  let last = clock.now().getTime();
  for (const e of entries) fire(e, alignedTick(last, e.everyMs));
  const task = cron.schedule('* * * * * *', () => {
    const now = clock.now().getTime();
    for (const { entry, tick } of dueBetween(entries, last, now)) fire(entry, tick);
    last = now;
  });
  return { stop: () => void task.stop() };
}
