import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config.ts';
import type { Entry, PackedShard, ShardResult } from '../commands/replay.ts';

// Brands never read each other's mentions, incidents or series, so a replay splits by brand:
// each shard replays its brands in a database of its own, on a core of its own, against the
// steps of the whole replay, and the alerts merge into the order one thread would have given.

/** Below this many observations a worker's start (its modules, a third of a second) costs more than it saves. */
const SHARD_FROM = 20_000;
const MAX_THREADS = 8;

/**
 * How many threads a replay wants, and from how many observations on: those given (the `threads`
 * hook, else EARSHOT_REPLAY_THREADS) at any size, else one a core from SHARD_FROM on.
 */
export function threadPlan(config: Config, forced?: number): { threads: number; from: number } {
  const given = forced ?? config.settings.replayThreads;
  if (given !== null) return { threads: given, from: 0 };
  return { threads: Math.min(availableParallelism(), MAX_THREADS), from: SHARD_FROM };
}

/**
 * The entries split into at most `threads` shards of whole brands, the busiest brands first onto
 * the least loaded shard. An observation of brands in two shards goes to both, each with its own.
 */
export function shardsOf(all: readonly Entry[], threads: number): Entry[][] {
  const counts = new Map<string, number>();
  for (const e of all) for (const name of e.names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const n = Math.min(threads, counts.size);
  if (n < 2) return [all as Entry[]];
  const load = new Array<number>(n).fill(0);
  const shardOf = new Map<string, number>();
  for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1])) {
    const least = load.indexOf(Math.min(...load));
    shardOf.set(name, least);
    load[least] = (load[least] as number) + count;
  }
  const shards: Entry[][] = Array.from({ length: n }, () => []);
  for (const e of all) {
    const first = shardOf.get(e.names[0] as string);
    if (first === undefined) continue; // matched no brand: nothing to replay
    if (e.names.every((name) => shardOf.get(name) === first)) (shards[first] as Entry[]).push(e);
    else
      for (let s = 0; s < n; s++) {
        const names = e.names.filter((name) => shardOf.get(name) === s);
        if (names.length > 0) (shards[s] as Entry[]).push({ ...e, names });
      }
  }
  return shards;
}

/** Worker threads started while the input is still being read, waiting for their shard. */
export class ShardWorkers {
  private readonly workers: Worker[];
  private readonly done: Promise<ShardResult>[];

  constructor(count: number, config: Config) {
    const ts = import.meta.url.endsWith('.ts');
    const file = new URL(ts ? './shard-worker.ts' : './shard-worker.js', import.meta.url);
    this.workers = Array.from({ length: count }, () =>
      ts
        ? new Worker(underTsx(file), { eval: true, workerData: { config } })
        : new Worker(file, { workerData: { config } }),
    );
    this.done = this.workers.map(
      (w, i) =>
        new Promise<ShardResult>((resolve, reject) => {
          w.once('message', (r: ShardResult) => resolve(r));
          w.once('error', (err) => reject(new Error(`replay thread ${i + 1} failed: ${err.message}`)));
          w.once('exit', (code) => reject(new Error(`replay thread ${i + 1} stopped (exit code ${code})`)));
        }),
    );
    // A shard never sent is not an error: the replay turned out too small to split.
    for (const d of this.done) d.catch(() => {});
  }

  /** Sends each worker its shard, then waits for them all. */
  async run(times: Float64Array, shards: readonly PackedShard[]): Promise<ShardResult[]> {
    shards.forEach((shard, i) => this.workers[i]?.postMessage({ times, shard }));
    try {
      return await Promise.all(this.done.slice(0, shards.length));
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Under tsx (tests, benchmarks, `bin/earshot.js` without a build) the worker's TypeScript needs
 * the loader registered in the worker itself: Node 20 does not carry `--import tsx` into workers.
 */
function underTsx(file: URL): string {
  // The import condition of tsx/esm/api, read from its package.json (require.resolve gives the CJS one).
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const exported = (require(manifest) as TsxManifest).exports['./esm/api'].import.default;
  const api = pathToFileURL(join(dirname(manifest), exported)).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); });`;
}

type TsxManifest = { exports: { './esm/api': { import: { default: string } } } };
