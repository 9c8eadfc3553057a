import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import type pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The one way the rest of Earshot talks to its database, on SQLite and PostgreSQL alike. Text is
 * SQL both understand (`?` placeholders); `tx` runs `fn` in one transaction, and every statement
 * made from inside it (however deep in its awaits) belongs to that transaction.
 */
export interface Sql {
  readonly dialect: Dialect;
  all<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
  get<T>(text: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Returns the number of rows changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  tx<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * better-sqlite3 behind the async interface. One connection serves every job of the process, so a
 * transaction holds it: statements from other async contexts wait until it commits instead of
 * landing inside it. Statements are prepared once per text (preparing cost ten times running).
 */
export class SqliteSql implements Sql {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly context = new AsyncLocalStorage<object>();
  /** The transaction holding the connection, if any, and the promise its end resolves. */
  private holder: object | null = null;
  private released: Promise<void> = Promise.resolve();

  constructor(readonly sqlite: Database.Database) {}

  private statement(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) this.statements.set(text, (s = this.sqlite.prepare(text)));
    return s;
  }

  /** Waits while another async context's transaction holds the connection. */
  private async turn(): Promise<void> {
    while (this.holder !== null && this.context.getStore() !== this.holder) await this.released;
  }

  async all<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    if (this.holder !== null) await this.turn();
    return this.statement(text).all(...params) as T[];
  }

  async get<T>(text: string, params: readonly unknown[] = []): Promise<T | undefined> {
    if (this.holder !== null) await this.turn();
    return this.statement(text).get(...params) as T | undefined;
  }

  async run(text: string, params: readonly unknown[] = []): Promise<number> {
    if (this.holder !== null) await this.turn();
    return this.statement(text).run(...params).changes;
  }

  async tx<T>(fn: () => Promise<T>): Promise<T> {
    // Nested: the outer transaction already holds the connection; its commit covers this too.
    if (this.holder !== null && this.context.getStore() === this.holder) return fn();
    await this.turn();
    const token = {};
    let release!: () => void;
    this.holder = token;
    this.released = new Promise((resolve) => (release = resolve));
    try {
      // IMMEDIATE: the write lock is taken at the start, so two processes deciding for one brand
      // take turns instead of one failing with SQLITE_BUSY when it upgrades a read.
      this.statement('BEGIN IMMEDIATE').run();
      try {
        const out = await this.context.run(token, fn);
        this.statement('COMMIT').run();
        return out;
      } catch (err) {
        if (this.sqlite.inTransaction) this.statement('ROLLBACK').run();
        throw err;
      }
    } finally {
      this.holder = null;
      // An enabled AsyncLocalStorage makes Node run a hook on every promise of the process; the
      // next transaction's `run` enables it again. Continuations of this one still read its token,
      // which no longer holds the connection, so they wait their turn as any other context does.
      this.context.disable();
      release();
    }
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2, …`, leaving quoted text and names alone. */
export function numbered(text: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '?') {
      out += `$${++n}`;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * node-postgres behind the same interface. Statements outside a transaction take any connection
 * of the pool; inside `tx` they all go to the transaction's own connection, found through the
 * async context, so a callee needs no handle passed down.
 */
export class PgSql implements Sql {
  readonly dialect = 'postgres' as const;
  private readonly texts = new Map<string, string>();
  private readonly context = new AsyncLocalStorage<pg.PoolClient>();

  constructor(protected readonly pool: pg.Pool) {}

  private text(text: string): string {
    let t = this.texts.get(text);
    if (t === undefined) this.texts.set(text, (t = numbered(text)));
    return t;
  }

  private query(text: string, params: readonly unknown[]): Promise<pg.QueryResult> {
    const on = this.context.getStore() ?? this.pool;
    return on.query(this.text(text), params as unknown[]);
  }

  async all<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.query(text, params)).rows as T[];
  }

  async get<T>(text: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return (await this.query(text, params)).rows[0] as T | undefined;
  }

  async run(text: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.query(text, params)).rowCount ?? 0;
  }

  async tx<T>(fn: () => Promise<T>): Promise<T> {
    if (this.context.getStore()) return fn();
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const out = await this.context.run(client, fn);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      // A connection that cannot even roll back is not given back to the pool.
      await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
      throw err;
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}
