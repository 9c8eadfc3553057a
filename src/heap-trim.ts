import v8 from 'node:v8';
import vm from 'node:vm';
import type { Logger } from 'pino';

/** How often the daemon looks, how long no job must have run, and the least time between two collections. */
const CHECK_MS = 1_000;
const QUIET_MS = 2_000;
const MIN_GAP_MS = 10_000;
/** A heap worth a collection: this big, and grown this much since the last one left it. */
const HELD_BYTES = 96 * 1024 * 1024;
const GROWN_BYTES = 32 * 1024 * 1024;

let collect: (() => void) | null | undefined;

/**
 * V8's full collection as a function: `--expose-gc` set at run time (as Jest's leak detector does),
 * the function taken from a fresh context. Null if this V8 refuses.
 */
function fullGc(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    const given = (globalThis as { gc?: () => void }).gc;
    if (typeof given === 'function') return (collect = given);
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = vm.runInNewContext('gc');
    collect = typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/**
 * Gives back the heap a burst grew. During a burst of polls V8 lets its heap grow to several times
 * what is in use, and keeps it afterwards (207 MB held for 43 MB in use after 1,000,000 mentions),
 * shrinking it only if its own idle-time reducer happens to run. When the daemon is quiet and holds
 * more than 96 MB of heap (and 32 MB more than the last collection left), two full collections
 * return what is unused: once no job has run for 2 s, at most every 10 s, never in the
 * middle of work. Returns the timer (unref'd) to clear.
 */
export function startHeapTrim(opts: {
  /** How long no job has been running, in ms. */
  quietFor: () => number;
  log?: Logger;
  onTrim?: (freedBytes: number) => void;
}): NodeJS.Timeout | null {
  if (process.env.EARSHOT_HEAP_TRIM === '0') return null;
  let last = 0;
  // What the last collection left: a heap that big is what the daemon needs, not a burst's leftover.
  let floor = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - last < MIN_GAP_MS || opts.quietFor() < QUIET_MS) return;
    const before = v8.getHeapStatistics();
    if (before.total_heap_size < Math.max(HELD_BYTES, floor + GROWN_BYTES)) return;
    const gc = fullGc();
    if (!gc) return;
    last = now;
    const t0 = performance.now();
    // The second pass finds the pages the first emptied and gives them back (42 → 36 MB held in a
    // test of a 147 MB heap); it costs little, the heap being small by then.
    gc();
    gc();
    const after = v8.getHeapStatistics();
    floor = after.total_heap_size;
    const freed = before.total_heap_size - after.total_heap_size;
    opts.onTrim?.(freed);
    opts.log?.debug(
      {
        heldMb: Math.round(after.total_heap_size / 1048576),
        usedMb: Math.round(after.used_heap_size / 1048576),
      },
      `heap trimmed after a burst: ${Math.round(freed / 1048576)} MB given back in ${Math.round(performance.now() - t0)} ms`,
    );
  }, CHECK_MS);
  timer.unref();
  return timer;
}
