import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type pgTypes from 'pg';
import { lazy } from '../lazy.ts';
import { PgSql, SqliteSql, type Sql } from './sql.ts';

/** node-postgres, loaded once a postgres:// store is opened: SQLite never needs it. */
const pg = lazy<typeof pgTypes>('pg');

/** The database: SQLite (the default) or PostgreSQL (`postgres://…`), behind one async interface. */
export interface Store extends Sql {
  /** Where it is, to name in messages (a URL's password is never in it). */
  readonly describe: string;
  /** Connects and, unless told not to, applies pending migrations. */
  ready(opts?: { migrate?: boolean }): Promise<void>;
  close(): Promise<void>;
}

// From src/db in a checkout, or dist/src/db after `npm run build`.
const MIGRATIONS = ['../../migrations', '../../../migrations']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((dir) => existsSync(path.join(dir, 'meta/_journal.json'))) as string;

const PG_MIGRATIONS = path.join(MIGRATIONS, 'postgres');

/** How long a write waits for another connection's lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/** SQLSTATE classes and codes of PostgreSQL that are the server's trouble, not the query's. */
const PG_FAULTS: [prefix: string, what: string][] = [
  ['57P', 'is shutting down or restarting'],
  ['53100', 'has no disk space left'],
  ['53', 'is out of resources (memory or connections)'],
  ['08', 'lost the connection'],
  ['40P01', 'found a deadlock and cancelled this transaction'],
  ['40001', 'could not serialize this transaction with another'],
  ['55P03', 'could not take a lock in time'],
  ['58', 'had a system error'],
];
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/**
 * What a failure of the database itself means, in words for the operator, or null when `err` is
 * not one: the source and the job are not to blame, and retrying later is the cure.
 */
export function storageFault(err: unknown, where: string): string | null {
  const loaded = pg.ifLoaded();
  if (loaded && err instanceof loaded.DatabaseError) {
    const code = err.code ?? '';
    const fault = PG_FAULTS.find(([prefix]) => code.startsWith(prefix));
    return fault ? `PostgreSQL at ${where} ${fault[1]} (${err.message}, ${code})` : null;
  }
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (
    (errno && CONNECTION_ERRORS.has(errno)) ||
    /Connection terminated/i.test((err as Error | undefined)?.message ?? '')
  )
    return `PostgreSQL at ${where} is not answering (${(err as Error).message})`;
  if (!(err instanceof Database.SqliteError)) return null;
  const code = err.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return `the database ${where} is locked by another connection (waited ${BUSY_TIMEOUT_MS / 1000} s)`;
  if (code === 'SQLITE_FULL') return `the disk holding the database ${where} is full (${err.message})`;
  if (code.startsWith('SQLITE_READONLY')) return `the database ${where} cannot be written (${err.message})`;
  return `the database ${where} failed: ${err.message} (${code})`;
}

/** Whether a location names a PostgreSQL database rather than a SQLite file. */
export function isPostgres(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The store at `location` (a SQLite file, `:memory:`, or a postgres:// URL); `ready()` before use. */
export function openStore(location: string): Store {
  return isPostgres(location) ? new PgStore(location) : new SqliteStore(location);
}

/** Opens the store and makes it ready: what most callers want. */
export async function connectStore(location: string, opts: { migrate?: boolean } = {}): Promise<Store> {
  const store = openStore(location);
  try {
    await store.ready(opts);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** A SQLite file in WAL mode (created if needed); opened at once, migrated by `ready()`. */
export class SqliteStore extends SqliteSql implements Store {
  readonly describe: string;

  constructor(file: string) {
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
    super(sqlite);
    this.describe = file;
  }

  ready(opts: { migrate?: boolean } = {}): Promise<void> {
    if (opts.migrate !== false) migrateSqlite(this.sqlite);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.sqlite.close();
    return Promise.resolve();
  }
}

/**
 * drizzle's migrations, applied as its migrator does (same journal table, same order), but read
 * and applied under ONE write lock: daemons starting together on a new file otherwise both saw
 * "nothing applied" and the second failed creating a table the first had just made.
 */
function migrateSqlite(sqlite: Database.Database): void {
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

/** A postgres:// URL as it may be shown: without its password. */
export function redactUrl(location: string): string {
  try {
    const u = new URL(location);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(an address that cannot be read)';
  }
}

/** Numbers, not strings: counts are int8 and sums numeric in PostgreSQL; every such value Earshot keeps fits a double. */
// pg's types.builtins.INT8 and NUMERIC, named here so that loading this module does not load pg.
const INT8 = 20;
const NUMERIC = 1700;
const toNumber = (v: string): number => Number(v);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8 || oid === NUMERIC
      ? toNumber
      : (pg().types.getTypeParser(oid, format ?? 'text') as unknown)) as typeof pgTypes.types.getTypeParser,
};

/** Keys of the advisory lock that migrations run under: any fixed number, the same in every daemon. */
const MIGRATION_LOCK = 0x6561_7273; // "ears"

/** How long `ready()` keeps trying to reach the server before it gives up, naming where it tried. */
export const PG_CONNECT_WAIT_MS = 30_000;

/** PostgreSQL at a postgres:// URL: the database is created if missing, migrated under an advisory lock. */
export class PgStore extends PgSql implements Store {
  readonly describe: string;
  private readonly url: URL;

  constructor(
    location: string,
    private readonly opts: { connectWaitMs?: number } = {},
  ) {
    const url = new URL(location);
    const pool = new (pg().Pool)({
      connectionString: location,
      types,
      max: 10,
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection the server closed (a restart): the next query says so; the process lives on.
    pool.on('error', () => undefined);
    super(pool);
    this.url = url;
    this.describe = redactUrl(location);
  }

  /** host:port, for messages. */
  private get where(): string {
    return `${this.url.hostname || 'localhost'}:${this.url.port || '5432'}`;
  }

  private get database(): string {
    return decodeURIComponent(this.url.pathname.replace(/^\//, '')) || this.url.username || 'postgres';
  }

  async ready(opts: { migrate?: boolean } = {}): Promise<void> {
    const client = await this.connect();
    try {
      if (opts.migrate !== false) await migratePg(client);
    } finally {
      client.release();
    }
  }

  /** A connection, waiting for the server to come up (a machine booting) and creating the database. */
  private async connect(): Promise<pgTypes.PoolClient> {
    const until = Date.now() + (this.opts.connectWaitMs ?? PG_CONNECT_WAIT_MS);
    let created = false;
    for (;;) {
      try {
        return await this.pool.connect();
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '3D000' && !created) {
          await this.createDatabase();
          created = true;
          continue;
        }
        const waiting = code === undefined || CONNECTION_ERRORS.has(code) || code === '57P03';
        if (!waiting || Date.now() >= until)
          throw new Error(
            `cannot use PostgreSQL at ${this.where} (database ${this.database}): ${(err as Error).message}`,
            { cause: err },
          );
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** CREATE DATABASE, from the server's `postgres` database; another daemon doing it first is fine. */
  private async createDatabase(): Promise<void> {
    const admin = new URL(this.url);
    admin.pathname = '/postgres';
    const client = new (pg().Client)({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(`create database "${this.database.replace(/"/g, '""')}"`);
    } catch (err) {
      // It exists already: 42P04, or 23505 when another daemon's CREATE ran at the same moment.
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw err;
    } finally {
      await client.end();
    }
  }

  private closed: Promise<void> | undefined;

  // Idempotent like SqliteStore's: a daemon's stop and a test's cleanup may both close one store,
  // and pg.Pool throws on a second end().
  close(): Promise<void> {
    return (this.closed ??= this.pool.end());
  }
}

/**
 * drizzle's PostgreSQL migrations (the journal in drizzle.__drizzle_migrations, as drizzle's own
 * migrator keeps it), under an advisory lock: daemons starting together take turns, and the ones
 * after the first find nothing left to do.
 */
async function migratePg(client: pgTypes.PoolClient): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: PG_MIGRATIONS });
  await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('create schema if not exists drizzle');
    await client.query(
      'create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)',
    );
    const last = await client.query<{ created_at: string }>(
      'select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1',
    );
    const lastAt = last.rows[0] ? Number(last.rows[0].created_at) : null;
    for (const m of migrations) {
      if (lastAt !== null && lastAt >= m.folderMillis) continue;
      await client.query('begin');
      try {
        for (const statement of m.sql) if (statement.trim()) await client.query(statement);
        await client.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', [
          m.hash,
          m.folderMillis,
        ]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw err;
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
