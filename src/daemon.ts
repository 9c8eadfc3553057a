import type { Logger } from 'pino';
import type { JobContext } from '../jobs/context.ts';
import { deliverJob, deliverPayload } from '../jobs/deliver.ts';
import { detectJob, detectPayload } from '../jobs/detect.ts';
import { digestJob, digestPayload, queueDueDigests } from '../jobs/digest.ts';
import { escalateJob, escalatePayload, escalates, queueDueEscalations } from '../jobs/escalate.ts';
import { pollJob, pollPayload } from '../jobs/poll.ts';
import { pruneJob, prunePayload } from '../jobs/prune.ts';
import { relayOutbox, reopenUnfinished } from '../jobs/relay.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config, Env } from './config.ts';
import { connectStore } from './db/client.ts';
import { errorMessage } from './errors.ts';
import { formatDuration } from './duration.ts';
import { createQueue } from './queue/index.ts';
import type { JobHandler, JobMeta, QueueName } from './queue/types.ts';
import { startSchedules } from './queue/schedule.ts';
import { startHeapTrim } from './heap-trim.ts';
import { createHttp } from './sources/http.ts';
import { getSource } from './sources/index.ts';
import { sharePacing } from './queue/redis-pacer.ts';
import { ackRoute } from './http/ack.ts';
import { digestRoute } from './http/digest.ts';
import { loadAckSecret } from './http/ack-secret.ts';
import { healthRoutes } from './http/health.ts';
import { startHttpServer, type HttpServer } from './http/server.ts';
import { collectProcessMetrics, countHeapTrim } from './metrics.ts';

export interface Daemon {
  ctx: JobContext;
  /** Moves the outbox into the queue now (also runs on a timer). */
  relay(): Promise<number>;
  /** The HTTP server once it listens; null when this daemon serves none (or could not bind). */
  http: Promise<HttpServer | null>;
  stop(): Promise<void>;
  /**
   * `stop()` that says how it went: takes no new jobs, waits up to `graceMs` for the running ones,
   * closes the queue and the database. False when some were left to the next start.
   */
  shutdown(opts?: { graceMs?: number }): Promise<boolean>;
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
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { config, log } = opts;
  const clock = opts.clock ?? systemClock;
  const store = await connectStore(config.settings.database);
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

  const running = runningJobs();
  // What a poll or a detection logs names its job (`jobId`: the queue's id, the same in every
  // process), so that the logs of daemons sharing the work say which of them ran each one.
  const forJob = (meta: JobMeta): JobContext => ({ ...ctx, log: ctx.log.child({ jobId: meta.id }) });
  queue.work(
    'poll',
    running.track('poll', (data, meta) => pollJob.handle(forJob(meta), pollPayload.parse(data))),
    {
      concurrency: 4,
    },
  );
  queue.work(
    'detect',
    running.track('detect', async (data, meta) => {
      await detectJob.handle(forJob(meta), detectPayload.parse(data));
      await relay();
    }),
    { concurrency: 1 },
  );
  queue.work(
    'escalate',
    running.track('escalate', async (data) => {
      if (await escalateJob.handle(ctx, escalatePayload.parse(data))) await relay();
    }),
    { concurrency: 1 },
  );
  queue.work(
    'digest',
    running.track('digest', async (data) => {
      if ((await digestJob.handle(ctx, digestPayload.parse(data))) === 'sent') await relay();
    }),
    { concurrency: 1 },
  );
  const deliver = running.track('deliver', (data, meta) =>
    deliverJob.handle(ctx, deliverPayload.parse(data), meta),
  );
  queue.work('deliver', deliver, {
    // A delivery mostly waits on the receiver or on Redis: 48 at a time keep a worker busy (16 left
    // BullMQ at about 600/s in bench/deliver.ts, 48 near 1,000/s).
    concurrency: 48,
  });

  queue.work('prune', async (data) => void (await pruneJob.handle(ctx, prunePayload.parse(data))), {
    concurrency: 1,
  });

  await reopenUnfinished(ctx);
  queue.onReconnect(() => {
    // Offered again: a no-op for every job Redis still holds, a rescue for those it lost.
    void reopenUnfinished(ctx)
      .then(() => relay())
      .catch((err: unknown) => log.error(`outbox relay failed: ${errorMessage(err)}`));
  });
  void relay().catch((err: unknown) => log.error(`outbox relay failed: ${errorMessage(err)}`));

  const timers: NodeJS.Timeout[] = [];
  let schedules: { stop(): void } | null = null;
  if (opts.schedule !== false) {
    const trim = startHeapTrim({ quietFor: () => running.quietFor(), log, onTrim: countHeapTrim });
    if (trim) timers.push(trim);
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
            enqueue: (tick: Date) =>
              queue.add(
                'poll',
                { brand: b.name, source: s.key, tick: tick.getTime() },
                { jobId: pollJob.jobId(b.name, s.key, tick.getTime()), attempts: pollJob.attempts },
              ),
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
          key: 'prune',
          everyMs: pruneJob.everyMs,
          enqueue: async (tick: Date) => {
            const t = tick.getTime();
            await queue.add('prune', { tick: t }, { jobId: pruneJob.jobId(t), attempts: pruneJob.attempts });
          },
        },
        {
          // Also at start: a daemon that was down catches up on the digests it missed.
          key: 'digest',
          everyMs: digestJob.everyMs,
          enqueue: async (tick: Date) => void (await queueDueDigests(ctx, tick.getTime())),
        },
        ...config.brands.map((b) => ({
          key: `detect ${b.name}`,
          everyMs: b.detection.every,
          enqueue: (tick: Date) =>
            queue.add(
              'detect',
              { brand: b.name, tick: tick.getTime() },
              {
                jobId: detectJob.jobId(b.name, tick.getTime()),
                attempts: detectJob.attempts,
                backoffMs: detectJob.backoffMs,
              },
            ),
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
      database: store.describe,
      channels: Object.keys(config.channels),
    },
    `earshot started: ${config.brands.length} brand(s), ${queue.kind} queue`,
  );

  const shutdown = async (stopOpts: { graceMs?: number } = {}): Promise<boolean> => {
    const graceMs = stopOpts.graceMs ?? config.settings.stopTimeoutMs;
    schedules?.stop();
    for (const t of timers) clearInterval(t);
    await (await httpReady)?.close();
    const busy = running.describe();
    log.info(
      busy
        ? `stopping: taking no new jobs; waiting up to ${formatDuration(graceMs)} for ${busy}`
        : 'stopping: taking no new jobs',
    );
    const inTime = await within(
      Promise.all([queue.close(), relaying?.catch(() => 0)]).then(() => true),
      graceMs,
    );
    const left = running.describe();
    if (!inTime || left) {
      // What is left was not recorded as done: the next start polls from the same cursor and
      // sends every delivery not marked sent (the one in flight may arrive twice).
      log.warn(
        `stopping: ${left || 'the queue'} still running after ${formatDuration(graceMs)}: left for the next start`,
      );
    } else log.info('stopping: running jobs finished, queue closed');
    await pacing?.close();
    await store.close();
    log.info('stopped: database closed');
    return inTime && !left;
  };

  return {
    ctx,
    relay,
    http: httpReady,
    async stop() {
      await shutdown();
    },
    shutdown,
  };
}

/** Jobs of this process running now, per queue, so that a shutdown can say what it waits for. */
function runningJobs() {
  const counts = new Map<QueueName, number>();
  let changedAt = Date.now();
  const bump = (q: QueueName, by: number) => {
    counts.set(q, (counts.get(q) ?? 0) + by);
    changedAt = Date.now();
  };
  return {
    /** How long no job has been running, in ms (0 while one is). */
    quietFor(): number {
      for (const n of counts.values()) if (n > 0) return 0;
      return Date.now() - changedAt;
    },
    track<T>(q: QueueName, handler: JobHandler<T>): JobHandler<T> {
      return async (data, meta) => {
        bump(q, 1);
        try {
          await handler(data, meta);
        } finally {
          bump(q, -1);
        }
      };
    },
    /** `2 deliver and 1 poll job(s)`, or '' when none runs. */
    describe(): string {
      const parts = [...counts].filter(([, n]) => n > 0).map(([q, n]) => `${n} ${q}`);
      return parts.length > 0 ? `${parts.join(' and ')} job(s)` : '';
    },
  };
}

/** Resolves with what `p` gives, or with false once `ms` have passed. */
function within(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Starts the HTTP server. A port that is taken does not stop the daemon: it goes on listening to
 * sources and alerting, and `earshot ack` still works; the log says what to change.
 */
async function serveHttp(ctx: JobContext, at: { host: string; port: number }): Promise<HttpServer | null> {
  if (!ctx.ackSecret) return null;
  try {
    collectProcessMetrics();
    const routes = [ackRoute(ctx, ctx.ackSecret), digestRoute(ctx, ctx.ackSecret), ...healthRoutes(ctx)];
    const server = await startHttpServer({ ...at, routes, log: ctx.log });
    ctx.publicUrl ??= server.url;
    ctx.log.info(`http: serving acknowledge links, /healthz, /readyz and /metrics on ${server.url}`);
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
