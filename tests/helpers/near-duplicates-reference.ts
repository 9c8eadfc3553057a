// The near-duplicate index as it was before the compact one (main at 870d566), kept verbatim as
// the reference that tests/unit/near-duplicates-equality.test.ts holds the compact index to: the
// same `group` and `similarity` for every text of every stream. Not used by the daemon.

// The signature and its similarity did not change: they are the shipped ones, so that what this
// reference holds to account is the index alone.
import { signature, similarity } from '../../src/analysis/near-duplicates.ts';

const HASHES = 32;
const BANDS = 8;
const ROWS = HASHES / BANDS;
/** A signature bin no word pair filled: a text without words has only these. */
const EMPTY = 0x7fffffff;

interface Entry {
  id: string;
  sig: Int32Array;
}

/** A window of recent groups; each new text joins the group of its nearest earlier twin, if any. */
export class ReferenceNearDuplicates {
  private readonly bands = new Map<number, Entry[]>();
  private readonly order: { entry: Entry; keys: number[] }[] = [];

  constructor(
    private readonly threshold = 0.6,
    /** Groups kept: the oldest leave the window, so memory stays bounded on a busy brand. */
    private readonly capacity = 50_000,
  ) {}

  /** The group the text belongs to: the id of its first member (its own id when it is new). */
  add(id: string, text: string): { group: string; similarity: number } {
    const sig = signature(text);
    const keys: number[] = [];
    let best: Entry | null = null;
    let bestSim = 0;
    for (let b = 0; b < BANDS; b++) {
      let k = b;
      for (let r = b * ROWS; r < (b + 1) * ROWS; r++) k = Math.imul(k ^ (sig[r] as number), 0x01000193);
      const key = (k >>> 0) * BANDS + b;
      keys.push(key);
      for (const e of this.bands.get(key) ?? []) {
        if (e === best) continue;
        const s = similarity(sig, e.sig);
        if (s > bestSim) [best, bestSim] = [e, s];
      }
    }
    if (best && bestSim >= this.threshold) return { group: best.id, similarity: bestSim };
    // Only a group's first text is indexed: a campaign of 10,000 copies is one entry, not 10,000
    // for every later copy to be compared with.
    if (sig[0] !== EMPTY) this.index({ id, sig }, keys);
    return { group: id, similarity: 0 };
  }

  private index(entry: Entry, keys: number[]): void {
    for (const k of keys) {
      const list = this.bands.get(k);
      if (list) list.push(entry);
      else this.bands.set(k, [entry]);
    }
    this.order.push({ entry, keys });
    if (this.order.length <= this.capacity) return;
    const old = this.order.shift();
    for (const k of old?.keys ?? []) {
      const list = this.bands.get(k)?.filter((e) => e !== old?.entry);
      if (list?.length) this.bands.set(k, list);
      else this.bands.delete(k);
    }
  }
}
