import { afterEach, describe, expect, it } from 'vitest';
import { connectStore } from '../../src/db/client.ts';
import { testDatabase } from '../helpers/db.ts';
import { enqueueAlert } from '../../src/db/outbox.ts';
import { startFeedServer } from '../fakes/feed-server.ts';
import { listenLocal } from '../fakes/listen.ts';
import { startSmtpServer } from '../fakes/smtp-server.ts';
import { sampleAlert } from '../helpers/alert.ts';
import { cleanEnv, startCli, tempDir, waitUntil } from '../helpers/cli.ts';

// `earshot start` (a child process) with secrets in its config and environment, against fakes
// that fail, and fail loudly: they echo back what they were sent (URLs, bodies), as some APIs do.
// Every failure is logged; no secret may appear anywhere in what the process writes.

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const SECRETS = {
  SLACK_PATH: 'T0SLACKTEAM/B0SLACKHOOK/xoxSlackPathSecret7781',
  WEBHOOK_TOKEN: 'whTokenInQuery55120',
  ALERT_WEBHOOK_SECRET: 'whsecSigningSecret0042',
  PAGERDUTY_ROUTING_KEY: 'PdRoutingKey0123456789abcdefABCD',
  SMTP_PASSWORD: 'SmtpPassw0rd!Secret',
  YOUTUBE_API_KEY: 'AIzaYoutubeApiKey7734',
  FEED_KEY: 'feedApiKey99310',
  EARSHOT_ACK_SECRET: 'ackSigningSecret-0123456789',
};

/** A server that answers every request with `status` and a body quoting the request's URL and body. */
async function echoing(status: number) {
  const seen: string[] = [];
  const server = await listenLocal((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push(req.url ?? '');
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(`cannot serve ${req.url ?? ''} for ${body.slice(0, 300)}`);
    });
  });
  closers.push(() => server.close());
  return { base: server.base, seen };
}

describe('secrets in the log', () => {
  it.each(['json', 'pretty'])(
    'never appear (%s), while every failure that carries them is logged',
    async (format) => {
      const slack = await echoing(500);
      const hook = await echoing(503);
      const pagerduty = await echoing(400);
      const youtube = await echoing(500);
      const smtp = await startSmtpServer({ user: 'earshot', password: 'the-right-one' });
      closers.push(() => smtp.close());
      const feed = await startFeedServer();
      closers.push(() => feed.close());
      feed.setRaw('/feed.xml', 502, 'bad gateway');

      const tmp = tempDir();
      closers.push(() => tmp.cleanup());
      const cfg = tmp.file(
        'earshot.yml',
        `
brands:
  - name: acme
    query: acme
    sources:
      - { source: youtube, every: 1s, api_key: '\${YOUTUBE_API_KEY}', api_url: '${youtube.base}/youtube/v3', videos: [vid0000001] }
      - { source: rss, every: 1s, feeds: ['${feed.url('/feed.xml')}?api_key=\${FEED_KEY}'] }
channels:
  slack: { type: slack, webhook_url: '\${SLACK_WEBHOOK_URL}' }
  hook: { type: webhook, url: '\${ALERT_WEBHOOK_URL}', secret: '\${ALERT_WEBHOOK_SECRET}' }
  oncall: { type: pagerduty, routing_key: '\${PAGERDUTY_ROUTING_KEY}', api_url: '${pagerduty.base}/v2/enqueue' }
  mail: { type: email, smtp_url: '\${SMTP_URL}', from: earshot@acme.example, to: pr@acme.example }
routes:
  - channels: [slack, hook, oncall, mail]
`,
      );
      const store = await connectStore(testDatabase(tmp.dir).location);
      closers.push(() => store.close());
      await enqueueAlert(store, 'a1', sampleAlert(), ['slack', 'hook', 'oncall', 'mail'], Date.now());
      const smtpHost = smtp.url.replace(/^smtp:\/\/[^@]*@/, '');
      const env = cleanEnv({
        EARSHOT_CONFIG: cfg,
        EARSHOT_DATA_DIR: tmp.dir,
        EARSHOT_HTTP_LISTEN: '127.0.0.1:0',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: format,
        SLACK_WEBHOOK_URL: `${slack.base}/services/${SECRETS.SLACK_PATH}`,
        ALERT_WEBHOOK_URL: `${hook.base}/in?token=${SECRETS.WEBHOOK_TOKEN}`,
        ALERT_WEBHOOK_SECRET: SECRETS.ALERT_WEBHOOK_SECRET,
        PAGERDUTY_ROUTING_KEY: SECRETS.PAGERDUTY_ROUTING_KEY,
        SMTP_URL: `smtp://earshot:${encodeURIComponent(SECRETS.SMTP_PASSWORD)}@${smtpHost}`,
        YOUTUBE_API_KEY: SECRETS.YOUTUBE_API_KEY,
        FEED_KEY: SECRETS.FEED_KEY,
        EARSHOT_ACK_SECRET: SECRETS.EARSHOT_ACK_SECRET,
      });
      const daemon = startCli(['start'], env);
      closers.push(async () => {
        daemon.child.kill('SIGKILL');
        await daemon.exited;
      });

      const failures = [
        'delivery of alert a1 to slack failed',
        'delivery of alert a1 to hook failed',
        'delivery of alert a1 to oncall failed',
        'delivery of alert a1 to mail failed',
        'poll of youtube for acme failed',
        'poll of rss for acme failed',
      ];
      await waitUntil(
        () => failures.every((f) => daemon.logs().includes(f)),
        30_000,
        `every failure to be logged\n${daemon.logs()}`,
      );
      // The fakes did get the secrets: the requests carried them, and the answers quoted them.
      expect(slack.seen.some((u) => u.includes(SECRETS.SLACK_PATH))).toBe(true);
      expect(youtube.seen.some((u) => u.includes(SECRETS.YOUTUBE_API_KEY))).toBe(true);
      daemon.child.kill('SIGTERM');
      await daemon.exited;

      const values = Object.values(SECRETS).flatMap((v) => [
        v,
        encodeURIComponent(v),
        v.split('/').at(-1) ?? v,
      ]);
      const leaks = daemon
        .logs()
        .split('\n')
        .filter((line) => values.some((v) => line.includes(v)));
      expect(leaks).toEqual([]);

      // Nor in what the database keeps for `earshot alerts` and `earshot doctor` to show.
      const stored = (
        await store.all<{ e: string | null }>(
          'select last_error e from deliveries union all select last_error e from source_cursors',
        )
      ).map((r) => r.e ?? '');
      expect(stored.filter((e) => e !== '')).toHaveLength(6);
      expect(stored.filter((e) => values.some((v) => e.includes(v)))).toEqual([]);
    },
  );
});
