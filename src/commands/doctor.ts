import type { Redis as RedisClient } from 'ioredis';
import { lazy } from '../lazy.ts';
import { channels as channelRegistry } from '../alerts/channels/index.ts';
import type { AnyChannel } from '../alerts/channels/types.ts';
import { systemClock } from '../clock.ts';
import { loadConfig, type Config, type Env } from '../config.ts';
import { configSecrets, redact, rememberSecrets } from '../redact.ts';
import { connectStore, type Store } from '../db/client.ts';
import { ConfigError, errorMessage } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { createHttp } from '../sources/http.ts';
import { getSource } from '../sources/index.ts';

const ioredis = lazy<typeof import('ioredis')>('ioredis');

export interface DoctorOptions {
  file?: string;
  env: Env;
  out: NodeJS.WritableStream;
}

/** Checks everything the daemon needs, in plain words, without sending any alert. Returns the exit code. */
export async function runDoctor(opts: DoctorOptions): Promise<number> {
  const say = (ok: boolean | null, what: string, detail: string) =>
    opts.out.write(`${ok === null ? '-' : ok ? '✓' : '✗'} ${what}: ${redact(detail)}\n`);
  let config: Config;
  try {
    config = loadConfig({ file: opts.file, env: opts.env, requireBrands: true });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    say(false, 'config', `${err.file ?? 'configuration'} has ${err.problems.length} problem(s)`);
    for (const p of err.problems) opts.out.write(`    ${p}\n`);
    return 2;
  }
  rememberSecrets(configSecrets(config, opts.env));
  let failures = 0;
  const check = async (what: string, fn: () => Promise<string> | string) => {
    try {
      say(true, what, await fn());
    } catch (err) {
      failures++;
      say(false, what, errorMessage(err));
    }
  };
  const nSources = config.brands.reduce((n, b) => n + b.sources.length, 0);
  say(
    true,
    'config',
    `${config.file} (${config.brands.length} brand(s), ${nSources} source(s), ${Object.keys(config.channels).length} channel(s))`,
  );
  for (const line of config.disabled) say(null, 'disabled', line);

  let givenUp: { channel: string; n: number; error: string | null }[] = [];
  await check('database', async () => {
    const store = await connectStore(config.settings.database, { migrate: false });
    try {
      await store.get('select 1');
      givenUp = await givenUpDeliveries(store, Date.now() - 7 * 86_400_000);
      return store.dialect === 'sqlite'
        ? `${store.describe} opens (SQLite, WAL)`
        : `${store.describe} answers (PostgreSQL)`;
    } finally {
      await store.close();
    }
  });
  // Deliveries that will not be retried (a revoked webhook, a refused address) need a person.
  for (const g of givenUp) {
    failures++;
    say(
      false,
      `deliveries to ${g.channel}`,
      `${g.n} given up in the last 7 days; the last: ${g.error ?? 'no reason kept'}`,
    );
  }
  const redisUrl = config.settings.redisUrl;
  if (redisUrl) await check('redis', () => pingRedis(redisUrl));
  else say(null, 'queue', 'embedded in-process queue (set REDIS_URL to use Redis and BullMQ)');

  const http = createHttp({ timeoutMs: config.settings.timeoutMs, userAgent: config.settings.userAgent });
  for (const brand of config.brands) {
    for (const entry of brand.sources) {
      const source = getSource(entry.source);
      await check(`source ${brand.name}/${entry.key}`, async () => {
        if (!source?.check) return 'no check available for this source';
        await source.check({ http, clock: systemClock, log: silentLogger, env: opts.env }, entry.options);
        return 'answers';
      });
    }
  }
  for (const ch of Object.values(config.channels)) {
    const impl = (channelRegistry as Record<string, AnyChannel>)[ch.type];
    await check(`channel ${ch.name} (${ch.type})`, async () => {
      if (!impl?.check) return 'configured (no check available without sending)';
      await impl.check(ch.options, { http, log: silentLogger });
      return 'reachable, credentials accepted';
    });
  }
  if (config.routes.length === 0) say(null, 'routes', 'no route: alerts are stored but sent nowhere');
  opts.out.write(failures === 0 ? 'all checks passed\n' : `${failures} check(s) failed\n`);
  return failures === 0 ? 0 : 1;
}

async function pingRedis(url: string): Promise<string> {
  const redis: RedisClient = new (ioredis().Redis)(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  const where = (() => {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  })();
  try {
    await redis.connect();
    await redis.ping();
    return `answers at ${where}`;
  } catch (err) {
    throw new Error(`not answering at ${where} (${errorMessage(err)})`, { cause: err });
  } finally {
    redis.disconnect();
  }
}

async function givenUpDeliveries(
  db: Store,
  since: number,
): Promise<{ channel: string; n: number; error: string | null }[]> {
  try {
    return await db.all(
      `select channel, count(*) as n,
              (select last_error from deliveries d2 where d2.channel = d.channel and d2.status = 'dead'
               order by updated_at desc limit 1) as error
       from deliveries d where status = 'dead' and updated_at >= ? group by channel order by channel`,
      [since],
    );
  } catch {
    return []; // a database not migrated yet has no deliveries to speak of
  }
}
