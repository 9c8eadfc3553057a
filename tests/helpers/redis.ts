import { Redis } from 'ioredis';

/** True when a Redis answers PING at 127.0.0.1:6379 within a second. */
export async function redisAnswers(): Promise<boolean> {
  const r = new Redis({
    host: '127.0.0.1',
    port: 6379,
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}
