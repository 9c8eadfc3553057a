import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueName } from './queue/types.ts';

/**
 * The daemon's Prometheus metrics, in one registry of its own (not prom-client's global one, so
 * nothing a library registers ends up in `/metrics`). The jobs feed the counters through the few
 * functions below; `/metrics` reads the registry.
 */
export const registry = new Registry();

const mentionsStored = new Counter({
  name: 'earshot_mentions_stored_total',
  help: 'New mentions stored, per brand and source entry',
  labelNames: ['brand', 'source'] as const,
  registers: [registry],
});

const pollErrors = new Counter({
  name: 'earshot_poll_errors_total',
  help: 'Failed polls (a timeout, an error status, a malformed answer; not a 429), per brand and source entry',
  labelNames: ['brand', 'source'] as const,
  registers: [registry],
});

const deliveries = new Counter({
  name: 'earshot_deliveries_total',
  help: 'Delivery tries per channel and outcome: sent, retry (failed, will be tried again) or failed (given up)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
});

const alertLatency = new Histogram({
  name: 'earshot_alert_latency_seconds',
  help: 'From the creation of an alert to its delivery to a channel',
  labelNames: ['channel'] as const,
  // From a delivery at once to one that waited out retries and outages.
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
  registers: [registry],
});

const heapTrims = new Counter({
  name: 'earshot_heap_trims_total',
  help: 'Full collections run when idle to give back heap a burst grew (src/heap-trim.ts)',
  registers: [registry],
});
const heapTrimmed = new Counter({
  name: 'earshot_heap_trimmed_bytes_total',
  help: 'Heap given back by those collections, in bytes',
  registers: [registry],
});

const queueDepth = new Gauge({
  name: 'earshot_queue_depth',
  help: 'Jobs waiting, delayed or running, per queue',
  labelNames: ['queue'] as const,
  registers: [registry],
});

let defaultsOn = false;
/** prom-client's process metrics: `process_cpu_seconds_total`, `process_resident_memory_bytes`, `nodejs_…`. */
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry });
}

export function countMentionsStored(brand: string, source: string, n: number): void {
  if (n > 0) mentionsStored.inc({ brand, source }, n);
}

export function countPollError(brand: string, source: string): void {
  pollErrors.inc({ brand, source });
}

export type DeliveryOutcome = 'sent' | 'retry' | 'failed';

/** One delivery try; a sent one also tells how long after its alert's creation (`createdAt`, epoch ms). */
export function countDelivery(
  channel: string,
  outcome: DeliveryOutcome,
  createdAt?: number,
  now?: number,
): void {
  deliveries.inc({ channel, outcome });
  if (outcome === 'sent' && createdAt !== undefined && now !== undefined && Number.isFinite(createdAt))
    alertLatency.observe({ channel }, Math.max(0, now - createdAt) / 1000);
}

export function countHeapTrim(freedBytes: number): void {
  heapTrims.inc();
  if (freedBytes > 0) heapTrimmed.inc(freedBytes);
}

export function setQueueDepths(counts: Record<QueueName, number>): void {
  for (const [queue, n] of Object.entries(counts)) queueDepth.set({ queue }, n);
}

export function resetQueueDepths(): void {
  queueDepth.reset();
}
