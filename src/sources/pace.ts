import { createHash } from 'node:crypto';

/**
 * Spaces out calls to one API so that every brand sharing a key (or an IP) stays under the
 * documented limit, and waits out a reset the API announced. In one process by default; across
 * every daemon on one Redis with `RedisPacer` (src/queue/redis-pacer.ts).
 */
/**
 * A pace key for calls made with one credential: a short digest of it, so that keys (kept in Redis
 * when pacing is shared) never hold a piece of the secret.
 */
export function credentialKey(prefix: string, secret: string): string {
  return `${prefix}:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

export interface Pacer {
  /** Resolves at this key's next free slot; slots are `minIntervalMs` apart. */
  pace(key: string, minIntervalMs: number): Promise<void>;
  /** Books this key's next free slot like `pace`, but returns the wait instead of sleeping it. */
  reserve(key: string, minIntervalMs: number): Promise<number>;
  /** No call on this key before `untilMs` (epoch ms, this machine's clock). */
  hold(key: string, untilMs: number): void;
}

export const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

export class LocalPacer implements Pacer {
  private readonly nextAt = new Map<string, number>();
  constructor(private readonly now: () => number = Date.now) {}

  async pace(key: string, minIntervalMs: number): Promise<void> {
    await sleep(await this.reserve(key, minIntervalMs));
  }

  reserve(key: string, minIntervalMs: number): Promise<number> {
    const t = this.now();
    const at = Math.max(t, this.nextAt.get(key) ?? 0);
    this.nextAt.set(key, at + minIntervalMs);
    return Promise.resolve(at - t);
  }

  hold(key: string, untilMs: number): void {
    this.nextAt.set(key, Math.max(this.nextAt.get(key) ?? 0, untilMs));
  }
}

let current: Pacer = new LocalPacer();

export const pace = (key: string, minIntervalMs: number): Promise<void> => current.pace(key, minIntervalMs);
export const reserveSlot = (key: string, minIntervalMs: number): Promise<number> =>
  current.reserve(key, minIntervalMs);
export const holdUntil = (key: string, untilMs: number): void => current.hold(key, untilMs);

/** Paces every source's calls with `p` from now on (the daemon's Redis one). Returns the undo. */
export function usePacer(p: Pacer): () => void {
  const before = current;
  current = p;
  return () => {
    if (current === p) current = before;
  };
}
