import { Writable } from 'node:stream';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { PagerDutyEvent } from '../../src/alerts/channels/pagerduty.ts';
import type { WebhookBody } from '../../src/alerts/channels/webhook.ts';
import { ManualClock } from '../../src/clock.ts';
import { buildConfig, loadConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { connectStore } from '../../src/db/client.ts';
import { resolveIncident } from '../../src/db/incidents.ts';
import { pagerDutyAnswer, startReceiver } from '../fakes/receiver-server.ts';
import { startSlackServer } from '../fakes/slack-server.ts';
import { cleanEnv, runCli, tempDir, waitUntil } from '../helpers/cli.ts';
import { raiseIncident } from '../helpers/incidents.ts';
import { testDatabase } from '../helpers/db.ts';

const MIN = 60_000;
const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function fakes() {
  const slack = await startSlackServer();
  const pd = await startReceiver(pagerDutyAnswer);
  const hooks = await startReceiver();
  const tmp = tempDir();
  closers.push(
    () => slack.close(),
    () => pd.close(),
    () => hooks.close(),
    () => tmp.cleanup(),
  );
  const events = () => pd.requests.map((r) => JSON.parse(r.body) as PagerDutyEvent);
  const lead = () => hooks.requests.map((r) => (JSON.parse(r.body) as WebhookBody).alert);
  return { slack, pd, hooks, tmp, events, lead };
}
type Fakes = Awaited<ReturnType<typeof fakes>>;

const rawConfig = (f: Fakes, listen: string) => ({
  channels: {
    'oncall-slack': { type: 'slack', webhook_url: f.slack.url },
    pd: { type: 'pagerduty', routing_key: ROUTING_KEY, api_url: f.pd.url('/v2/enqueue') },
    lead: { type: 'webhook', url: f.hooks.url('/lead'), secret: 'whsec-0123456789abcdef' },
  },
  routes: [
    {
      name: 'on-call',
      channels: ['oncall-slack', 'pd'],
      severities: ['critical'],
      escalate_after: '15m',
      escalate_to: 'lead',
    },
    { name: 'lead', channels: ['lead'], escalation_only: true },
  ],
  http: { listen },
});

/** The daemon, serving HTTP on a free port, with its log kept to look for secrets in. */
async function boot(f: Fakes, clock: ManualClock): Promise<{ d: Daemon; base: string; logs: () => string }> {
  let logged = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  const config = buildConfig(rawConfig(f, '127.0.0.1:0'), {
    EARSHOT_DATA_DIR: f.tmp.dir,
    ...testDatabase(f.tmp.dir).env,
  });
  const d = await startDaemon({
    config,
    env: {},
    log: pino({ level: 'debug' }, sink),
    clock,
    relayEveryMs: 100,
  });
  closers.push(() => d.stop());
  const server = await d.http;
  if (!server) throw new Error('the daemon serves no HTTP');
  return { d, base: server.url, logs: () => logged };
}

/** The Acknowledge button of a Slack message. */
function ackButton(body: unknown): string {
  const blocks = (body as { blocks: { type: string; elements?: { url?: string }[] }[] }).blocks;
  const url = blocks.find((b) => b.type === 'actions')?.elements?.[0]?.url;
  if (!url) throw new Error('the message has no Acknowledge button');
  return url;
}

const incidentRow = async (d: Daemon, id: string) =>
  (await d.ctx.store.get('select status, acknowledged_at, acknowledged_by from incidents where id = ?', [
    id,
  ])) as { status: string; acknowledged_at: number | null; acknowledged_by: string | null };

const settle = () => new Promise((r) => setTimeout(r, 2_500));

describe('the signed acknowledge link', () => {
  it('acknowledges over real HTTP once, tells PagerDuty through the outbox, and stops escalation', async () => {
    const f = await fakes();
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const { d, base, logs } = await boot(f, clock);
    await raiseIncident(d.ctx.store, d.ctx.config, clock.now().getTime(), {
      id: 'acme-crisis',
      severity: 'critical',
    });
    await f.slack.waitFor(1, 10_000);
    await waitUntil(() => f.events().length === 1, 10_000, 'the PagerDuty trigger');

    const link = ackButton(f.slack.received[0]?.body);
    expect(link.startsWith(`${base}/ack/acme-crisis?by=oncall-slack&exp=`)).toBe(true);
    const sig = new URL(link).searchParams.get('sig') ?? '';
    // A link preview asks with HEAD: that must not acknowledge.
    expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
    expect((await incidentRow(d, 'acme-crisis')).status).toBe('open');

    clock.advance(5 * MIN);
    const first = await fetch(link);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/html');
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await first.text()).toContain('Incident acme-crisis is acknowledged by oncall-slack');
    expect(await incidentRow(d, 'acme-crisis')).toEqual({
      status: 'acknowledged',
      acknowledged_at: clock.now().getTime(),
      acknowledged_by: 'oncall-slack',
    });

    const second = await fetch(link);
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('was already acknowledged by oncall-slack');

    await waitUntil(() => f.events().length === 2, 10_000, 'the PagerDuty acknowledge event');
    const [trigger, ack] = f.events();
    expect(ack).toMatchObject({ event_action: 'acknowledge', dedup_key: trigger?.dedup_key });
    expect(f.slack.received).toHaveLength(1); // Slack is not told again

    clock.advance(20 * MIN);
    await settle();
    expect(f.lead()).toHaveLength(0);
    // Neither the signature nor the secret is ever logged.
    expect(logs()).toContain('acknowledged by link');
    expect(logs()).not.toContain(sig);
    expect(logs()).not.toContain(d.ctx.ackSecret);
  });

  it('refuses a forged or expired link with 403 and a page saying why', async () => {
    const f = await fakes();
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const { d, base } = await boot(f, clock);
    await raiseIncident(d.ctx.store, d.ctx.config, clock.now().getTime(), {
      id: 'acme-crisis',
      severity: 'critical',
    });
    await f.slack.waitFor(1, 10_000);
    const link = new URL(ackButton(f.slack.received[0]?.body));

    const sig = link.searchParams.get('sig') ?? '';
    const forged = new URL(link);
    forged.searchParams.set('sig', `${sig.slice(0, -1)}${sig.endsWith('a') ? 'b' : 'a'}`);
    const longer = new URL(link);
    longer.searchParams.set('exp', String(Number(link.searchParams.get('exp')) + 86_400));
    const other = new URL(link);
    other.pathname = '/ack/acme-other';
    for (const u of [forged, longer, other, new URL(`${base}/ack/acme-crisis`)]) {
      const r = await fetch(u);
      expect(r.status).toBe(403);
      expect(await r.text()).toContain('was not signed by this Earshot');
    }

    clock.advance(7 * 86_400_000 + MIN);
    const expired = await fetch(link);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('This acknowledge link has expired');
    expect((await incidentRow(d, 'acme-crisis')).status).toBe('open');
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect((await fetch(link, { method: 'POST' })).status).toBe(405);
  });

  it('keeps the secret it made in the data folder, readable by its owner only, across restarts', async () => {
    const f = await fakes();
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const first = await boot(f, clock);
    const secret = first.d.ctx.ackSecret;
    await first.d.stop();
    const { statSync } = await import('node:fs');
    expect(statSync(path.join(f.tmp.dir, 'ack-secret')).mode & 0o777).toBe(0o600);
    const again = await boot(f, clock);
    expect(again.d.ctx.ackSecret).toBe(secret);
  });
});

describe('earshot ack', () => {
  it('acknowledges by name, says what it did, and refuses unknown and resolved incidents in one line', async () => {
    const f = await fakes();
    const yaml = JSON.stringify(rawConfig(f, 'off'));
    const file = f.tmp.file('earshot.yml', yaml); // JSON is YAML
    const env = cleanEnv({ EARSHOT_CONFIG: file, EARSHOT_DATA_DIR: f.tmp.dir });
    const config = loadConfig({ file, env });
    const store = await connectStore(config.settings.database);
    const now = Date.now();
    await raiseIncident(store, config, now, { id: 'acme-crisis', severity: 'critical' });
    await raiseIncident(store, config, now, { id: 'acme-old', kind: 'negative_shift', severity: 'warning' });
    await resolveIncident(store, 'acme-old', now);
    await store.close();

    const ok = await runCli(['ack', 'acme-crisis', '--by', 'alice'], { env });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^acknowledged acme-crisis \(critical, acme: .+\) as alice; escalation stopped; acknowledgement queued for pd\n$/,
    );
    const again = await runCli(['ack', 'acme-crisis'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^incident acme-crisis was already acknowledged by alice at .+; nothing changed\n$/,
    );

    const unknown = await runCli(['ack', 'nope'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'earshot: no incident is named "nope" (earshot alerts lists the latest, with their incidents)\n',
    );
    const resolved = await runCli(['ack', 'acme-old'], { env });
    expect(resolved.code).toBe(1);
    expect(resolved.stderr).toMatch(
      /^earshot: incident acme-old was resolved at .+: nothing to acknowledge\n$/,
    );

    const db = await connectStore(config.settings.database, { migrate: false });
    expect(await db.get("select status, acknowledged_by by from incidents where id = 'acme-crisis'")).toEqual(
      {
        status: 'acknowledged',
        by: 'alice',
      },
    );
    await db.close();

    // The acknowledgement waits in the outbox: the daemon, when it runs, tells PagerDuty.
    const d = await startDaemon({ config, env: {}, log: pino({ level: 'silent' }), schedule: false });
    closers.push(() => d.stop());
    await d.relay();
    await d.relay();
    await d.ctx.queue.drain('deliver', 20_000);
    expect(f.events().map((e) => e.event_action)).toEqual(['trigger', 'acknowledge']);
  });
});
