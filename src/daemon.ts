import type { Logger } from 'pino';
import type { JobContext } from '../jobs/context.ts';
import { deliverJob, deliverPayload } from '../jobs/deliver.ts';
import { detectJob, detectPayload } from '../jobs/detect.ts';
import { digestJob, digestPayload, queueDueDigests } from '../jobs/digest.ts';
import { escalateJob, escalatePayload, escalates, queueDueEscalations } from '../jobs/escalate.ts';
import { pollJob, pollPayload } from '../jobs/poll.ts';
import { relayOutbox, reopenUnfinished } from '../jobs/relay.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config, Env } from './config.ts';
import { openStore } from './db/client.ts';
import { errorMessage } from './errors.ts';
import { createQueue } from './queue/index.ts';
import { startSchedules } from './queue/schedule.ts';
import { createHttp } from './sources/http.ts';
import { getSource } from './sources/index.ts';
import { sharePacing } from './queue/redis-pacer.ts';
import { ackRoute } from './http/ack.ts';
import { digestRoute } from './http/digest.ts';
import { loadAckSecret } from './http/ack-secret.ts';
import { startHttpServer, type HttpServer } from './http/server.ts';

export interface Daemon {
  ctx: JobContext;
  /** Moves the outbox into the queue now (also runs on a timer). */
  relay(): Promise<number>;
  /** The HTTP server once it listens; null when this daemon serves none (or could not bind). */
  http: Promise<HttpServer | null>;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  config: Config;
  env: Env;
  log: Logger;
  clock?: Clock;
  /** false for `poll --once`: workers only, no timers. */
  schedule?: boolean;
  relayEveryMs?: number;
  /** Serve HTTP (acknowledge links) when `http.listen` allows; by default only with schedules. */
  http?: boolean;
}

/** Boots the pipeline: store (migrated) → queue → workers → outbox relay → schedules. */
export function startDaemon(opts: DaemonOptions): Daemon {
  const { config, log } = opts;
  const clock = opts.clock ?? systemClock;
  const store = openStore(config.settings.sqlitePath);
  const queue = createQueue({ redisUrl: config.settings.redisUrl, prefix: config.settings.queuePrefix, log });
  const http = createHttp({ timeoutMs: config.settings.timeoutMs, userAgent: config.settings.userAgent });
  // Daemons sharing a Redis share the work, so they share each API's pace too.
  const pacing = config.settings.redisUrl
    ? sharePacing({ url: config.settings.redisUrl, prefix: config.settings.queuePrefix })
    : null;
  const web = config.settings.http;
  const ctx: JobContext = { config, store, queue, clock, log, http, env: opts.env };
  if (web.listen || web.publicUrl) ctx.ackSecret = loadAckSecret(opts.env, config.settings.dataDir);
  if (web.publicUrl) ctx.publicUrl = web.publicUrl;

  let relaying: Promise<number> | null = null;
  const relay = (): Promise<number> => {
    // One relay at a time in a process: a second caller shares the running one.
    relaying ??= relayOutbox(ctx).finally(() => (relaying = null));
    return relaying;
  };

  queue.work('poll', (data) => pollJob.handle(ctx, pollPayload.parse(data)), { concurrency: 4 });
  queue.work(
    'detect',
    async (data) => {
      detectJob.handle(ctx, detectPayload.parse(data));
      await relay();
    },
    { concurrency: 1 },
  );
  queue.work(
    'escalate',
    async (data) => {
      if (escalateJob.handle(ctx, escalatePayload.parse(data))) await relay();
    },
    { concurrency: 1 },
  );
  queue.work(
    'digest',
    async (data) => {
      if (digestJob.handle(ctx, digestPayload.parse(data)) === 'sent') await relay();
    },
    { concurrency: 1 },
  );
  queue.work('deliver', (data, meta) => deliverJob.handle(ctx, deliverPayload.parse(data), meta), {
    // A delivery mostly waits on the receiver or on Redis: 48 at a time keep a worker busy (16 left
    // BullMQ at about 600/s in bench/deliver.ts, 48 near 1,000/s).
    concurrency: 48,
  });

  reopenUnfinished(ctx);
  queue.onReconnect(() => {
    // Offered again: a no-op for every job Redis still holds, a rescue for those it lost.
    reopenUnfinished(ctx);
    void relay().catch((err: unknown) => log.error(`outbox relay failed: ${errorMessage(err)}`));
  });
  void relay().catch((err: unknown) => log.error(`outbox relay failed: ${errorMessage(err)}`));

  const timers: NodeJS.Timeout[] = [];
  let schedules: { stop(): void } | null = null;
  if (opts.schedule !== false) {
    const relayTimer = setInterval(
      () => void relay().catch((err: unknown) => log.error(`outbox relay failed: ${errorMessage(err)}`)),
      opts.relayEveryMs ?? 2_000,
    );
    timers.push(relayTimer);
    schedules = startSchedules(
      [
        ...config.brands.flatMap((b) =>
          b.sources.map((s) => ({
            key: `poll ${b.name}/${s.key}`,
            everyMs: s.everyMs,
            enqueue: async (tick: Date) => {
              await queue.add(
                'poll',
                { brand: b.name, source: s.key, tick: tick.getTime() },
                { jobId: pollJob.jobId(b.name, s.key, tick.getTime()), attempts: pollJob.attempts },
              );
            },
          })),
        ),
        ...config.brands.flatMap((b) =>
          b.sources
            .filter((s) => typeof getSource(s.source)?.refresh === 'function')
            .map((s) => ({
              key: `refresh ${b.name}/${s.key}`,
              everyMs: config.settings.refreshEveryMs,
              enqueue: async (tick: Date) => {
                const t = tick.getTime();
                await queue.add(
                  'poll',
                  { brand: b.name, source: s.key, tick: t, mode: 'refresh' },
                  { jobId: pollJob.jobId(b.name, s.key, t, 'refresh') },
                );
              },
            })),
        ),
        ...(escalates(config)
          ? [
              {
                key: 'escalate',
                everyMs: escalateJob.everyMs,
                enqueue: async (tick: Date) => void (await queueDueEscalations(ctx, tick.getTime())),
              },
            ]
          : []),
        {
          // Also at start: a daemon that was down catches up on the digests it missed.
          key: 'digest',
          everyMs: digestJob.everyMs,
          enqueue: async (tick: Date) => void (await queueDueDigests(ctx, tick.getTime())),
        },
        ...config.brands.map((b) => ({
          key: `detect ${b.name}`,
          everyMs: b.detection.every,
          enqueue: async (tick: Date) => {
            await queue.add(
              'detect',
              { brand: b.name, tick: tick.getTime() },
              {
                jobId: detectJob.jobId(b.name, tick.getTime()),
                attempts: detectJob.attempts,
                backoffMs: detectJob.backoffMs,
              },
            );
          },
        })),
      ],
      { clock, log },
    );
  }

  const served = web.listen && (opts.http ?? opts.schedule !== false) ? serveHttp(ctx, web.listen) : null;
  const httpReady = served ?? Promise.resolve(null);

  for (const line of config.disabled) log.warn(line);
  log.info(
    {
      brands: config.brands.length,
      queue: queue.kind,
      database: config.settings.sqlitePath,
      channels: Object.keys(config.channels),
    },
    `earshot started: ${config.brands.length} brand(s), ${queue.kind} queue`,
  );

  return {
    ctx,
    relay,
    http: httpReady,
    async stop() {
      schedules?.stop();
      await (await httpReady)?.close();
      for (const t of timers) clearInterval(t);
      await queue.close();
      await relaying?.catch(() => 0);
      await pacing?.close();
      store.close();
    },
  };
}

/**
 * Starts the HTTP server. A port that is taken does not stop the daemon: it goes on listening to
 * sources and alerting, and `earshot ack` still works; the log says what to change.
 */
async function serveHttp(ctx: JobContext, at: { host: string; port: number }): Promise<HttpServer | null> {
  if (!ctx.ackSecret) return null;
  try {
    const server = await startHttpServer({
      ...at,
      routes: [ackRoute(ctx, ctx.ackSecret), digestRoute(ctx, ctx.ackSecret)],
      log: ctx.log,
    });
    ctx.publicUrl ??= server.url;
    ctx.log.info(`http: serving acknowledge links on ${server.url}`);
    return server;
  } catch (err) {
    ctx.log.error(
      `http: cannot listen on ${at.host}:${at.port} (${errorMessage(err)}); acknowledge links will not work: set http.listen or EARSHOT_HTTP_LISTEN`,
    );
    return null;
  }
}

/** `poll --once`: every (brand, source) polled now, then detection, relay and delivery run to the end. */
export async function pollOnce(daemon: Daemon): Promise<void> {
  const { ctx } = daemon;
  const now = ctx.clock.now().getTime();
  for (const b of ctx.config.brands) {
    for (const s of b.sources) {
      // The user asked for a poll now: a tick of its own, not the schedule's (which may have run).
      const tick = now;
      await ctx.queue.add(
        'poll',
        { brand: b.name, source: s.key, tick },
        { jobId: pollJob.jobId(b.name, s.key, tick) },
      );
    }
  }
  await ctx.queue.drain('poll', 120_000);
  await ctx.queue.drain('detect', 60_000);
  await daemon.relay();
  await ctx.queue.drain('deliver', 120_000);
}
