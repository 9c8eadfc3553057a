import { parentPort, workerData } from 'node:worker_threads';
import { replayShard, unpackShard, type PackedShard } from '../commands/replay.ts';
import type { Config } from '../config.ts';

// One shard of brands of a replay (src/replay/parallel.ts): the shard arrives once, the result
// goes back. A failure is thrown out of the worker, where the replay's thread sees it as an error.
const { config } = workerData as { config: Config };
parentPort?.once('message', ({ times, shard }: { times: Float64Array; shard: PackedShard }) => {
  replayShard(config, times, unpackShard(shard, config)).then(
    (result) => parentPort?.postMessage(result),
    (err: unknown) => {
      throw err;
    },
  );
});
