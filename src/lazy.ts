import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface Lazy<T> {
  (): T;
  /** The package if something loaded it already: an error cannot be one of its classes otherwise. */
  ifLoaded(): T | undefined;
}

/**
 * A package loaded on first use instead of at start. Every `earshot` command and every daemon start
 * paid for loading BullMQ, ioredis, pg, twitter-api-v2, nodemailer and pino-pretty, though most runs
 * use few of them: the embedded queue needs no Redis, SQLite no pg, a brand without X no Twitter
 * client, JSON logs no pretty-printer.
 */
export function lazy<T>(name: string): Lazy<T> {
  let loaded: T | undefined;
  const load = (() => (loaded ??= require(name) as T)) as Lazy<T>;
  load.ifLoaded = () => loaded;
  return load;
}
