// Deliveries through the queue: alerts written to the outbox, relayed into the "deliver" queue (one
// job per alert and channel), sent by the webhook channel to a local receiver in a child process.
// Reports deliveries per second and the latency from an alert's creation to its arrival, for the
// embedded queue and, when Redis answers, for BullMQ. The receiver answers at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { buildConfig } from '../src/config.ts';
import { startDaemon } from '../src/daemon.ts';
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

async function run(queue: 'embedded' | 'bullmq', n: number) {
  const rx = await receiver();
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-deliver-'));
  const env = {
    EARSHOT_DATA_DIR: dir,
    ...(queue === 'bullmq'
      ? { REDIS_URL: 'redis://127.0.0.1:6379', EARSHOT_QUEUE_PREFIX: `bench-${randomUUID()}` }
      : {}),
  };
  const config = buildConfig(
    {
      channels: { hook: { type: 'webhook', url: rx.url, secret: 'bench-secret-0123456789' } },
      routes: [{ channels: ['hook'] }],
    },
    env,
  );
  const daemon = startDaemon({ config, env: {}, log: pino({ level: 'silent' }), schedule: false });
  const created = new Map<string, number>();
  const t0 = performance.now();
  // Written in batches, as detection writes them: the relay moves them while more come.
  for (let i = 0; i < n; i += 100) {
    const at = Date.now();
    daemon.ctx.store.sqlite.transaction(() => {
      for (let j = i; j < Math.min(n, i + 100); j++) {
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
        enqueueAlert(daemon.ctx.store, `a${j}`, alert, ['hook'], at);
        created.set(id, at);
      }
    })();
    void daemon.relay();
    await new Promise((r) => setImmediate(r));
  }
  while (rx.arrivals.size < n && performance.now() - t0 < 120_000) {
    await daemon.relay();
    await new Promise((r) => setTimeout(r, 20));
  }
  const secs = (performance.now() - t0) / 1000;
  const lat = [...created].map(([id, at]) => (rx.arrivals.get(id) ?? Infinity) - at).sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  await daemon.stop();
  rx.close();
  rmSync(dir, { recursive: true, force: true });
  return { delivered: rx.arrivals.size, perSec: rx.arrivals.size / secs, p50: q(0.5), p99: q(0.99) };
}

export async function main(n = Number(process.env.BENCH_DELIVER_N ?? 5_000)): Promise<void> {
  console.log(`\ndeliveries: ${n.toLocaleString('en')} alerts, outbox → queue → webhook → a local receiver`);
  console.log(['queue', 'delivered', 'deliveries/s', 'latency p50 ms', 'latency p99 ms'].join('\t'));
  const queues: ('embedded' | 'bullmq')[] = (await redisAnswers()) ? ['embedded', 'bullmq'] : ['embedded'];
  const only = process.env.BENCH_DELIVER_QUEUES?.split(',');
  for (const queue of queues.filter((q) => !only || only.includes(q))) {
    const r = await run(queue, n);
    console.log([queue, r.delivered, Math.round(r.perSec).toLocaleString('en'), r.p50, r.p99].join('\t'));
  }
  if (queues.length === 1) console.log('(Redis does not answer at 127.0.0.1:6379: BullMQ not measured)');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
