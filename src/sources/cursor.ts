/**
 * Where a newest-first stream got to: the newest item time read (ISO text or unix seconds), and the
 * ids read lately, since the next read starts at that very time and brings those items again.
 */
export interface SeenCursor<T extends string | number> {
  since: T;
  seen: string[];
}

const SEEN_KEPT = 500;
const timeOf = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));

/** The cursor after reading `fresh` (items not seen before): the newest time, the latest ids first. */
export function nextSeen<T extends string | number>(
  before: SeenCursor<T> | undefined,
  since: T,
  fresh: readonly { id: string; at: T }[],
): SeenCursor<T> {
  let newest = since;
  // Parsed once each: an ISO time costs a Date.parse, and a poll brings hundreds.
  let newestAt = timeOf(since);
  for (const f of fresh) {
    const at = timeOf(f.at);
    if (at > newestAt) {
      newest = f.at;
      newestAt = at;
    }
  }
  return { since: newest, seen: [...fresh.map((f) => f.id), ...(before?.seen ?? [])].slice(0, SEEN_KEPT) };
}
