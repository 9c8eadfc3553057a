import { afterEach, describe, expect, it } from 'vitest';
import { connectStore } from '../../src/db/client.ts';
import { testDatabase } from '../helpers/db.ts';
import { enqueueAlert } from '../../src/db/outbox.ts';
import { startFeedServer } from '../fakes/feed-server.ts';
import { startReceiver } from '../fakes/receiver-server.ts';
import { sampleAlert } from '../helpers/alert.ts';
import { cleanEnv, startCli, tempDir, waitUntil, type Running } from '../helpers/cli.ts';
import { startPrivateRedis } from '../helpers/redis.ts';

// `/healthz`, `/readyz` and `/metrics` of `earshot start` (a child process), scraped over HTTP after
// it polled a fake feed host and delivered to fake receivers.

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const item = (i: number) => ({
  id: `m${i}`,
  title: `Acme flight ${i} departs on schedule`,
  body: 'The Acme airline flight left the gate on time today.',
  link: `https://news.example/m${i}`,
  published: new Date(Date.now() - 60_000),
});

/** A daemon serving HTTP on a free port; `sources` and `channels` are YAML, indented as in the file. */
async function boot(opts: {
  sources: string;
  channels?: string;
  routes?: string;
  env?: Record<string, string>;
}) {
  const tmp = tempDir();
  closers.push(() => tmp.cleanup());
  const cfg = tmp.file(
    'earshot.yml',
    `
brands:
  - name: acme
    query: acme
    sources:
${opts.sources}
channels:
${opts.channels ?? '  term:\n    type: console'}
routes:
  - channels: [${opts.routes ?? 'term'}]
`,
  );
  const store = await connectStore(testDatabase(tmp.dir).location);
  closers.push(() => store.close());
  const env = cleanEnv({
    EARSHOT_CONFIG: cfg,
    EARSHOT_DATA_DIR: tmp.dir,
    EARSHOT_HTTP_LISTEN: '127.0.0.1:0',
    ...opts.env,
  });
  const daemon = startCli(['start'], env);
  closers.push(async () => {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  });
  const base = await servedAt(daemon);
  return { daemon, base, store };
}

async function servedAt(daemon: Running): Promise<string> {
  let base = '';
  await waitUntil(
    () => {
      base = /\/metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(daemon.logs())?.[1] ?? '';
      return base !== '';
    },
    20_000,
    `the daemon to serve HTTP\n${daemon.logs()}`,
  );
  return base;
}

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** The value of one sample in Prometheus' text format, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('the daemon over HTTP', () => {
  it('counts the mentions it stored, the polls that failed and the deliveries by outcome, with their latency', async () => {
    const feed = await startFeedServer();
    const hook = await startReceiver();
    const gone = await startReceiver(() => ({ status: 410, body: 'gone' }));
    closers.push(
      () => feed.close(),
      () => hook.close(),
      () => gone.close(),
    );
    feed.setFeed('/news.xml', { kind: 'rss', items: [item(1), item(2), item(3)] });
    feed.setRaw('/broken.xml', 500, 'upstream exploded');
    const webhook = (url: string) =>
      `    type: webhook\n    url: '${url}'\n    secret: whsec-0123456789abcdef`;
    const { base, store, daemon } = await boot({
      sources: [
        `      - { source: rss, name: news, every: 1s, feeds: ['${feed.url('/news.xml')}'] }`,
        `      - { source: rss, name: broken, every: 1s, feeds: ['${feed.url('/broken.xml')}'] }`,
      ].join('\n'),
      channels: `  hook:\n${webhook(hook.url('/in'))}\n  gone:\n${webhook(gone.url('/in'))}`,
      routes: 'hook, gone',
    });
    await enqueueAlert(
      store,
      'a1',
      sampleAlert({ at: new Date().toISOString() }),
      ['hook', 'gone'],
      Date.now(),
    );

    let text = '';
    // The four counts as last read: on a timeout, which of them is missing.
    const counted = () => ({
      stored: sample(text, 'earshot_mentions_stored_total', { source: 'news' }),
      pollErrors: sample(text, 'earshot_poll_errors_total', { source: 'broken' }),
      sent: sample(text, 'earshot_deliveries_total', { channel: 'hook', outcome: 'sent' }),
      failed: sample(text, 'earshot_deliveries_total', { channel: 'gone', outcome: 'failed' }),
    });
    await waitUntil(
      async () => {
        text = (await get(`${base}/metrics`)).body;
        const c = counted();
        return c.stored === 3 && (c.pollErrors ?? 0) >= 1 && c.sent === 1 && c.failed === 1;
      },
      20_000,
      'the poll, the failed poll and both deliveries to be counted',
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(counted())}\n${daemon.logs().slice(-3_000)}`);
    });
    const metrics = await get(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toContain('text/plain');
    text = metrics.body;
    expect(sample(text, 'earshot_mentions_stored_total', { brand: 'acme', source: 'news' })).toBe(3);
    expect(sample(text, 'earshot_mentions_stored_total', { source: 'broken' })).toBeUndefined();
    expect(sample(text, 'earshot_poll_errors_total', { brand: 'acme', source: 'news' })).toBeUndefined();
    expect(sample(text, 'earshot_alert_latency_seconds_count', { channel: 'hook' })).toBe(1);
    expect(sample(text, 'earshot_alert_latency_seconds_count', { channel: 'gone' })).toBeUndefined();
    expect(sample(text, 'earshot_alert_latency_seconds_bucket', { channel: 'hook', le: '+Inf' })).toBe(1);
    for (const q of ['poll', 'detect', 'deliver', 'escalate'])
      expect(sample(text, 'earshot_queue_depth', { queue: q })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(hook.requests).toHaveLength(1);

    expect(await get(`${base}/healthz`)).toMatchObject({ status: 200, body: '{"status":"alive"}\n' });
    const ready = await get(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({
      status: 'ready',
      checks: { database: 'ok', queue: 'ok', sources: '1 of 2 answering' },
    });
  });

  it('is not ready while every source fails', async () => {
    const feed = await startFeedServer();
    closers.push(() => feed.close());
    feed.setRaw('/broken.xml', 503, 'down for maintenance');
    const { base } = await boot({
      sources: `      - { source: rss, name: broken, every: 1s, feeds: ['${feed.url('/broken.xml')}'] }`,
    });
    let ready = await get(`${base}/readyz`);
    await waitUntil(
      async () => (ready = await get(`${base}/readyz`)).status === 503,
      20_000,
      'readyz to see the failing source',
    );
    expect(JSON.parse(ready.body)).toMatchObject({
      status: 'not ready',
      reason: 'sources: all 1 sources failing',
    });
    expect((await get(`${base}/healthz`)).status).toBe(200);
  });

  it('is not ready while its Redis is gone, and ready again when it is back', async () => {
    const redis = await startPrivateRedis();
    closers.push(() => redis.close());
    const feed = await startFeedServer();
    closers.push(() => feed.close());
    feed.setFeed('/news.xml', { kind: 'rss', items: [item(1)] });
    const { base } = await boot({
      sources: `      - { source: rss, name: news, every: 1s, feeds: ['${feed.url('/news.xml')}'] }`,
      env: { REDIS_URL: redis.url },
    });
    await waitUntil(async () => (await get(`${base}/readyz`)).status === 200, 20_000, 'readyz 200');

    await redis.stop();
    const down = await get(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toMatchObject({
      status: 'not ready',
      reason: 'queue: the bullmq queue is not answering',
      checks: { database: 'ok' },
    });
    // Without Redis there is no depth to tell, but the rest of /metrics still answers.
    const metrics = await get(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(sample(metrics.body, 'earshot_queue_depth', { queue: 'deliver' })).toBeUndefined();
    expect((await get(`${base}/healthz`)).status).toBe(200);

    await redis.start();
    await waitUntil(async () => (await get(`${base}/readyz`)).status === 200, 20_000, 'readyz 200 again');
  });
});
