import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisPacer } from '../../src/queue/redis-pacer.ts';
import { startHnServer } from '../fakes/hn-server.ts';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';

// Two RedisPacers on two connections stand for two daemons: neither knows the other's calls.
const open: Redis[] = [];
const connect = (port = 6379) => {
  const r = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  open.push(r);
  return r;
};
const ready = (r: Redis) => new Promise((resolve) => r.once('ready', resolve));
afterEach(() => {
  for (const r of open.splice(0)) r.disconnect();
});

describe('pacing shared through Redis', () => {
  it('spaces the calls of two daemons on one key, and leaves other keys alone', async () => {
    const prefix = `test-${randomUUID()}`;
    const [ra, rb] = [connect(), connect()];
    await Promise.all([ready(ra), ready(rb)]);
    const a = new RedisPacer(ra, prefix);
    const b = new RedisPacer(rb, prefix);
    const t0 = Date.now();
    const done: number[] = [];
    await Promise.all(
      [a, b, a, b].map((p) => p.pace('api:key1', 200).then(() => done.push(Date.now() - t0))),
    );
    done.sort((x, y) => x - y);
    // Four calls, 200 ms apart: the last one no sooner than 600 ms after the first.
    expect(done[3]! - done[0]!).toBeGreaterThanOrEqual(580);
    const t1 = Date.now();
    await b.pace('api:other', 200);
    expect(Date.now() - t1).toBeLessThan(150);
  });

  it('holds every daemon until the reset one of them was told', async () => {
    const prefix = `test-${randomUUID()}`;
    const [ra, rb] = [connect(), connect()];
    await Promise.all([ready(ra), ready(rb)]);
    new RedisPacer(ra, prefix).hold('api:key2', Date.now() + 400);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    await new RedisPacer(rb, prefix).pace('api:key2', 0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(330);
  });

  it('paces in the process alone while Redis cannot be reached', async () => {
    const dead = new RedisPacer(connect(1), `test-${randomUUID()}`);
    const t0 = Date.now();
    await Promise.all([dead.pace('api:k', 100), dead.pace('api:k', 100), dead.pace('api:k', 100)]);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1_000);
  });
});

describe('two daemon processes on one Redis and one API', () => {
  it('keep the API pace between them', async () => {
    const hn = await startHnServer();
    const tmp = tempDir();
    try {
      // Six brands on one API, the same config for both daemons as in a scale-out. Their workers
      // share the queue, so the six polls happen once each (one tick) or twice (two ticks): six
      // calls or more, either way paced as one.
      const brands = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({
        name,
        query: 'acme',
        sources: [{ source: 'hackernews', api_url: hn.apiUrl, pace_ms: 1_000, tags: ['story'] }],
      }));
      const cfg = tmp.file('earshot.json', JSON.stringify({ brands }));
      const prefix = `test-${randomUUID()}`;
      const [one, two] = await Promise.all(
        ['d1', 'd2'].map((dir) =>
          runCli(['--config', cfg, 'poll', '--once'], {
            env: cleanEnv({
              REDIS_URL: 'redis://127.0.0.1:6379',
              EARSHOT_QUEUE_PREFIX: prefix,
              EARSHOT_DATA_DIR: path.join(tmp.dir, dir),
              LOG_LEVEL: 'warn',
            }),
            timeoutMs: 60_000,
          }),
        ),
      );
      expect([one?.code, two?.code], `${one?.stderr}\n${two?.stderr}`).toEqual([0, 0]);
      // No call within most of the pace of another (a process may send a little after its slot:
      // arrival jitter, not a second slot).
      // The logs (warnings and up) of both processes say why a poll made no call, when one does not.
      expect(hn.arrivals.length, `${one?.stderr}\n${two?.stderr}`).toBeGreaterThanOrEqual(6);
      const gaps = hn.arrivals.slice(1).map((t, i) => t - (hn.arrivals[i] ?? 0));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(600);
    } finally {
      await hn.close();
      tmp.cleanup();
    }
  }, 90_000);
});
