import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { Clock } from '../src/clock.ts';
import type { Config, Env } from '../src/config.ts';
import type { Store } from '../src/db/client.ts';
import type { JobQueue } from '../src/queue/types.ts';

/** Everything a job handler may use. Built once by the daemon (or by replay, with a simulated clock). */
export interface JobContext {
  config: Config;
  store: Store;
  queue: JobQueue;
  clock: Clock;
  log: Logger;
  http: AxiosInstance;
  env: Env;
  /** Base URL of the daemon's HTTP endpoint, for links in alerts; absent when it serves none. */
  publicUrl?: string;
  /** The key acknowledge links are signed with (src/http/ack-secret.ts); never logged. */
  ackSecret?: string;
}
