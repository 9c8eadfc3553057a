import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisAnswers } from './helpers/redis.ts';

// Integration tests need Redis on 127.0.0.1:6379. If none answers, start one for the run (it keeps
// nothing on disk), so that `npm test` works as written on a machine where redis-server is
// installed but not running.

let started: ChildProcess | undefined;

export async function setup(): Promise<void> {
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

export function teardown(): void {
  started?.kill();
}
