import { z } from 'zod';
import { prune, type Pruned } from '../src/db/retention.ts';
import { formatDuration } from '../src/duration.ts';
import { jobIdFor } from '../src/queue/index.ts';
import type { JobContext } from './context.ts';

export const prunePayload = z.object({ tick: z.number() });
export type PrunePayload = z.infer<typeof prunePayload>;

/** Retention: one prune per tick in the whole cluster (the id is the same in every process). */
export const pruneJob = {
  queue: 'prune' as const,
  // A failed prune loses nothing: the next tick deletes what this one left.
  attempts: 1,
  everyMs: 3_600_000,
  jobId: (tick: number) => jobIdFor('prune', String(tick)),
  async handle(ctx: JobContext, _data: PrunePayload): Promise<Pruned> {
    const { mentionsMs, snapshotsMs } = ctx.config.settings.retention;
    const now = ctx.clock.now().getTime();
    const pruned = await prune(ctx.store, {
      mentionsBefore: now - mentionsMs,
      snapshotsBefore: now - snapshotsMs,
    });
    if (pruned.mentions > 0 || pruned.snapshots > 0)
      ctx.log.info(
        { ...pruned },
        `retention: pruned ${pruned.mentions} mention(s) older than ${formatDuration(mentionsMs)} and ${pruned.snapshots} engagement reading(s) older than ${formatDuration(snapshotsMs)}`,
      );
    return pruned;
  },
};
