import { NearDuplicates } from '../src/analysis/near-duplicates.ts';
import { virality } from '../src/analysis/virality.ts';
import type { Store } from '../src/db/client.ts';
import { recentOriginals, type Rescore } from '../src/db/mentions.ts';
import type { AnalyzedMention } from '../src/types.ts';

/** How far back a copy is still matched with its original, after a restart too. */
const WINDOW_MS = 48 * 3_600_000;
const KEPT = 50_000;
const indexes = new WeakMap<Store, Map<string, NearDuplicates>>();

/** The brand's near-duplicate index, filled from the stored originals of the window at first use. */
async function indexOf(store: Store, brand: string, now: number): Promise<NearDuplicates> {
  let byBrand = indexes.get(store);
  if (!byBrand) indexes.set(store, (byBrand = new Map<string, NearDuplicates>()));
  let index = byBrand.get(brand);
  if (!index) {
    index = new NearDuplicates(0.6, KEPT);
    for (const m of await recentOriginals(store, brand, now - WINDOW_MS, KEPT)) index.add(m.id, m.text);
    byBrand.set(brand, index);
  }
  return index;
}

/** Sets `duplicateOf` on the mentions that nearly repeat an earlier one of the brand (poll and replay). */
export async function markCopies(
  store: Store,
  brand: string,
  list: AnalyzedMention[],
  now: number,
): Promise<void> {
  const index = await indexOf(store, brand, now);
  for (const m of list) {
    const group = index.add(m.id, m.text).group;
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
