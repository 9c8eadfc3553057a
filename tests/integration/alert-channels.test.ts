import { createHmac } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { pagerduty, type PagerDutyEvent } from '../../src/alerts/channels/pagerduty.ts';
import { webhook, type WebhookBody } from '../../src/alerts/channels/webhook.ts';
import { ChannelPermanentError, ChannelTransientError } from '../../src/errors.ts';
import { createHttp } from '../../src/sources/http.ts';
import { startFeedServer } from '../fakes/feed-server.ts';
import { startSmtpServer } from '../fakes/smtp-server.ts';
import { pagerDutyAnswer, startReceiver } from '../fakes/receiver-server.ts';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';
import { sampleAlert } from '../helpers/alert.ts';

const alert = sampleAlert({
  top_mentions: [
    ...(sampleAlert().top_mentions ?? []),
    { id: 'x:2', url: 'javascript:alert(1)', text: 'no link for this one', sentiment: -0.5 },
  ],
});
const ctx = (timeoutMs = 2_000) => ({
  http: createHttp({ timeoutMs, userAgent: 'earshot-test' }),
  log: pino({ level: 'silent' }),
  deliveryId: 'a17.ops-hook',
});
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});
const receiver = async (answer?: Parameters<typeof startReceiver>[0]) => {
  const r = await startReceiver(answer);
  closers.push(() => r.close());
  return r;
};

describe('webhook channel', () => {
  const secret = 'whsec-0123456789abcdef';

  it('posts the documented JSON with a signature over the timestamp and body, and a delivery id', async () => {
    const r = await receiver();
    const o = webhook.options.parse({ url: r.url(), secret });
    await webhook.send(webhook.render(alert, { ackUrl: 'https://earshot.example/ack/x?sig=1' }), o, ctx());
    const [req] = r.requests;
    const body = JSON.parse(req?.body ?? '{}') as Record<string, unknown>;
    expect(body).toEqual({ version: 1, alert, ack_url: 'https://earshot.example/ack/x?sig=1' });
    expect(req?.headers['earshot-delivery']).toBe('a17.ops-hook');
    const sig = String(req?.headers['earshot-signature']);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig) ?? [];
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${req?.body}`).digest('hex'));
    expect(v1).not.toBe(
      createHmac('sha256', 'another-secret-1234').update(`${t}.${req?.body}`).digest('hex'),
    );
  });

  it('retries 429 after Retry-After and 5xx, never 400 or 410, and keeps the URL out of errors', async () => {
    const r = await receiver();
    const url = r.url('/hook?token=SECRET-TOKEN');
    const o = webhook.options.parse({ url, secret });
    const payload = webhook.render(alert, {});
    const failure = async () =>
      webhook.send(payload, o, ctx()).then(
        () => null,
        (e: unknown) => e as Error,
      );
    r.queue({ status: 429, body: 'slow down', headers: { 'retry-after': '7' } });
    const limited = await failure();
    expect(limited).toBeInstanceOf(ChannelTransientError);
    expect((limited as ChannelTransientError).retryAfterMs).toBe(7_000);
    r.queue({ status: 503, body: 'down' });
    expect(await failure()).toBeInstanceOf(ChannelTransientError);
    for (const status of [400, 410]) {
      r.queue({ status, body: `nope ${url}` });
      const err = await failure();
      expect(err).toBeInstanceOf(ChannelPermanentError);
      expect(err?.message).toMatch(new RegExp(`^webhook: the receiver refused the message: ${status}`));
      expect(err?.message).not.toContain('SECRET-TOKEN');
    }
    r.queue({ status: 0, body: '' });
    const slow = await webhook.send(payload, o, ctx(300)).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(slow).toBeInstanceOf(ChannelTransientError);
    expect(slow?.message).toBe('webhook: no answer within 0.3s');
  });

  it('refuses a short secret in the config', () => {
    expect(webhook.options.safeParse({ url: 'https://h.example/x', secret: 'short' }).success).toBe(false);
  });
});

describe('pagerduty channel', () => {
  const key = 'R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12';

  it('triggers with the incident as dedup_key, then acknowledges and resolves the same PagerDuty incident', async () => {
    const r = await receiver(pagerDutyAnswer);
    const o = pagerduty.options.parse({ routing_key: key, api_url: r.url('/v2/enqueue') });
    await pagerduty.send(pagerduty.render(alert, { ackUrl: 'https://earshot.example/ack/1' }), o, ctx());
    await pagerduty.send(pagerduty.render({ ...alert, update: true, severity: 'warning' }, {}), o, ctx());
    await pagerduty.send(pagerduty.render({ ...alert, status: 'acknowledged' }, {}), o, ctx());
    await pagerduty.send(pagerduty.render({ ...alert, status: 'resolved' }, {}), o, ctx());
    const events = r.requests.map((q) => JSON.parse(q.body) as PagerDutyEvent & { routing_key: string });
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'trigger', 'acknowledge', 'resolve']);
    expect(new Set(events.map((e) => e.dedup_key))).toEqual(
      new Set(['earshot:united:united-volume-spike-20170410T0115']),
    );
    expect(events[0]).toMatchObject({
      routing_key: key,
      payload: {
        severity: 'critical',
        source: 'earshot',
        component: 'united',
        group: 'volume_spike',
        timestamp: alert.at,
      },
      links: [
        { href: 'https://earshot.example/ack/1', text: 'Acknowledge in Earshot' },
        { href: 'https://x.com/a/status/1', text: 'Post 1 by witness' },
      ],
    });
    expect(events[0]?.payload?.summary).toMatch(/^\[united\] Negative volume spike: 14 negative mentions/);
    expect(events[1]?.payload?.summary).toMatch(/^Update: /);
    expect(events[2]).not.toHaveProperty('payload');
  });

  it('does not retry an event PagerDuty calls invalid, and waits 30 s after a 429 without Retry-After', async () => {
    const r = await receiver(pagerDutyAnswer);
    const o = pagerduty.options.parse({ routing_key: key, api_url: r.url('/v2/enqueue') });
    const event = pagerduty.render(alert, {});
    const bad = await pagerduty
      .send({ ...event, payload: { ...event.payload!, summary: 'x'.repeat(2_000) } }, o, ctx())
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(bad).toBeInstanceOf(ChannelPermanentError);
    expect(bad?.message).toMatch(/400 .*payload\.summary/);
    r.queue({
      status: 429,
      body: '{"status":"throttle event","message":"Requests for this service are arriving too quickly."}',
    });
    const limited = await pagerduty.send(event, o, ctx()).then(
      () => null,
      (e: unknown) => e as ChannelTransientError,
    );
    expect(limited?.retryAfterMs).toBe(30_000);
    expect(JSON.stringify(bad?.message)).not.toContain(key);
  });

  it('keeps a summary within 1,024 characters and refuses a malformed routing key', () => {
    const long = pagerduty.render({ ...alert, title: 't'.repeat(5_000) }, {});
    expect(long.payload?.summary.length).toBeLessThanOrEqual(1_024);
    expect(pagerduty.options.safeParse({ routing_key: 'short' }).success).toBe(false);
  });
});

describe('webhook, pagerduty and email in the daemon', () => {
  it('deliver the alert of a feed that turns negative once each, and earshot alerts tells how each fared', async () => {
    const hook = await receiver();
    const pd = await receiver(pagerDutyAnswer);
    const feed = await startFeedServer();
    closers.push(() => feed.close());
    const smtp = await startSmtpServer({ user: 'earshot', password: 'smtp-secret-pw' });
    closers.push(() => smtp.close());
    const tmp = tempDir();
    closers.push(async () => tmp.cleanup());
    const post = (i: number, bad: boolean) => ({
      id: `p${i}`,
      title: bad ? `Acme airline broke my guitar ${i}` : `Acme flight ${i} departs on schedule`,
      body: bad
        ? 'Terrible service, awful staff, my luggage was destroyed. Worst flight ever, never again.'
        : 'On time.',
      link: `https://social.example/p${i}`,
      published: new Date(Date.now() - (bad ? 0 : 60_000)),
      author: `a${i}`,
    });
    feed.setFeed('/f', {
      kind: 'atom',
      items: [post(1, false), post(2, false), ...[3, 4, 5, 6, 7, 8].map((i) => post(i, true))],
    });
    const cfg = tmp.file(
      'earshot.yml',
      `
brands:
  - name: acme
    query: 'acme AND (flight OR airline)'
    sources: [{ source: rss, feeds: ['${feed.url('/f')}'] }]
detection: { min_negative: 5, critical_ratio: 1000, warmup: 0s }
channels:
  ops-hook:
    type: webhook
    url: \${ALERT_WEBHOOK_URL}
    secret: \${ALERT_WEBHOOK_SECRET}
  oncall:
    type: pagerduty
    routing_key: \${PAGERDUTY_ROUTING_KEY}
    api_url: '${pd.url('/v2/enqueue')}'
  mail:
    type: email
    smtp_url: \${SMTP_URL}
    from: earshot@acme.example
    to: [pr@acme.example]
routes:
  - channels: [ops-hook, oncall, mail]
`,
    );
    const env = cleanEnv({
      EARSHOT_DATA_DIR: tmp.dir,
      ALERT_WEBHOOK_URL: hook.url('/earshot'),
      ALERT_WEBHOOK_SECRET: 'whsec-0123456789abcdef',
      PAGERDUTY_ROUTING_KEY: 'R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12',
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'warn',
    });
    // The webhook's endpoint is gone (410): recorded with the reason, never retried; the others go out.
    hook.queue({ status: 410, body: 'endpoint removed' });
    const r = await runCli(['--config', cfg, 'poll', '--once'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('R0ut1ngKey');
    expect(hook.requests).toHaveLength(1);
    const body = JSON.parse(hook.requests[0]?.body ?? '{}') as WebhookBody;
    expect(body.alert).toMatchObject({ brand: 'acme', polarity: 'negative' });
    expect(hook.requests[0]?.headers['earshot-delivery']).toMatch(/\.ops-hook$/);
    expect(pd.requests.map((q) => (JSON.parse(q.body) as PagerDutyEvent).event_action)).toEqual(['trigger']);
    expect(smtp.received.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^\[\w+\] acme: Negative volume spike/),
    ]);
    expect(r.stderr).not.toContain('smtp-secret-pw');
    const listed = await runCli(['--config', cfg, 'alerts'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/critical|warning|info/);
    expect(listed.stdout).toMatch(/→ mail: sent /);
    expect(listed.stdout).toMatch(/→ oncall: sent /);
    expect(listed.stdout).toMatch(
      /→ ops-hook: GAVE UP after 1 attempt\(s\): webhook: the receiver refused the message: 410/,
    );
    expect(listed.stdout).not.toContain('R0ut1ngKey');
    const doctor = await runCli(['--config', cfg, 'doctor'], { env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(
      /✗ deliveries to ops-hook: 1 given up in the last 7 days; the last: webhook: the receiver refused the message: 410/,
    );
    expect(doctor.stdout).not.toMatch(/deliveries to (mail|oncall)/);
  });
});
