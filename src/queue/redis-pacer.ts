import type { Redis } from 'ioredis';
import { lazy } from '../lazy.ts';
import { LocalPacer, sleep, usePacer, type Pacer } from '../sources/pace.ts';

const ioredis = lazy<typeof import('ioredis')>('ioredis');

// One slot per call, on Redis's own clock so that daemons on machines whose clocks differ agree.
// Returns how long the caller waits. A hold only ever pushes the next slot later.
const SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = tonumber(redis.call('GET', KEYS[1]) or '0')
local ms = tonumber(ARGV[2])
if ARGV[1] == 'hold' then
  if now + ms > at then redis.call('SET', KEYS[1], now + ms, 'PX', ms + 60000) end
  return 0
end
if at < now then at = now end
redis.call('SET', KEYS[1], at + ms, 'PX', at + ms - now + 60000)
return at - now`;

type SlotRedis = Redis & { paceSlot(key: string, mode: string, ms: number): Promise<number> };

/**
 * Pacing shared through Redis by every process on it. While Redis cannot be reached, calls are
 * paced in this process alone (a poll never fails for want of a pacer), and the hold is kept here
 * too, so an announced reset is still honoured.
 */
export class RedisPacer implements Pacer {
  private readonly redis: SlotRedis;
  private readonly local = new LocalPacer();

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('paceSlot', { numberOfKeys: 1, lua: SLOT });
    this.redis = redis as SlotRedis;
  }

  async pace(key: string, minIntervalMs: number): Promise<void> {
    await sleep(await this.reserve(key, minIntervalMs));
  }

  async reserve(key: string, minIntervalMs: number): Promise<number> {
    let wait: number;
    // A daemon that has just started is still connecting: worth a moment before pacing alone.
    if (this.redis.status === 'connecting' || this.redis.status === 'connect') await this.ready(1_000);
    try {
      wait = await this.redis.paceSlot(`${this.prefix}:pace:${key}`, 'slot', minIntervalMs);
    } catch {
      return this.local.reserve(key, minIntervalMs);
    }
    // A hold seen here first (Redis was away when it was announced) still counts.
    return Math.max(wait, await this.local.reserve(key, 0));
  }

  private ready(withinMs: number): Promise<void> {
    return new Promise((resolve) => {
      // Ready, or refused: either way the waiting is over.
      const done = () => {
        clearTimeout(timer);
        for (const e of ['ready', 'close']) this.redis.off(e, done);
        resolve();
      };
      const timer = setTimeout(done, withinMs);
      for (const e of ['ready', 'close']) this.redis.once(e, done);
    });
  }

  hold(key: string, untilMs: number): void {
    this.local.hold(key, untilMs);
    this.redis
      .paceSlot(`${this.prefix}:pace:${key}`, 'hold', Math.max(0, untilMs - Date.now()))
      .catch(() => undefined);
  }
}

/**
 * From now on, pace through this Redis: several daemons on one API key then stay under its limit
 * together. Returns what undoes it (and closes the connection).
 */
export function sharePacing(opts: { url: string; prefix: string }): { close(): Promise<void> } {
  const u = new URL(opts.url);
  const redis = new (ioredis().Redis)(opts.url, {
    // Fail at once while Redis is away: the call is then paced locally instead of waiting.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  });
  redis.on('error', () => undefined); // the queue reports an unreachable Redis, once
  const restore = usePacer(new RedisPacer(redis, opts.prefix));
  return {
    async close() {
      restore();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
