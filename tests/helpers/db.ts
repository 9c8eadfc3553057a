import { createHash } from 'node:crypto';
import path from 'node:path';
import { connectStore, type Store } from '../../src/db/client.ts';

/** The store the suite runs on: `EARSHOT_TEST_DB=postgres` runs it on the PostgreSQL at PG_TEST_URL. */
export const TEST_DB: 'sqlite' | 'postgres' =
  process.env.EARSHOT_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/** The server the PostgreSQL tests use (trust auth on these machines and in CI). */
export const PG_TEST_SERVER = process.env.PG_TEST_URL ?? 'postgres://root@127.0.0.1:5432';

/**
 * Every database the suite makes is named `earshot_test_<run>_…`, the run being when its globalSetup
 * started (ms): teardown drops its own run's and crashed runs' older than an hour, never those of a
 * run going on beside it.
 */
export const PG_TEST_PREFIX = 'earshot_test_';
const STAMP = process.env.EARSHOT_TEST_RUN ?? String(Date.now());
let counter = 0;

function pgUrl(name: string): string {
  return `${PG_TEST_SERVER}/${PG_TEST_PREFIX}${STAMP}_${name}`;
}

/** A new, empty PostgreSQL database's URL: the store creates it on `ready()`. */
export function freshPostgres(): string {
  counter += 1;
  return pgUrl(`${process.pid}_${counter}`);
}

/**
 * Where a test's store goes: a SQLite file in its folder, or a PostgreSQL database of that folder's
 * own (the same one for the same folder, so the daemons and CLI runs of one test share it as they
 * would share the file). `env` is what a daemon or a CLI run needs to use the same one.
 */
export function testDatabase(dir: string): { location: string; env: Record<string, string> } {
  if (TEST_DB === 'postgres') {
    const hash = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
    const location = pgUrl(hash);
    return { location, env: { DATABASE_URL: location } };
  }
  return { location: path.join(dir, 'earshot.db'), env: {} };
}

/** The test's store for `dir`, connected and migrated: to seed it or to read what a daemon wrote. */
export function testStore(dir: string, opts: { migrate?: boolean } = {}): Promise<Store> {
  return connectStore(testDatabase(dir).location, opts);
}

/** Why a test runs on SQLite only, for `it.skipIf(ON_POSTGRES)` and the like. */
export const ON_POSTGRES = TEST_DB === 'postgres';

/**
 * Counts in what a daemon (another process) writes under `dir`, on the suite's database: one
 * connection, kept until `close()`. 0 while the daemon has not made the database or its tables.
 */
export class DaemonRows {
  private store: Store | null = null;

  constructor(private readonly dir: string) {}

  async count(sql: string): Promise<number> {
    const [row] = await this.all<{ n: number | string }>(sql);
    return Number(row?.n ?? 0);
  }

  /** The rows, or none while the daemon has not made the database or its tables. */
  async all<T>(sql: string): Promise<T[]> {
    try {
      this.store ??= await testStore(this.dir, { migrate: false });
      return await this.store.all<T>(sql);
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    await this.store?.close();
    this.store = null;
  }
}
