import type { ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { PagerDutyEvent } from '../../src/alerts/channels/pagerduty.ts';
import type { WebhookBody } from '../../src/alerts/channels/webhook.ts';
import { pagerDutyAnswer, startReceiver, type Received } from '../fakes/receiver-server.ts';
import { startSmtpServer } from '../fakes/smtp-server.ts';
import { waitUntil } from '../helpers/cli.ts';
import { startDeliveryRig } from '../helpers/delivery.ts';
import { startPrivateRedis } from '../helpers/redis.ts';

// The webhook, PagerDuty and email channels in the daemon (`earshot start`, a child process) while
// things go wrong: Redis dies, the daemon dies, receivers throttle or refuse.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const ROUTING_KEY = 'R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12';
const SECRET = 'whsec-0123456789abcdef';

/** A webhook receiver, a PagerDuty and a real SMTP server, and a rig whose channels point at them. */
async function receivers(opts: { redisUrl?: string } = {}) {
  const hook = await startReceiver();
  const pd = await startReceiver(pagerDutyAnswer);
  const smtp = await startSmtpServer();
  closers.push(
    () => hook.close(),
    () => pd.close(),
    () => smtp.close(),
  );
  const rig = await startDeliveryRig({
    channels: [
      `  hook:\n    type: webhook\n    url: '${hook.url('/in')}'\n    secret: ${SECRET}`,
      `  oncall:\n    type: pagerduty\n    routing_key: ${ROUTING_KEY}\n    api_url: '${pd.url('/v2/enqueue')}'`,
      `  mail:\n    type: email\n    smtp_url: '${smtp.url}'\n    from: earshot@acme.example\n    to: pr@acme.example`,
    ].join('\n'),
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
  });
  closers.push(() => rig.close());
  return { hook, pd, smtp, rig };
}

const hookTitle = (r: Received) => (JSON.parse(r.body) as WebhookBody).alert.title;
const pdEvent = (r: Received) => JSON.parse(r.body) as PagerDutyEvent;
const mailTitle = (m: ParsedMail) => (m.subject ?? '').replace(/^.* — /, '');
const allSent = (rig: Awaited<ReturnType<typeof receivers>>['rig'], n: number) => async () => {
  const rows = await rig.deliveries();
  return rows.length === n && rows.every((d) => d.status === 'sent');
};
/** How many times each key was seen. */
const tally = (keys: string[]) => {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
};

describe('Redis stopped and restarted mid-stream', () => {
  it('loses nothing: alerts wait in the outbox, jobs Redis forgot are offered again, each incident in order', async () => {
    const redis = await startPrivateRedis();
    closers.push(() => redis.close());
    const { hook, pd, smtp, rig } = await receivers({ redisUrl: redis.url });
    await rig.writeAlerts(3);
    rig.start();
    await waitUntil(allSent(rig, 9), 15_000, 'the first alerts on every channel');

    // A story told in four alerts, plus others; Redis dies while they are being delivered.
    hook.slow(300);
    const story = { incident_id: 'story' };
    await rig.writeAlerts(1, { ...story, title: 'story 1' });
    await rig.writeAlerts(3);
    await rig.writeAlerts(1, { ...story, title: 'story 2', update: true });
    await rig.writeAlerts(1, { ...story, title: 'story 3', update: true, status: 'resolved' });
    await waitUntil(() => hook.requests.length > 3, 10_000, 'deliveries in flight');
    await redis.stop();
    // While it is down, more of another story: it can only wait in the outbox.
    const later = { incident_id: 'later' };
    await rig.writeAlerts(1, { ...later, title: 'later 1' });
    await rig.writeAlerts(1, { ...later, title: 'later 2', update: true, status: 'resolved' });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(hook.requests.map(hookTitle)).not.toContain('later 1');
    await redis.start();
    await waitUntil(allSent(rig, 3 * 11), 30_000, 'every alert on every channel after the restart');

    const titles = [
      'alert 1',
      'alert 2',
      'alert 3',
      'story 1',
      'alert 5',
      'alert 6',
      'alert 7',
      'story 2',
      'story 3',
      'later 1',
      'later 2',
    ];
    expect(tally(hook.requests.map(hookTitle))).toEqual(new Map(titles.map((t) => [t, 1])));
    expect([...tally(smtp.received.map(mailTitle)).keys()].sort()).toEqual([...titles].sort());
    for (const seen of [hook.requests.map(hookTitle), smtp.received.map(mailTitle)]) {
      expect(seen.filter((t) => t.startsWith('story'))).toEqual(['story 1', 'story 2', 'story 3']);
      expect(seen.filter((t) => t.startsWith('later'))).toEqual(['later 1', 'later 2']);
    }
    // PagerDuty: one incident per story, triggered before it is resolved.
    const actions = (incident: string) =>
      pd.requests
        .map(pdEvent)
        .filter((e) => e.dedup_key === `earshot:united:${incident}`)
        .map((e) => e.event_action);
    expect(actions('story')).toEqual(['trigger', 'trigger', 'resolve']);
    expect(actions('later')).toEqual(['trigger', 'resolve']);
  });
});

describe.each([
  { queue: 'embedded', redisUrl: undefined },
  { queue: 'bullmq', redisUrl: 'redis://127.0.0.1:6379' },
])('the daemon killed mid-delivery ($queue)', ({ redisUrl }) => {
  it('delivers every alert after a restart, a duplicate at most once and with the same id', async () => {
    const { hook, pd, smtp, rig } = await receivers(redisUrl ? { redisUrl } : {});
    const ids = await rig.writeAlerts(8);
    // The receivers read each request and answer late: the daemon dies with sends in flight.
    hook.slow(1_000);
    pd.slow(1_000);
    rig.start();
    await waitUntil(() => hook.requests.length >= 4 && pd.requests.length >= 1, 15_000, 'sends in flight');
    await rig.kill();
    hook.slow(0);
    pd.slow(0);
    rig.start();
    await waitUntil(allSent(rig, 3 * ids.length), 25_000, 'every delivery after the restart');

    const titles = ids.map((_, i) => `alert ${i + 1}`);
    const hooks = tally(hook.requests.map(hookTitle));
    expect([...hooks.keys()].sort()).toEqual([...titles].sort());
    expect(Math.max(...hooks.values())).toBeLessThanOrEqual(2);
    // The daemon died before it could record those sends: they went again, and a receiver sees
    // that they are the same.
    expect([...hooks.values()].some((n) => n === 2)).toBe(true);
    for (const t of titles) {
      const seen = hook.requests.filter((r) => hookTitle(r) === t).map((r) => r.headers['earshot-delivery']);
      expect(new Set(seen).size).toBe(1);
    }
    const events = tally(pd.requests.map((r) => pdEvent(r).dedup_key));
    expect(events.size).toBe(ids.length);
    expect(Math.max(...events.values())).toBeLessThanOrEqual(2);
    const mails = tally(smtp.received.map((m) => m.messageId ?? ''));
    expect(mails.size).toBe(ids.length);
    expect(Math.max(...mails.values())).toBeLessThanOrEqual(2);
  });
});

describe('a 429 storm', () => {
  it('ends with everything delivered, each retry after the Retry-After it was given', async () => {
    const { hook, pd, rig } = await receivers({ redisUrl: 'redis://127.0.0.1:6379' });
    // For 3 s from the first request (however long the daemon takes to start), everything is 429.
    const storm = (fallback: (r: Received) => { status: number; body: string }) => {
      let from: number | undefined;
      return (r: Received) =>
        r.at < (from ??= r.at) + 3_000
          ? { status: 429, body: 'slow down', headers: { 'retry-after': '2' } }
          : fallback(r);
    };
    hook.answerWith(storm(() => ({ status: 200, body: 'ok' })));
    pd.answerWith(storm(pagerDutyAnswer));
    await rig.writeAlerts(6);
    rig.start();
    await waitUntil(allSent(rig, 18), 30_000, 'every delivery after the storm');

    for (const [rx, keyOf] of [
      [hook, (r: Received) => String(r.headers['earshot-delivery'])],
      [pd, (r: Received) => pdEvent(r).dedup_key],
    ] as const) {
      expect(rx.answered.some((a) => a.status === 429)).toBe(true);
      const byKey = new Map<string, number[]>();
      rx.requests.forEach((r, i) => byKey.set(keyOf(r), [...(byKey.get(keyOf(r)) ?? []), i]));
      expect(byKey.size).toBe(6);
      for (const tries of byKey.values()) {
        expect([200, 202]).toContain(rx.answered[tries.at(-1)!]?.status);
        // Every try after a 429 came at least the 2 s it asked for (less a little clock slack).
        for (let k = 1; k < tries.length; k++) {
          const before = rx.answered[tries[k - 1]!]!;
          expect(before.status).toBe(429);
          expect(rx.requests[tries[k]!]!.at - before.at).toBeGreaterThanOrEqual(1_900);
        }
      }
    }
    expect((await rig.deliveries()).every((d) => d.status === 'sent')).toBe(true);
  });
});

describe('a permanent failure', () => {
  it('is recorded with the reason and never retried, and the next alert goes out', async () => {
    const { hook, pd, smtp, rig } = await receivers({ redisUrl: 'redis://127.0.0.1:6379' });
    hook.queue({ status: 400, body: 'bad payload' });
    pd.queue({ status: 400, body: '{"status":"invalid event","errors":["nope"]}' });
    smtp.refuse(550, 'mailbox unavailable');
    await rig.writeAlerts(1);
    rig.start();
    await waitUntil(
      async () => (await rig.deliveries()).every((d) => d.status === 'dead'),
      15_000,
      'the three deliveries to be given up',
    );
    await rig.writeAlerts(1);
    await waitUntil(
      async () => (await rig.deliveries()).filter((d) => d.status === 'sent').length === 3,
      15_000,
      'the next alert on every channel',
    );
    // Time for retries, had there been any.
    await new Promise((r) => setTimeout(r, 2_500));
    const first = (await rig.deliveries()).filter((d) => d.alert_id === 'a1');
    expect(first.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['hook', 'dead', 1],
      ['oncall', 'dead', 1],
      ['mail', 'dead', 1],
    ]);
    expect(first.map((d) => d.last_error)).toEqual([
      'webhook: the receiver refused the message: 400 bad payload',
      expect.stringMatching(/^pagerduty: the receiver refused the message: 400 .*invalid event/),
      expect.stringMatching(/^email: the mail server refused: .*mailbox unavailable/),
    ]);
    expect(hook.requests.map(hookTitle)).toEqual(['alert 1', 'alert 2']);
    expect(pd.requests).toHaveLength(2);
    expect(smtp.received.map(mailTitle)).toEqual(['alert 2']);
    expect(rig.daemon?.logs()).not.toContain(ROUTING_KEY);
  });
});

describe('an incident whose first alert must be retried', () => {
  it('gets its later alerts after it, on every channel', async () => {
    const { hook, pd, smtp, rig } = await receivers({ redisUrl: 'redis://127.0.0.1:6379' });
    hook.queue({ status: 503, body: 'busy' });
    pd.queue({ status: 503, body: 'busy' });
    smtp.refuse(451, 'try again later');
    const story = { incident_id: 'story' };
    await rig.writeAlerts(1, { ...story, title: 'story 1' });
    await rig.writeAlerts(1, { ...story, title: 'story 2', update: true, status: 'resolved' });
    rig.start();
    await waitUntil(allSent(rig, 6), 20_000, 'both alerts on every channel');
    expect(hook.requests.map(hookTitle)).toEqual(['story 1', 'story 1', 'story 2']);
    expect(pd.requests.map((r) => pdEvent(r).event_action)).toEqual(['trigger', 'trigger', 'resolve']);
    expect(smtp.received.map(mailTitle)).toEqual(['story 1', 'story 2']);
  });
});
