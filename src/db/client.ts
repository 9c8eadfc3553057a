import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

// From src/db in a checkout, or dist/src/db after `npm run build`.
const MIGRATIONS = ['../../migrations', '../../../migrations']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((dir) => existsSync(path.join(dir, 'meta/_journal.json'))) as string;

/** How long a write waits for another connection's lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * What a failure of the database itself means, in words for the operator, or null when `err` is
 * not one: the source and the job are not to blame, and retrying later is the cure.
 */
export function storageFault(err: unknown, file: string): string | null {
  if (!(err instanceof Database.SqliteError)) return null;
  const code = err.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return `the database ${file} is locked by another connection (waited ${BUSY_TIMEOUT_MS / 1000} s)`;
  if (code === 'SQLITE_FULL') return `the disk holding the database ${file} is full (${err.message})`;
  if (code.startsWith('SQLITE_READONLY')) return `the database ${file} cannot be written (${err.message})`;
  return `the database ${file} failed: ${err.message} (${code})`;
}

/** Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations. */
export function openStore(file: string, opts: { migrate?: boolean } = {}): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file);
  } catch (err) {
    throw new Error(`cannot open the database ${file}: ${(err as Error).message}`, { cause: err });
  }
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commit.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // 8 MiB of page cache: 64 MiB stored no faster (bench:ingest) and held 30 MB more after 100,000 mentions.
  sqlite.pragma('cache_size = -8192');
  const db = drizzle(sqlite, { schema });
  if (opts.migrate !== false) migrate(sqlite);
  return { db, sqlite, close: () => sqlite.close() };
}

/**
 * drizzle's migrations, applied as its migrator does (same journal table, same order), but read
 * and applied under ONE write lock: daemons starting together on a new file otherwise both saw
 * "nothing applied" and the second failed creating a table the first had just made.
 */
function migrate(sqlite: Database.Database): void {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS });
  sqlite
    .transaction(() => {
      sqlite.exec(
        'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)',
      );
      const last = sqlite
        .prepare<[], { created_at: number }>(
          'select created_at from "__drizzle_migrations" order by created_at desc limit 1',
        )
        .get();
      const record = sqlite.prepare(
        'insert into "__drizzle_migrations" ("hash", "created_at") values (?, ?)',
      );
      for (const m of migrations) {
        if (last && Number(last.created_at) >= m.folderMillis) continue;
        for (const statement of m.sql) if (statement.trim()) sqlite.exec(statement);
        record.run(m.hash, m.folderMillis);
      }
    })
    .immediate();
}

/**
 * Statements prepared once per connection, for the hot paths (every mention of every poll, every
 * detection tick): building and preparing a query on each call cost ten times the query itself.
 * Returns the getter a module reads its statements with.
 */
export function preparedFor<T>(prepare: (db: Database.Database) => T): (store: Store) => T {
  const cache = new WeakMap<Database.Database, T>();
  return (store) => {
    let s = cache.get(store.sqlite);
    if (!s) cache.set(store.sqlite, (s = prepare(store.sqlite)));
    return s;
  };
}
