import type { Logger } from 'pino';
import { BullQueue } from './bullmq.ts';
import { EmbeddedQueue } from './embedded.ts';
import type { JobQueue } from './types.ts';

/** BullMQ when a Redis URL is given, the in-process queue otherwise. */
export function createQueue(opts: { redisUrl?: string; prefix?: string; log?: Logger }): JobQueue {
  if (opts.redisUrl)
    return new BullQueue({
      url: opts.redisUrl,
      ...(opts.prefix ? { prefix: opts.prefix } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
  return new EmbeddedQueue(opts.log ? { log: opts.log } : {});
}

/**
 * A deterministic job id from its parts. BullMQ refuses ids containing ':' and ids that are
 * integers, so parts are joined with '|' (escaped inside parts) behind a word.
 */
export function jobIdFor(...parts: string[]): string {
  return parts.map((p) => p.replace(/%/g, '%25').replace(/\|/g, '%7C').replace(/:/g, '%3A')).join('|');
}
