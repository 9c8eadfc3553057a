import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookBody } from '../../src/alerts/channels/webhook.ts';
import { ManualClock } from '../../src/clock.ts';
import { buildConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { getAlertPayload } from '../../src/db/outbox.ts';
import { startReceiver } from '../fakes/receiver-server.ts';
import { startSlackServer } from '../fakes/slack-server.ts';
import { tempDir, waitUntil } from '../helpers/cli.ts';
import { raiseIncident, storePosts } from '../helpers/incidents.ts';
import { redisAnswers } from '../helpers/redis.ts';
import { testDatabase } from '../helpers/db.ts';

const MIN = 60_000;
const REDIS = 'redis://127.0.0.1:6379';
const SECRET = 'whsec-0123456789abcdef';
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function fakes() {
  const slack = await startSlackServer();
  const hooks = await startReceiver();
  const tmp = tempDir();
  closers.push(
    () => slack.close(),
    () => hooks.close(),
    () => tmp.cleanup(),
  );
  /** What the webhook at `/path` received, as the alerts in it. */
  const at = (p: string) =>
    hooks.requests.filter((r) => r.path === p).map((r) => (JSON.parse(r.body) as WebhookBody).alert);
  return { slack, hooks, tmp, at };
}
type Fakes = Awaited<ReturnType<typeof fakes>>;

async function boot(
  f: Fakes,
  clock: ManualClock,
  routes: unknown[],
  opts: { schedule?: boolean; env?: Record<string, string> } = {},
): Promise<Daemon> {
  const hook = (p: string) => ({ type: 'webhook', url: f.hooks.url(p), secret: SECRET });
  const config = buildConfig(
    {
      channels: {
        support: { type: 'slack', webhook_url: f.slack.url },
        everything: hook('/everything'),
        oncall: hook('/oncall'),
        lead: hook('/lead'),
        exec: hook('/exec'),
      },
      routes,
      http: { listen: 'off' },
    },
    { EARSHOT_DATA_DIR: f.tmp.dir, ...testDatabase(f.tmp.dir).env, ...opts.env },
  );
  const d = await startDaemon({
    config,
    env: {},
    log: pino({ level: 'silent' }),
    clock,
    schedule: opts.schedule ?? false,
    relayEveryMs: 100,
  });
  closers.push(() => d.stop());
  return d;
}

async function deliverAll(d: Daemon): Promise<void> {
  // A relay already running (the one at start) may have looked at the outbox before this alert.
  await d.relay();
  await d.relay();
  await d.ctx.queue.drain('deliver', 20_000);
}

const settle = () => new Promise((r) => setTimeout(r, 2_500));

describe('routes by intent, with a cooldown', () => {
  it('holds back a repeat on a route within its cooldown, but not a rise in severity', async () => {
    const f = await fakes();
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const d = await boot(f, clock, [
      { name: 'support', channels: ['support'], intents: ['complaint'], cooldown: '30m' },
      { name: 'marketing', channels: ['oncall'], intents: ['purchase_intent'] },
      { name: 'everything', channels: ['everything'] },
    ]);
    const store = d.ctx.store;
    const ids = await storePosts(
      store,
      'acme',
      [
        'Worst service ever, my luggage is lost and nobody helps, I want a refund',
        'Terrible airline, still waiting for a refund after three weeks, awful',
        'Cancelled my flight again and customer service hung up on me, disgraceful',
        'Acme is late again',
      ],
      clock.now().getTime(),
    );
    const raise = async (severity: 'warning' | 'critical') =>
      await raiseIncident(store, d.ctx.config, clock.now().getTime(), {
        id: 'acme-complaints',
        severity,
        mentionIds: ids,
      });

    await raise('warning');
    await deliverAll(d);
    expect(f.slack.received).toHaveLength(1);
    expect(f.at('/everything')).toHaveLength(1);
    expect(f.at('/oncall')).toHaveLength(0); // no purchase intent in this story
    // The alert carries the dominant intents of the incident's mentions, read from the database.
    expect((await getAlertPayload(store, 'acme-complaints-1'))?.intents).toContain('complaint');

    clock.advance(10 * MIN);
    await raise('warning');
    await deliverAll(d);
    expect(f.slack.received).toHaveLength(1); // support is in its cooldown
    expect(f.at('/everything')).toHaveLength(2); // a route without cooldown hears every alert

    clock.advance(5 * MIN);
    await raise('critical');
    await deliverAll(d);
    expect(f.slack.received).toHaveLength(2); // severity rose: through the cooldown

    clock.advance(25 * MIN);
    await raise('critical');
    await deliverAll(d);
    expect(f.slack.received).toHaveLength(2); // 25 minutes after the last one support had

    clock.advance(6 * MIN);
    await raise('critical');
    await deliverAll(d);
    expect(f.slack.received).toHaveLength(3); // the cooldown has passed
    expect(f.at('/everything')).toHaveLength(5);
  });
});

const ladder = [
  {
    name: 'on-call',
    channels: ['oncall'],
    severities: ['critical'],
    escalate_after: '15m',
    escalate_to: 'lead',
  },
  { name: 'lead', channels: ['lead'], escalation_only: true, escalate_after: '30m', escalate_to: 'exec' },
  { name: 'exec', channels: ['exec'], escalation_only: true },
];

describe('escalation', () => {
  it('sends an unacknowledged critical incident up the chain, each step once, on the schedule', async () => {
    const f = await fakes();
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const d = await boot(f, clock, ladder, { schedule: true });
    await raiseIncident(d.ctx.store, d.ctx.config, clock.now().getTime(), {
      id: 'acme-crisis',
      severity: 'critical',
    });
    // A warning goes nowhere near the on-call, and so never escalates.
    await raiseIncident(d.ctx.store, d.ctx.config, clock.now().getTime(), {
      id: 'acme-grumbles',
      kind: 'negative_shift',
      severity: 'warning',
    });
    await waitUntil(() => f.at('/oncall').length === 1, 10_000, 'the on-call alert');

    clock.advance(14 * MIN);
    await settle();
    expect(f.at('/lead')).toHaveLength(0);

    clock.advance(2 * MIN);
    await waitUntil(() => f.at('/lead').length === 1, 10_000, 'the escalation to the lead');
    const escalated = f.at('/lead')[0];
    expect(escalated).toMatchObject({
      incident_id: 'acme-crisis',
      kind: 'volume_spike',
      severity: 'critical',
      escalated: true,
    });
    expect(escalated?.title).toMatch(/^Escalated, not acknowledged in 15m: /);

    clock.advance(20 * MIN);
    await settle();
    expect(f.at('/exec')).toHaveLength(0); // the lead has had it 20 of its 30 minutes

    clock.advance(11 * MIN);
    await waitUntil(() => f.at('/exec').length === 1, 10_000, 'the escalation to the exec');
    expect(f.at('/exec')[0]?.title).toMatch(/^Escalated, not acknowledged in 30m: /);

    clock.advance(3 * 3_600_000);
    await settle();
    expect(f.at('/oncall')).toHaveLength(1);
    expect(f.at('/lead')).toHaveLength(1);
    expect(f.at('/exec')).toHaveLength(1);
  });

  it('escalates once with two daemons on one Redis and one database', async () => {
    if (!(await redisAnswers())) throw new Error('this test needs Redis at 127.0.0.1:6379');
    const f = await fakes();
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const prefix = `test-${randomUUID()}`;
    const env = {
      REDIS_URL: REDIS,
      EARSHOT_QUEUE_PREFIX: prefix,
      DATABASE_URL: testDatabase(path.join(f.tmp.dir, 'shared')).location,
    };
    closers.push(async () => {
      const r = new Redis(REDIS);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length > 0) await r.del(...keys);
      r.disconnect();
    });
    const a = await boot(f, clock, ladder, { schedule: true, env });
    await boot(f, clock, ladder, { schedule: true, env });
    await raiseIncident(a.ctx.store, a.ctx.config, clock.now().getTime(), {
      id: 'acme-crisis',
      severity: 'critical',
    });
    await waitUntil(() => f.at('/oncall').length === 1, 10_000, 'the on-call alert');

    clock.advance(16 * MIN);
    await waitUntil(() => f.at('/lead').length === 1, 10_000, 'the escalation to the lead');
    await settle();
    expect(f.at('/oncall')).toHaveLength(1);
    expect(f.at('/lead')).toHaveLength(1);
  });
});
