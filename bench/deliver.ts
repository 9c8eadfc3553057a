// Deliveries through the queue: alerts written to the outbox, relayed into the "deliver" queue (one
// job per alert and channel), sent by the webhook channel to a local receiver in a child process.
// Reports deliveries per second and the latency from an alert's creation to its arrival, for the
// embedded queue and, when Redis answers, for BullMQ: once for a burst (throughput, and latency as
// the wait in line), once at a steady rate below capacity (latency as it is in operation). The
// receiver answers at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildConfig } from '../src/config.ts';
import { startDaemon, type Daemon } from '../src/daemon.ts';
import { enqueueAlert } from '../src/db/outbox.ts';
import { redisAnswers } from '../tests/helpers/redis.ts';
import type { AlertPayload } from '../src/types.ts';

const RECEIVER = `
const http = require('http');
let n = 0;
const s = http.createServer((req, res) => {
  let b = ''; req.on('data', (d) => (b += d)); req.on('end', () => {
    const at = Date.now(); const id = JSON.parse(b).alert.incident_id;
    res.writeHead(200).end('ok'); process.stdout.write(id + ' ' + at + '\\n');
  });
});
s.listen(0, '127.0.0.1', () => process.stderr.write('PORT ' + s.address().port + '\\n'));
`;

function receiver(): Promise<{ url: string; arrivals: Map<string, number>; close(): void }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'pipe'] });
  const arrivals = new Map<string, number>();
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) {
      const [id, at] = l.split(' ');
      if (id && at) arrivals.set(id, Number(at));
    }
  });
  return new Promise((resolve) =>
    child.stderr.once('data', (d: Buffer) => {
      const port = /PORT (\d+)/.exec(d.toString())?.[1];
      resolve({ url: `http://127.0.0.1:${port}/hook`, arrivals, close: () => child.kill() });
    }),
  );
}

type Queue = 'embedded' | 'bullmq';

/** A daemon (no schedules) delivering to `url` through `queue`; `stop()` removes its data. */
async function daemonFor(queue: Queue, url: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-deliver-'));
  const env = {
    EARSHOT_DATA_DIR: dir,
    ...(queue === 'bullmq'
      ? { REDIS_URL: 'redis://127.0.0.1:6379', EARSHOT_QUEUE_PREFIX: `bench-${randomUUID()}` }
      : {}),
  };
  const config = buildConfig(
    {
      channels: { hook: { type: 'webhook', url, secret: 'bench-secret-0123456789' } },
      routes: [{ channels: ['hook'] }],
    },
    env,
  );
  const daemon = await startDaemon({ config, env: {}, log: pino({ level: 'silent' }), schedule: false });
  return {
    daemon,
    stop: async () => {
      await daemon.stop();
      const prefix = env.EARSHOT_QUEUE_PREFIX;
      // The finished jobs BullMQ keeps an hour would pile up in the shared Redis run after run.
      if (prefix) {
        const r = new Redis('redis://127.0.0.1:6379');
        const keys = await r.keys(`${prefix}:*`);
        for (let i = 0; i < keys.length; i += 1_000) await r.del(...keys.slice(i, i + 1_000));
        r.disconnect();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes alerts `from`..`to`-1 in one transaction, as detection does, then relays as it does. */
async function writeAlerts(
  daemon: Daemon,
  created: Map<string, number>,
  from: number,
  to: number,
): Promise<void> {
  const at = Date.now();
  await daemon.ctx.store.tx(async () => {
    for (let j = from; j < to; j++) {
      const id = `inc-${j}`;
      const alert: AlertPayload = {
        at: new Date(at).toISOString(),
        brand: 'acme',
        kind: 'volume_spike',
        polarity: 'negative',
        severity: 'warning',
        incident_id: id,
        title: `alert ${j}`,
        mention_ids: [],
        evidence: {},
      };
      await enqueueAlert(daemon.ctx.store, `a${j}`, alert, ['hook'], at);
      created.set(id, at);
    }
  });
  void daemon.relay();
}

/** CPU milliseconds Redis has used so far (every client's, not only ours). */
async function redisCpuMs(): Promise<number> {
  const r = new Redis('redis://127.0.0.1:6379');
  try {
    const info = await r.info('cpu');
    const f = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return (f('used_cpu_user') + f('used_cpu_sys')) * 1000;
  } finally {
    r.disconnect();
  }
}

export interface DeliveryFigures {
  delivered: number;
  perSec: number;
  p50: number;
  p99: number;
  cpuUs: number;
  redisUs: number;
}

export type { Queue as DeliveryQueue };

/**
 * `rate` undefined: a burst of `n` alerts written as fast as they can be (batches of 100), which
 * measures throughput; latency is then the wait in line. `rate` given: `n` alerts spread at that
 * many a second (a batch every 10 ms), which measures latency below capacity.
 */
export async function measureDelivery(queue: Queue, n: number, rate?: number): Promise<DeliveryFigures> {
  const rx = await receiver();
  const bench = await daemonFor(queue, rx.url);
  const { daemon } = bench;
  const created = new Map<string, number>();
  const cpu0 = process.cpuUsage();
  const redis0 = queue === 'bullmq' ? await redisCpuMs() : 0;
  const t0 = performance.now();
  if (rate === undefined) {
    for (let i = 0; i < n; i += 100) {
      await writeAlerts(daemon, created, i, Math.min(n, i + 100));
      await new Promise((r) => setImmediate(r));
    }
  } else {
    for (let i = 0; i < n;) {
      const due = Math.min(n, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      if (due > i) await writeAlerts(daemon, created, i, due);
      i = Math.max(i, due);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  while (rx.arrivals.size < n && performance.now() - t0 < 120_000) {
    await daemon.relay();
    await new Promise((r) => setTimeout(r, 20));
  }
  const cpu = process.cpuUsage(cpu0);
  const redisMs = queue === 'bullmq' ? (await redisCpuMs()) - redis0 : 0;
  const secs = (Math.max(...rx.arrivals.values()) - Math.min(...created.values())) / 1000;
  const lat = [...created].map(([id, at]) => (rx.arrivals.get(id) ?? Infinity) - at).sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  await bench.stop();
  rx.close();
  return {
    delivered: rx.arrivals.size,
    perSec: rx.arrivals.size / secs,
    p50: q(0.5),
    p99: q(0.99),
    // CPU a delivery, which the machine's other load does not change the way it changes wall time.
    cpuUs: Math.round((cpu.user + cpu.system) / rx.arrivals.size),
    redisUs: Math.round((redisMs * 1000) / rx.arrivals.size),
  };
}

export interface DeliveryRun {
  queue: Queue;
  /** A steady rate below capacity (else a burst). */
  steady: boolean;
  load: string;
  figures: DeliveryFigures;
}

/** The queues measured: embedded, and BullMQ when Redis answers (BENCH_DELIVER_QUEUES picks). */
export async function deliveryQueues(): Promise<{ queues: Queue[]; redis: boolean }> {
  const redis = await redisAnswers();
  const queues: Queue[] = redis ? ['embedded', 'bullmq'] : ['embedded'];
  const only = process.env.BENCH_DELIVER_QUEUES?.split(',');
  return { queues: queues.filter((q) => !only || only.includes(q)), redis };
}

/** Steady-rate settings: BENCH_DELIVER_RATE alerts a second for BENCH_DELIVER_SECONDS. */
export function steadyLoad(): { rate: number; n: number; label: string } {
  const rate = Number(process.env.BENCH_DELIVER_RATE ?? 200);
  const seconds = Number(process.env.BENCH_DELIVER_SECONDS ?? 5);
  return { rate, n: rate * seconds, label: `${rate}/s for ${seconds} s` };
}

export async function main(n = Number(process.env.BENCH_DELIVER_N ?? 5_000)): Promise<DeliveryRun[]> {
  const steady = steadyLoad();
  console.log(`\ndeliveries: outbox → queue → webhook → a local receiver (in another process)`);
  const columns = ['queue', 'load', 'delivered', 'deliveries/s', 'latency p50 ms', 'latency p99 ms'];
  console.log([...columns, 'Earshot CPU µs a delivery', 'Redis CPU µs a delivery'].join('\t'));
  const { queues, redis } = await deliveryQueues();
  const runs: DeliveryRun[] = [];
  for (const queue of queues) {
    for (const run of [
      {
        queue,
        steady: false,
        load: `burst of ${n.toLocaleString('en')}`,
        figures: await measureDelivery(queue, n),
      },
      {
        queue,
        steady: true,
        load: steady.label,
        figures: await measureDelivery(queue, steady.n, steady.rate),
      },
    ]) {
      const r = run.figures;
      const perSec = Math.round(r.perSec).toLocaleString('en');
      const redisUs = queue === 'bullmq' ? r.redisUs : '-';
      console.log([queue, run.load, r.delivered, perSec, r.p50, r.p99, r.cpuUs, redisUs].join('\t'));
      runs.push(run);
    }
  }
  if (!redis) console.log('(Redis does not answer at 127.0.0.1:6379: BullMQ not measured)');
  return runs;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
