import { markRelayed, unrelayed } from '../src/db/outbox.ts';
import { errorMessage } from '../src/errors.ts';
import type { JobContext } from './context.ts';
import { deliverJob } from './deliver.ts';

/**
 * Moves alerts from the outbox into the queue, oldest first, a batch at a time (one round trip to
 * Redis, one transaction to mark them). Stops at the first failure (Redis down) so that alerts go
 * out in order once it is back; nothing is lost meanwhile.
 */
export async function relayOutbox(ctx: JobContext): Promise<number> {
  let moved = 0;
  for (;;) {
    const batch = await unrelayed(ctx.store);
    if (batch.length === 0) return moved;
    const jobs = batch.flatMap((entry) =>
      entry.deliveries.map(({ channel, retries }) => ({
        data: { alertId: entry.alertId, channel },
        opts: {
          jobId: deliverJob.jobId(entry.alertId, channel, retries),
          attempts: deliverJob.attempts,
          backoffMs: deliverJob.backoffMs,
        },
      })),
    );
    try {
      await ctx.queue.addBulk('deliver', jobs);
    } catch (err) {
      ctx.log.warn(`alerts wait in the outbox: ${errorMessage(err)}`);
      return moved;
    }
    await markRelayed(
      ctx.store,
      batch.map((e) => e.alertId),
      ctx.clock.now().getTime(),
    );
    moved += batch.length;
  }
}

/**
 * After a restart (or Redis coming back), deliveries whose queue job may have died with the process
 * (or with Redis) go back to the outbox; offering a job the queue still holds again is a no-op.
 */
export async function reopenUnfinished(ctx: JobContext): Promise<void> {
  await ctx.store.run(
    `update alerts set relayed_at = null where id in (select alert_id from deliveries where status in ('pending', 'failed'))`,
  );
}
