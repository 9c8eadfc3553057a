import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeedServer } from '../fakes/feed-server.ts';
import { startSlackServer } from '../fakes/slack-server.ts';
import { cleanEnv, startCli, tempDir, waitUntil, type Running } from '../helpers/cli.ts';
import { DaemonRows } from '../helpers/db.ts';

const REDIS = 'redis://127.0.0.1:6379';

type Feed = Awaited<ReturnType<typeof startFeedServer>>;
type Slack = Awaited<ReturnType<typeof startSlackServer>>;

function configYaml(feedUrl: string): string {
  return `
brands:
  - name: acme
    display_name: Acme Air
    query: 'acme AND (flight OR airline OR luggage)'
    sources:
      - source: rss
        every: 1s
        feeds: ['${feedUrl}']
detection:
  every: 1s
  min_negative: 5
  critical_ratio: 1000
  # A brand configured a moment ago: no warm-up, so the test's first story alerts.
  warmup: 0s
channels:
  pr:
    type: slack
    webhook_url: \${SLACK_WEBHOOK_URL}
routes:
  - channels: [pr]
`;
}

const neutral = (i: number) => ({
  id: `n${i}`,
  title: `Acme flight ${i} departs on schedule`,
  body: 'The Acme airline flight left the gate on time today.',
  link: `https://news.example/n${i}`,
  published: new Date(Date.now() - 60_000),
  author: 'reporter',
});
const negative = (i: number) => ({
  id: `bad${i}`,
  title: `Acme airline broke my guitar ${i}`,
  body: 'Terrible service, awful staff, my luggage was destroyed and nobody helped. Worst flight ever, never again.',
  link: `https://social.example/bad${i}`,
  published: new Date(),
  author: `angry${i}`,
});

describe.each([
  { queue: 'embedded', redis: false },
  { queue: 'bullmq on real Redis', redis: true },
])('daemon end to end ($queue)', ({ redis }) => {
  let feed: Feed;
  let slack: Slack;
  let tmp: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  let daemon: Running | undefined;
  let prefix: string;
  let rows: DaemonRows;

  beforeEach(async () => {
    feed = await startFeedServer();
    slack = await startSlackServer();
    tmp = tempDir();
    rows = new DaemonRows(tmp.dir);
    prefix = `test-${randomUUID()}`;
    feed.setFeed('/acme.xml', { kind: 'atom', items: [neutral(1), neutral(2)] });
    const cfg = tmp.file('earshot.yml', configYaml(feed.url('/acme.xml')));
    env = cleanEnv({
      EARSHOT_CONFIG: cfg,
      EARSHOT_DATA_DIR: tmp.dir,
      SLACK_WEBHOOK_URL: slack.url,
      ...(redis ? { REDIS_URL: REDIS, EARSHOT_QUEUE_PREFIX: prefix } : {}),
    });
  });

  afterEach(async () => {
    daemon?.child.kill('SIGKILL');
    await daemon?.exited;
    daemon = undefined;
    await feed.close();
    await slack.close();
    await rows.close();
    tmp.cleanup();
    if (redis) {
      const r = new Redis(REDIS);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length > 0) await r.del(...keys);
      r.disconnect();
    }
  });

  const count = (sql: string) => rows.count(sql);
  const mentions = () => count('select count(*) n from mentions');

  it('polls a feed that turns negative and sends exactly one Slack alert', async () => {
    daemon = startCli(['start'], env);
    await waitUntil(async () => (await mentions()) === 2, 20_000, 'the two neutral posts to be stored');
    expect(slack.received).toHaveLength(0);

    feed.setFeed('/acme.xml', {
      kind: 'atom',
      items: [neutral(1), neutral(2), ...[1, 2, 3, 4, 5, 6].map(negative)],
    });
    await slack.waitFor(1, 20_000);
    const msg = slack.received[0]?.body as { text: string; blocks: { type: string }[] };
    expect(msg.text).toContain('Acme Air');
    expect(msg.blocks.length).toBeGreaterThan(1);
    expect(JSON.stringify(msg.blocks)).toContain('social.example/bad');

    // More of the same story is an update of the open incident, not a new alert.
    feed.setFeed('/acme.xml', {
      kind: 'atom',
      items: [neutral(1), neutral(2), ...[1, 2, 3, 4, 5, 6, 7].map(negative)],
    });
    await waitUntil(async () => (await mentions()) === 9, 20_000, 'the seventh negative post');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(slack.received).toHaveLength(1);
    expect(await count('select count(*) n from incidents')).toBe(1);
    expect(await count("select count(*) n from deliveries where status = 'sent'")).toBe(1);

    // SIGTERM: running jobs finish, the queue and the database close, exit code 0.
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(daemon.logs()).toContain('SIGTERM: finishing running jobs');
  });

  it('loses no mention and sends no alert twice when killed with SIGKILL and restarted', async () => {
    daemon = startCli(['start'], env);
    feed.setFeed('/acme.xml', { kind: 'rss', items: [neutral(1), ...[1, 2, 3, 4, 5, 6].map(negative)] });
    await slack.waitFor(1, 20_000);
    await waitUntil(
      async () => (await count("select count(*) n from deliveries where status = 'sent'")) === 1,
      5_000,
      'the delivery to be recorded',
    );
    daemon.child.kill('SIGKILL');
    await daemon.exited;

    // While it is down the story goes on.
    feed.setFeed('/acme.xml', {
      kind: 'rss',
      items: [neutral(1), ...[1, 2, 3, 4, 5, 6, 7, 8].map(negative), neutral(2)],
    });
    daemon = startCli(['start'], env);
    await waitUntil(
      async () => (await mentions()) === 10,
      20_000,
      'the posts published while the daemon was down',
    );
    await new Promise((r) => setTimeout(r, 3_000));
    expect(slack.received).toHaveLength(1);
    expect(await count('select count(*) n from alerts')).toBe(1);
  });
});

describe('daemon with Redis unreachable', () => {
  it('keeps running and says so in the log, without the password', async () => {
    const feed = await startFeedServer();
    const tmp = tempDir();
    try {
      feed.setFeed('/acme.xml', { kind: 'rss', items: [neutral(1)] });
      const cfg = tmp.file(
        'earshot.yml',
        configYaml(feed.url('/acme.xml')).replace(
          'webhook_url: ${SLACK_WEBHOOK_URL}',
          'webhook_url: http://127.0.0.1:1/services/x',
        ),
      );
      const env = cleanEnv({
        EARSHOT_CONFIG: cfg,
        EARSHOT_DATA_DIR: tmp.dir,
        REDIS_URL: 'redis://:hunter2@127.0.0.1:1',
      });
      const daemon = startCli(['start'], env);
      await waitUntil(
        () => daemon.logs().includes('redis at 127.0.0.1:1'),
        15_000,
        'the daemon to report Redis down',
      );
      await new Promise((r) => setTimeout(r, 1_500));
      expect(daemon.child.exitCode).toBeNull();
      expect(daemon.logs()).not.toContain('hunter2');
      daemon.child.kill('SIGKILL');
      await daemon.exited;
    } finally {
      await feed.close();
      tmp.cleanup();
    }
  });
});
