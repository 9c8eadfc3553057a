import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookBody } from '../../src/alerts/channels/webhook.ts';
import { startReceiver, type Received } from '../fakes/receiver-server.ts';
import { waitUntil } from '../helpers/cli.ts';
import { startDeliveryRig } from '../helpers/delivery.ts';

// `earshot start` (a child process) told to stop while a delivery hangs on a slow receiver.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function webhookRig(opts: { redisUrl?: string; env?: Record<string, string> } = {}) {
  const hook = await startReceiver();
  closers.push(() => hook.close());
  const rig = await startDeliveryRig({
    channels: `  hook:\n    type: webhook\n    url: '${hook.url('/in')}'\n    secret: whsec-0123456789abcdef`,
    ...opts,
  });
  closers.push(() => rig.close());
  return { hook, rig };
}

const titleOf = (r: Received) => (JSON.parse(r.body) as WebhookBody).alert.title;
const titles = (hook: { requests: Received[] }) => hook.requests.map(titleOf);
const sent = async (rig: Awaited<ReturnType<typeof webhookRig>>['rig'], id: string) =>
  (await rig.deliveries()).some((d) => d.alert_id === id && d.status === 'sent');

describe.each([
  { queue: 'embedded', redisUrl: undefined },
  { queue: 'bullmq', redisUrl: 'redis://127.0.0.1:6379' },
])('stopping the daemon ($queue)', ({ redisUrl }) => {
  it('on SIGTERM finishes the delivery in flight, closes, exits 0, and the next start sends it no more', async () => {
    const { hook, rig } = await webhookRig(redisUrl ? { redisUrl } : {});
    const [first] = await rig.writeAlerts(1);
    hook.slow(2_000);
    const daemon = rig.start();
    await waitUntil(() => hook.requests.length === 1, 15_000, 'the delivery to reach the receiver');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    const log = daemon.logs();
    expect(log).toContain('SIGTERM: finishing running jobs');
    // A detection may be running beside it, at a minute's tick.
    expect(log).toMatch(/waiting up to 30s for [\w ]*\b1 deliver\b[\w ]*job\(s\)/);
    expect(log).toContain('running jobs finished, queue closed');
    expect(log).toContain('stopped: database closed');
    expect(await sent(rig, first as string)).toBe(true);

    // After a restart, a new alert goes out and the finished one is not sent again.
    hook.slow(0);
    rig.start();
    const [second] = await rig.writeAlerts(1);
    await waitUntil(() => sent(rig, second as string), 15_000, 'the alert written after the restart');
    expect(titles(hook)).toEqual(['alert 1', 'alert 2']);
  });

  it('leaves a delivery that outlasts the shutdown timeout to the next start, which sends it (once more at most)', async () => {
    const { hook, rig } = await webhookRig({
      ...(redisUrl ? { redisUrl } : {}),
      env: { EARSHOT_STOP_TIMEOUT: '1s' },
    });
    const [id] = await rig.writeAlerts(1);
    hook.slow(6_000);
    const daemon = rig.start();
    await waitUntil(() => hook.requests.length === 1, 15_000, 'the delivery to reach the receiver');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(1);
    expect(daemon.logs()).toMatch(
      /\b1 deliver\b[\w ]*job\(s\) still running after 1s: left for the next start/,
    );
    expect(await sent(rig, id as string)).toBe(false);

    hook.slow(0);
    rig.start();
    await waitUntil(() => sent(rig, id as string), 30_000, 'the delivery after the restart');
    // The receiver read the first try before the daemon left: the same delivery, twice at most.
    expect(titles(hook)).toEqual(['alert 1', 'alert 1']);
    const ids = hook.requests.map((r) => r.headers['earshot-delivery']);
    expect(new Set(ids).size).toBe(1);
  });
});

describe('a second signal', () => {
  it('exits at once with 128 + its number, and the delivery it cut short goes out after a restart', async () => {
    const { hook, rig } = await webhookRig();
    const [id] = await rig.writeAlerts(1);
    hook.slow(8_000);
    const daemon = rig.start();
    await waitUntil(() => hook.requests.length === 1, 15_000, 'the delivery to reach the receiver');
    daemon.child.kill('SIGINT');
    await waitUntil(() => daemon.logs().includes('waiting up to 30s'), 10_000, 'the shutdown to begin');
    daemon.child.kill('SIGINT');
    expect(await daemon.exited).toBe(130);
    expect(daemon.logs()).toContain('SIGINT again: exiting now');
    expect(daemon.logs()).not.toContain('stopped: database closed');
    expect(await sent(rig, id as string)).toBe(false);

    hook.slow(0);
    rig.start();
    await waitUntil(() => sent(rig, id as string), 30_000, 'the delivery after the restart');
    expect(titles(hook)).toEqual(['alert 1', 'alert 1']);
  });
});
