import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../fakes/receiver-server.ts';
import { startSlackServer } from '../fakes/slack-server.ts';
import { waitUntil } from '../helpers/cli.ts';
import { startDeliveryRig } from '../helpers/delivery.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe.each([
  { queue: 'embedded', redisUrl: undefined },
  { queue: 'bullmq', redisUrl: 'redis://127.0.0.1:6379' },
])('a paced channel in the daemon ($queue)', ({ redisUrl }) => {
  it('waits for its slots in the queue, leaving the workers to a webhook', async () => {
    const slack = await startSlackServer();
    const hook = await startReceiver();
    closers.push(
      () => slack.close(),
      () => hook.close(),
    );
    const rig = await startDeliveryRig({
      channels: [
        `  pr:\n    type: slack\n    webhook_url: '${slack.url}'`,
        `  hook:\n    type: webhook\n    url: '${hook.url('/in')}'\n    secret: whsec-0123456789abcdef`,
      ].join('\n'),
      ...(redisUrl ? { redisUrl } : {}),
    });
    closers.push(() => rig.close());
    // More alerts than workers: Slack jobs sleeping out their pace in a worker would leave the
    // webhook about one delivery a second.
    await rig.writeAlerts(120);
    rig.start();
    await waitUntil(() => hook.requests.length === 120, 15_000, 'every webhook delivery');
    expect(slack.received.length).toBeLessThan(30);
    await slack.waitFor(3, 5_000);
    const sent = (await rig.deliveries()).filter((d) => d.channel === 'pr' && d.status === 'sent');
    expect(sent.every((d) => d.attempts === 1)).toBe(true);
  });
});
