// The near-duplicate index as it was before the compact one (main at 870d566), kept verbatim as
// the reference that tests/unit/near-duplicates-equality.test.ts holds the compact index to: the
// same `group` and `similarity` for every text of every stream. Not used by the daemon.

/**
 * Near-duplicate texts (copy-paste campaigns, reposts with a few words changed) by MinHash over
 * word pairs, found through locality-sensitive hashing: adding a text costs the same however many
 * texts are already indexed. Texts count as one when about `threshold` of their word pairs agree.
 * The signature is one-permutation MinHash (each word pair hashed once, into one of 32 bins, empty
 * bins filled from their neighbours): a fifth of the cost of 32 hash functions, as precise.
 */

const HASHES = 32;
const BANDS = 8;
const ROWS = HASHES / BANDS;
const EMPTY = 0x7fffffff;
const VALUE = 0x07ffffff;
/** Set on values an empty bin borrowed, so that they never equal a value of its own. */
const BORROWED = 0x08000000;

const TOKEN = /https?:\/\/\S+|www\.\S+|@\w+|[\p{L}\p{N}']+/gu;

/** Lower case, without links, handles and numbers: what is left is what was said. */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const [t] of text.toLowerCase().matchAll(TOKEN)) {
    const c = t.charCodeAt(0);
    if (c === 64 /* @ */ || t.startsWith('http') || t.startsWith('www.') || /^\d+$/.test(t)) continue;
    out.push(t);
  }
  return out;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Murmur3's finalizer: every input bit moves every output bit, so the top bits pick a fair bin. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The MinHash signature of a text's word pairs (single words for a text of one or two words). */
export function signature(text: string): Int32Array {
  const words = wordsOf(text).map(fnv1a);
  // Signed 32-bit throughout: V8 keeps them as small integers, where unsigned ones above 2^31 are doubles.
  const sig = new Int32Array(HASHES).fill(EMPTY);
  const n = words.length < 3 ? words.length : words.length - 1;
  for (let j = 0; j < n; j++) {
    const w = words[j] as number;
    const v = mix(words.length < 3 ? w : Math.imul(w ^ 0x5bd1e995, 0x01000193) ^ (words[j + 1] as number));
    const bin = v >>> 27;
    const value = v & VALUE;
    if (value < (sig[bin] as number)) sig[bin] = value;
  }
  if (n === 0) return sig;
  // An empty bin takes the next filled one's value, shifted by the distance (rotation densifying).
  for (let i = 0; i < HASHES; i++) {
    if (sig[i] !== EMPTY) continue;
    let d = 1;
    while (sig[(i + d) % HASHES] === EMPTY || ((sig[(i + d) % HASHES] as number) & BORROWED) !== 0) d++;
    sig[i] = (((sig[(i + d) % HASHES] as number) + Math.imul(d, 0x9e3779b1)) & VALUE) | BORROWED;
  }
  return sig;
}

export function similarity(a: Int32Array, b: Int32Array): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i] && a[i] !== EMPTY) same++;
  return same / HASHES;
}

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
