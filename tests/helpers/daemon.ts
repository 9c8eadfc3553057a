import pino from 'pino';
import type { Clock } from '../../src/clock.ts';
import { buildConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { createHttp } from '../../src/sources/http.ts';
import type { SourceContext } from '../../src/sources/types.ts';
import { tempDir } from './cli.ts';
import { testDatabase } from './db.ts';

/** What a source needs to run in a test: a real HTTP client with a short timeout, a silent log. */
export function sourceContext(clock: Clock, timeoutMs = 2_000): SourceContext {
  return {
    http: createHttp({ timeoutMs, userAgent: 'earshot-test' }),
    clock,
    log: pino({ level: 'silent' }),
    env: {},
  };
}

/**
 * A daemon in this process (no schedules) for brand `acme` with one source entry, on a SQLite file
 * of its own. `closers` receives what the test must undo, in order.
 */
export async function bootWithSource(
  source: Record<string, unknown>,
  closers: (() => unknown)[],
  clock?: Clock,
): Promise<Daemon> {
  const tmp = tempDir();
  const config = buildConfig(
    { brands: [{ name: 'acme', query: 'acme', sources: [{ pace_ms: 0, ...source }] }] },
    { EARSHOT_DATA_DIR: tmp.dir, ...testDatabase(tmp.dir).env },
  );
  const d = await startDaemon({
    config,
    env: {},
    log: pino({ level: 'silent' }),
    schedule: false,
    ...(clock ? { clock } : {}),
  });
  closers.push(
    () => tmp.cleanup(),
    () => d.stop(),
  );
  return d;
}
