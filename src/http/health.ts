import type { JobContext } from '../../jobs/context.ts';
import { errorMessage } from '../errors.ts';
import { registry, resetQueueDepths, setQueueDepths } from '../metrics.ts';
import type { QueueName } from '../queue/types.ts';
import type { HttpResponse, HttpRoute } from './server.ts';

/** A probe that gets no answer by then counts as unreachable: a scraper must not hang on Redis. */
const PROBE_TIMEOUT_MS = 1_000;

/** `/healthz`, `/readyz` and `/metrics`: what an operator's supervisor and Prometheus read. */
export function healthRoutes(ctx: JobContext): HttpRoute[] {
  return [
    { method: 'GET', path: '/healthz', handle: () => json(200, { status: 'alive' }) },
    { method: 'GET', path: '/readyz', handle: () => readiness(ctx) },
    { method: 'GET', path: '/metrics', handle: () => metrics(ctx) },
  ];
}

interface Check {
  ok: boolean;
  detail: string;
}

async function readiness(ctx: JobContext): Promise<HttpResponse> {
  const checks: Record<string, Check> = {
    database: await databaseCheck(ctx),
    queue: await queueCheck(ctx),
    sources: await sourcesCheck(ctx),
  };
  const failed = Object.entries(checks).filter(([, c]) => !c.ok);
  const detail = Object.fromEntries(Object.entries(checks).map(([k, c]) => [k, c.detail]));
  if (failed.length === 0) return json(200, { status: 'ready', checks: detail });
  return json(503, {
    status: 'not ready',
    reason: failed.map(([k, c]) => `${k}: ${c.detail}`).join('; '),
    checks: detail,
  });
}

async function databaseCheck(ctx: JobContext): Promise<Check> {
  try {
    await ctx.store.get('select 1');
    return { ok: true, detail: 'ok' };
  } catch (err) {
    return { ok: false, detail: errorMessage(err) };
  }
}

async function queueCheck(ctx: JobContext): Promise<Check> {
  try {
    await queueCounts(ctx);
    return { ok: true, detail: 'ok' };
  } catch {
    // Whether it timed out or was refused, the operator's next step is the same: look at Redis.
    return { ok: false, detail: `the ${ctx.queue.kind} queue is not answering` };
  }
}

/** Not ready when every configured source's last poll failed; one that was never polled yet is not failing. */
async function sourcesCheck(ctx: JobContext): Promise<Check> {
  const entries = ctx.config.brands.flatMap((b) => b.sources.map((s) => `${b.name}|${s.key}`));
  if (entries.length === 0) return { ok: true, detail: 'no sources' };
  const rows = await ctx.store.all<{ brand: string; source_key: string; consecutive_failures: number }>(
    'select brand, source_key, consecutive_failures from source_cursors',
  );
  const failing = new Set(
    rows.filter((r) => r.consecutive_failures > 0).map((r) => `${r.brand}|${r.source_key}`),
  );
  const n = entries.filter((e) => failing.has(e)).length;
  if (n === entries.length) return { ok: false, detail: `all ${n} sources failing` };
  return { ok: true, detail: `${entries.length - n} of ${entries.length} answering` };
}

async function metrics(ctx: JobContext): Promise<HttpResponse> {
  try {
    setQueueDepths(await queueCounts(ctx));
  } catch {
    // An unreachable queue has no depth to tell; a stale one would mislead.
    resetQueueDepths();
  }
  return { status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() };
}

function queueCounts(ctx: JobContext): Promise<Record<QueueName, number>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time')), PROBE_TIMEOUT_MS);
  });
  return Promise.race([ctx.queue.counts(), timeout]).finally(() => clearTimeout(timer));
}

function json(status: number, body: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify(body)}\n` };
}
