import { NearDuplicates } from '../src/analysis/near-duplicates.ts';
import { virality } from '../src/analysis/virality.ts';
import type { Store } from '../src/db/client.ts';
import { type Rescore } from '../src/db/mentions.ts';
import type { Brand } from '../src/config.ts';
import type { AnalyzedMention } from '../src/types.ts';

const KEPT = 50_000;
const indexes = new WeakMap<Store, Map<string, NearDuplicates>>();

/**
 * The brand's groups with a post (the original or a copy) since `since`, by their latest post,
 * oldest first: what a running index holds (`NearDuplicates.add` indexes again a group still copied).
 */
async function originalsSince(store: Store, brand: string, since: number) {
  const rows = await store.all<{ id: string; text: string; at: number | string }>(
    `select o.id, o.text, max(c.created_at) as at
       from mentions c join mentions o on o.brand = c.brand and o.id = coalesce(c.duplicate_of, c.id)
      where c.brand = ? and c.created_at >= ? and o.duplicate_of is null
      group by o.id, o.text order by at limit ?`,
    [brand, since, KEPT],
  );
  // PostgreSQL returns a bigint column as a string.
  return rows.map((r) => ({ id: r.id, text: r.text, at: Number(r.at) }));
}

/** The brand's near-duplicate index, filled from the stored originals of the window at first use. */
async function indexOf(store: Store, brand: string, since: number): Promise<NearDuplicates> {
  let byBrand = indexes.get(store);
  if (!byBrand) indexes.set(store, (byBrand = new Map<string, NearDuplicates>()));
  let index = byBrand.get(brand);
  if (!index) {
    index = new NearDuplicates(0.6, KEPT);
    for (const m of await originalsSince(store, brand, since)) index.add(m.id, m.text, m.at);
    byBrand.set(brand, index);
  }
  return index;
}

/**
 * Sets `duplicateOf` on the mentions that nearly repeat an earlier one of the brand (poll and
 * replay). The index holds the groups with a post within `detection.near_duplicates_window` of
 * `now`, by post time: a running daemon answers as one restarted at `now` would.
 */
export async function markCopies(
  store: Store,
  brand: Pick<Brand, 'name' | 'detection'>,
  list: AnalyzedMention[],
  now: number,
): Promise<void> {
  const since = now - brand.detection.near_duplicates_window;
  const index = await indexOf(store, brand.name, since);
  index.forgetBefore(since);
  for (const m of list) {
    const at = m.createdAt.getTime();
    const group = index.add(m.id, m.text, Number.isNaN(at) ? now : at).group;
    if (group !== m.id) m.duplicateOf = group;
  }
}

/** A mention's virality from all its readings: what refresh and copies rescore with. */
export const rescore: Rescore = (m, history) =>
  virality({
    source: m.source,
    createdAt: m.createdAt,
    readings: history,
    ...(m.followers !== undefined ? { followers: m.followers } : {}),
  }).score;
