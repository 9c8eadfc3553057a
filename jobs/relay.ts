import { sql } from 'drizzle-orm';
import { markRelayed, unrelayed } from '../src/db/incidents.ts';
import { errorMessage } from '../src/errors.ts';
import type { JobContext } from './context.ts';
import { deliverJob } from './deliver.ts';

/**
 * Moves alerts from the outbox into the queue, oldest first. Stops at the first failure (Redis
 * down) so that alerts go out in order once it is back; nothing is lost meanwhile.
 */
export async function relayOutbox(ctx: JobContext): Promise<number> {
  let moved = 0;
  for (;;) {
    const batch = unrelayed(ctx.store);
    if (batch.length === 0) return moved;
    for (const entry of batch) {
      try {
        for (const { channel, retries } of entry.deliveries) {
          await ctx.queue.add(
            'deliver',
            { alertId: entry.alertId, channel },
            {
              jobId: deliverJob.jobId(entry.alertId, channel, retries),
              attempts: deliverJob.attempts,
              backoffMs: deliverJob.backoffMs,
            },
          );
        }
      } catch (err) {
        ctx.log.warn(`alerts wait in the outbox: ${errorMessage(err)}`);
        return moved;
      }
      markRelayed(ctx.store, entry.alertId, ctx.clock.now().getTime());
      moved++;
    }
  }
}

/** After a restart, deliveries whose queue job may have died with the process go back to the outbox. */
export function reopenUnfinished(ctx: JobContext): void {
  ctx.store.db.run(
    sql`update alerts set relayed_at = null where id in (select alert_id from deliveries where status in ('pending', 'failed'))`,
  );
}
