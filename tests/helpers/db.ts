import { randomUUID } from 'node:crypto';
import path from 'node:path';

/** The store the suite runs on: `EARSHOT_TEST_DB=postgres` runs it on the PostgreSQL at PG_TEST_URL. */
export const TEST_DB: 'sqlite' | 'postgres' =
  process.env.EARSHOT_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/** The server the PostgreSQL tests use (trust auth on these machines and in CI). */
export const PG_TEST_SERVER = process.env.PG_TEST_URL ?? 'postgres://root@127.0.0.1:5432';

/** A new, empty PostgreSQL database's URL: the store creates it on `ready()`. */
export function freshPostgres(): string {
  return `${PG_TEST_SERVER}/earshot_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

/**
 * Where a test's store goes: a SQLite file in its folder, or a fresh PostgreSQL database. `env` is
 * what a daemon or a CLI run needs to use the same one.
 */
export function testDatabase(dir: string): { location: string; env: Record<string, string> } {
  if (TEST_DB === 'postgres') {
    const location = freshPostgres();
    return { location, env: { DATABASE_URL: location } };
  }
  return { location: path.join(dir, 'earshot.db'), env: {} };
}
