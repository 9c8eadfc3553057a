import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectStore } from '../../src/db/client.ts';
import { testDatabase } from './db.ts';
import { enqueueAlert } from '../../src/db/outbox.ts';
import { startFeedServer } from '../fakes/feed-server.ts';
import { cleanEnv, startCli, tempDir, type Running } from './cli.ts';
import { sampleAlert } from './alert.ts';

export interface DeliveryRow {
  alert_id: string;
  channel: string;
  status: string;
  attempts: number;
  retries: number;
  last_error: string | null;
}

/**
 * A daemon (`earshot start`, a child process) whose only work is delivering: one quiet brand, the
 * given channels, every alert routed to all of them. The test writes alerts into the outbox of the
 * daemon's SQLite file, as detection would, and reads the delivery rows back.
 */
export async function startDeliveryRig(opts: {
  /** YAML of the `channels:` map, indented by four spaces. */
  channels: string;
  env?: Record<string, string>;
  redisUrl?: string;
}) {
  const feed = await startFeedServer();
  feed.setFeed('/quiet.xml', { kind: 'rss', items: [] });
  const tmp = tempDir();
  const names = [...opts.channels.matchAll(/^ {2}([\w-]+):\s*$/gm)].map((m) => m[1]);
  const cfg = tmp.file(
    'earshot.yml',
    `
brands:
  - name: acme
    query: acme
    sources: [{ source: rss, every: 1h, feeds: ['${feed.url('/quiet.xml')}'] }]
channels:
${opts.channels}
routes:
  - channels: [${names.join(', ')}]
`,
  );
  const prefix = `test-${randomUUID()}`;
  const env = cleanEnv({
    EARSHOT_CONFIG: cfg,
    EARSHOT_DATA_DIR: tmp.dir,
    LOG_LEVEL: 'info',
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl, EARSHOT_QUEUE_PREFIX: prefix } : {}),
    ...opts.env,
  });
  const dbFile = testDatabase(tmp.dir).location;
  // Created and migrated here, so that the test can write alerts before the daemon starts.
  const store = await connectStore(dbFile);
  let daemon: Running | undefined;
  let n = 0;
  return {
    env,
    channelNames: names as string[],
    get daemon() {
      return daemon;
    },
    start(): Running {
      daemon = startCli(['start'], env);
      return daemon;
    },
    async kill(): Promise<void> {
      daemon?.child.kill('SIGKILL');
      await daemon?.exited;
      daemon = undefined;
    },
    /** Writes `count` alerts, each its own incident, in one transaction; returns their ids. */
    async writeAlerts(count: number, over: Parameters<typeof sampleAlert>[0] = {}): Promise<string[]> {
      const ids: string[] = [];
      await store.tx(async () => {
        for (let i = 0; i < count; i++) {
          const k = ++n;
          const id = `a${k}`;
          const at = Date.now();
          await enqueueAlert(
            store,
            id,
            sampleAlert({
              incident_id: `inc-${k}`,
              title: `alert ${k}`,
              at: new Date(at).toISOString(),
              ...over,
            }),
            names as string[],
            at,
          );
          ids.push(id);
        }
      });
      return ids;
    },
    deliveries(): Promise<DeliveryRow[]> {
      return store.all<DeliveryRow>(
        'select alert_id, channel, status, attempts, retries, last_error from deliveries order by id',
      );
    },
    async close(): Promise<void> {
      await this.kill();
      await store.close();
      await feed.close();
      tmp.cleanup();
      if (opts.redisUrl) {
        const r = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1 });
        r.on('error', () => undefined);
        const keys = await r.keys(`${prefix}:*`).catch(() => []);
        if (keys.length > 0) await r.del(...keys).catch(() => 0);
        r.disconnect();
      }
    },
  };
}
