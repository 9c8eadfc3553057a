import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { buildConfig } from '../../src/config.ts';
import { pollOnce, startDaemon, type Daemon } from '../../src/daemon.ts';
import { backoffRemaining } from '../../jobs/source-health.ts';
import { startFeedServer } from '../fakes/feed-server.ts';
import { startSlackServer } from '../fakes/slack-server.ts';
import { tempDir } from '../helpers/cli.ts';
import { testDatabase } from '../helpers/db.ts';

type Feed = Awaited<ReturnType<typeof startFeedServer>>;
type Slack = Awaited<ReturnType<typeof startSlackServer>>;
const MIN = 60_000;

describe('a source that goes silent', () => {
  let feed: Feed;
  let slack: Slack;
  let tmp: ReturnType<typeof tempDir>;
  let daemon: Daemon | undefined;
  const clock = new ManualClock(Date.now());

  beforeEach(async () => {
    feed = await startFeedServer();
    slack = await startSlackServer();
    tmp = tempDir();
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await Promise.all([feed.close(), slack.close()]);
    tmp.cleanup();
  });

  const boot = async (extra: Record<string, unknown> = {}) => {
    const config = buildConfig(
      {
        brands: [
          {
            name: 'acme',
            query: 'acme',
            sources: [{ source: 'rss', every: '5m', feeds: [feed.url('/f')], ...extra }],
          },
        ],
        sources: { silent_after_failures: 3 },
        channels: { ops: { type: 'slack', webhook_url: slack.url } },
        routes: [{ channels: ['ops'], kinds: ['source_silent'] }],
      },
      { EARSHOT_DATA_DIR: tmp.dir, ...testDatabase(tmp.dir).env },
    );
    daemon = await startDaemon({ config, env: {}, log: pino({ level: 'silent' }), clock, schedule: false });
    return daemon;
  };
  const post = (id: string) => ({
    id,
    title: `acme ${id}`,
    body: 'acme',
    link: `https://n.example/${id}`,
    published: clock.now(),
  });
  const incidents = async (d: Daemon) => await d.ctx.store.all('select kind, status from incidents');

  it('raises one alert after N failures in a row, backs off meanwhile, and resolves when it answers', async () => {
    feed.setRaw('/f', 500, 'down');
    const d = await boot();
    const polls = () => feed.requests.length;
    for (let i = 0; i < 8; i++) {
      await pollOnce(d);
      clock.advance(30 * MIN);
    }
    // 8 ticks, 30 minutes apart, with backoff of 5, 10, 20, 40… minutes: fewer polls than ticks.
    expect(polls()).toBeLessThan(8);
    expect(polls()).toBeGreaterThanOrEqual(4);
    expect(slack.received).toHaveLength(1);
    const msg = slack.received[0]?.body as { text: string };
    expect(msg.text).toContain('Source silent');
    expect(msg.text).toMatch(/3 failed polls in a row, the last: rss: 500 from/);
    expect(await incidents(d)).toEqual([{ kind: 'source_silent:rss', status: 'open' }]);

    feed.setFeed('/f', { kind: 'rss', items: [post('1')] });
    clock.advance(2 * 3_600_000);
    await pollOnce(d);
    expect(await incidents(d)).toEqual([{ kind: 'source_silent:rss', status: 'resolved' }]);
    expect(slack.received).toHaveLength(1);
  });

  it('reports a source that used to bring mentions and went quiet', async () => {
    feed.setFeed('/f', { kind: 'rss', items: [post('1')] });
    const d = await boot({ quiet_after: '1d' });
    await pollOnce(d);
    clock.advance(25 * 3_600_000);
    await pollOnce(d);
    await slack.waitFor(1, 5_000);
    expect((slack.received[0]?.body as { text: string }).text).toContain('nothing new for 25 hours');
  });
});

describe('backoff between failing polls', () => {
  it.each([
    [1, 0],
    [2, 10 * MIN - 2.5 * MIN],
    [3, 20 * MIN - 2.5 * MIN],
    [20, 60 * MIN - 2.5 * MIN],
  ])('after %i failures, waits %i ms', (failures, wait) => {
    expect(backoffRemaining(5 * MIN, failures, 0, 0)).toBe(wait);
  });
});
