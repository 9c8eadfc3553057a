import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/** True when a Redis answers PING at 127.0.0.1:`port` within a second. */
export async function redisAnswers(port = 6379): Promise<boolean> {
  const r = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/**
 * A redis-server of the test's own on a free port, keeping nothing on disk, so that a test can
 * stop and restart it without touching the shared one on 6379. `start()` again after `stop()`
 * brings back an empty Redis on the same port, as a restart without persistence does.
 */
export async function startPrivateRedis() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-redis-'));
  let server: ChildProcess | undefined;
  const answers = () => redisAnswers(port);
  const handle = {
    url: `redis://127.0.0.1:${port}`,
    async start(): Promise<void> {
      server = spawn(
        'redis-server',
        ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: 'ignore' },
      );
      for (let i = 0; i < 100; i++) {
        if (await answers()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`redis-server on port ${port} does not answer`);
    },
    /** SIGKILL: Redis gone at once, as in a crash; what it held is lost. */
    async stop(): Promise<void> {
      const s = server;
      server = undefined;
      if (!s || s.exitCode !== null) return;
      const gone = new Promise((r) => s.once('exit', r));
      s.kill('SIGKILL');
      await gone;
    },
    async close(): Promise<void> {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
