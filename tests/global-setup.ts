import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PG_TEST_SERVER, TEST_DB } from './helpers/db.ts';
import { redisAnswers } from './helpers/redis.ts';

// Integration tests need Redis on 127.0.0.1:6379. If none answers, start one for the run (it keeps
// nothing on disk), so that `npm test` works as written on a machine where redis-server is
// installed but not running. The PostgreSQL pass likewise needs its server, started the same way
// when Debian's cluster is installed but down.

let started: ChildProcess | undefined;
/** An hour: a test database older than that is a crashed run's leftover. */
const LEFTOVER_MS = 3_600_000;

export async function setup(): Promise<void> {
  // The workers and the files they run inherit it: helpers/db.ts names this run's databases by it.
  process.env.EARSHOT_TEST_RUN ??= String(Date.now());
  if (TEST_DB === 'postgres') await ensurePostgres();
  await ensureRedis();
}

export async function teardown(): Promise<void> {
  started?.kill();
  if (TEST_DB === 'postgres') await dropTestDatabases();
}

async function ensureRedis(): Promise<void> {
  if (await redisAnswers()) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-redis-'));
  started = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const failed = new Promise<never>((_, reject) =>
    started?.on('error', () =>
      reject(
        new Error(
          'Redis is not answering on 127.0.0.1:6379 and redis-server is not installed: install Redis 7 (apt-get install redis-server) or start it',
        ),
      ),
    ),
  );
  for (let i = 0; i < 50; i++) {
    await Promise.race([new Promise((r) => setTimeout(r, 100)), failed]);
    if (await redisAnswers()) return;
  }
  throw new Error('started redis-server, but it does not answer on 127.0.0.1:6379');
}

/** The server, with its password (if any) left out of every message. */
function serverName(): string {
  const url = new URL(PG_TEST_SERVER);
  return `${url.hostname}:${url.port || '5432'}`;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: `${PG_TEST_SERVER}/postgres`,
    connectionTimeoutMillis: 3_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function postgresAnswers(): Promise<string | null> {
  try {
    await admin((c) => c.query('select 1'));
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function ensurePostgres(): Promise<void> {
  const first = await postgresAnswers();
  if (first === null) return;
  try {
    // Debian's cluster, as CI and these machines have it; without it the reason below is the answer.
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'start'], { stdio: 'ignore' });
  } catch {
    // Not installed or not ours to start: the check below says what is wrong.
  }
  for (let i = 0; i < 50; i++) {
    if ((await postgresAnswers()) === null) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `the PostgreSQL pass needs a server at ${serverName()} (PG_TEST_URL) and none answers (${first}): start PostgreSQL 15 or run the SQLite pass alone (npm run test:sqlite)`,
  );
}

/** Drops the databases this run made, and those of crashed runs older than an hour. */
async function dropTestDatabases(): Promise<void> {
  const run = Number(process.env.EARSHOT_TEST_RUN);
  await admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      "select datname from pg_database where datname like 'earshot\\_test\\_%'",
    );
    for (const { datname } of rows) {
      const stamp = Number(/^earshot_test_(\d+)_/.exec(datname)?.[1] ?? 0);
      if (stamp === run || stamp < Date.now() - LEFTOVER_MS)
        await c.query(`drop database if exists "${datname}" with (force)`);
    }
  });
}
