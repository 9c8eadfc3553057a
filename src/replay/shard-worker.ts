import { parentPort, workerData } from 'node:worker_threads';
import { replayShard, type ShardEntry } from '../commands/replay.ts';
import type { Config } from '../config.ts';

// One shard of brands of a replay (src/replay/parallel.ts): the shard arrives once, the result
// goes back. A failure is thrown out of the worker, where the replay's thread sees it as an error.
const { config } = workerData as { config: Config };
parentPort?.once('message', ({ times, mine }: { times: Float64Array; mine: ShardEntry[] }) => {
  replayShard(config, times, mine).then(
    (result) => parentPort?.postMessage(result),
    (err: unknown) => {
      throw err;
    },
  );
});
