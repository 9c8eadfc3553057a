/**
 * Spaces out calls to one API so that every brand sharing a key (or an IP) stays under the
 * documented limit, and waits out a reset the API announced. In-process: one daemon's calls.
 */
const nextAt = new Map<string, number>();

export async function pace(key: string, minIntervalMs: number, now: () => number = Date.now): Promise<void> {
  const t = now();
  const at = Math.max(t, nextAt.get(key) ?? 0);
  nextAt.set(key, at + minIntervalMs);
  if (at > t) await new Promise((r) => setTimeout(r, at - t));
}

/** The API said to wait until `untilMs`: no call on this key before then. */
export function holdUntil(key: string, untilMs: number): void {
  nextAt.set(key, Math.max(nextAt.get(key) ?? 0, untilMs));
}
