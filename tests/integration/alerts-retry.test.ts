import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../fakes/receiver-server.ts';
import { runCli, waitUntil } from '../helpers/cli.ts';
import { startDeliveryRig } from '../helpers/delivery.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe.each([
  { queue: 'embedded', redisUrl: undefined },
  { queue: 'bullmq', redisUrl: 'redis://127.0.0.1:6379' },
])('earshot alerts retry ($queue)', ({ redisUrl }) => {
  it('sends a given-up delivery again once the receiver is fixed, exactly once', async () => {
    const hook = await startReceiver();
    closers.push(() => hook.close());
    const rig = await startDeliveryRig({
      channels: `  hook:\n    type: webhook\n    url: '${hook.url('/in')}'\n    secret: whsec-0123456789abcdef\n`,
      ...(redisUrl ? { redisUrl } : {}),
    });
    closers.push(() => rig.close());
    hook.queue({ status: 410, body: 'endpoint removed' });
    const [id] = await rig.writeAlerts(1);
    rig.start();
    await waitUntil(
      async () => (await rig.deliveries())[0]?.status === 'dead',
      15_000,
      'the delivery to be given up',
    );
    expect(hook.requests).toHaveLength(1);

    const retried = await runCli(['alerts', 'retry', id!], { env: rig.env });
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toBe(
      `alert ${id}: hook queued again; the running daemon sends it within seconds\n`,
    );
    await waitUntil(
      async () => (await rig.deliveries())[0]?.status === 'sent',
      15_000,
      'the retried delivery',
    );
    // Time for a second send, had the retry been queued twice.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]?.headers['earshot-delivery']).toBe(hook.requests[0]?.headers['earshot-delivery']);
    expect(await rig.deliveries()).toMatchObject([
      { status: 'sent', attempts: 2, retries: 1, last_error: null },
    ]);

    const listed = await runCli(['alerts'], { env: rig.env });
    expect(listed.stdout).toMatch(/→ hook: sent \S+ \(retried by hand 1×\)\n/);
    const again = await runCli(['alerts', 'retry', id!], { env: rig.env });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`earshot: alert ${id} has no given-up delivery to retry (hook sent)\n`);
  });
});

describe('earshot alerts retry, refusals', () => {
  it('exits 1 with a one-line reason for an unknown alert, an unknown channel and nothing given up', async () => {
    const rig = await startDeliveryRig({
      channels: `  hook:\n    type: webhook\n    url: 'http://127.0.0.1:1/x'\n    secret: whsec-0123456789abcdef\n  out:\n    type: console\n`,
    });
    closers.push(() => rig.close());
    const [id] = await rig.writeAlerts(1);
    const cases: [string[], string][] = [
      [['nope'], 'earshot: no alert nope (earshot alerts lists them)\n'],
      [[id!, '--channel', 'slack'], 'earshot: no channel is named "slack" in '],
      [[id!], `earshot: alert ${id} has no given-up delivery to retry (hook pending, out pending)\n`],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(['alerts', 'retry', ...args], { env: rig.env });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.startsWith(stderr), r.stderr).toBe(true);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
