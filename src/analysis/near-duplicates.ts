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

/**
 * A window of recent groups; each new text joins the group of its nearest earlier twin, if any.
 *
 * Held compactly, since a daemon keeps one per brand over 48 hours (a thousand bytes an entry as
 * objects made a 100,000-mention day 140 MB of heap): signatures side by side in one typed array,
 * slots addressed by a sequence number, and per band a map from the band's hash to the sequence
 * of its one entry (or a list when several share it), all small integers, no object per entry.
 */
export class NearDuplicates {
  /** Per band: the band's hash → the sequence number(s) of the groups having it. */
  private readonly bands = Array.from({ length: BANDS }, () => new Map<number, number | number[]>());
  private sigs = new Int32Array(16 * HASHES);
  private ids: string[] = new Array<string>(16);
  private ats = new Float64Array(16);
  /** Live entries are the sequence numbers first..next-1; entry `s` is in slot s % slots. */
  private first = 0;
  private next = 0;
  private slots = 16;
  /** Texts posted before this are matched, not indexed (see `forgetBefore`). */
  private cutoff = -Infinity;

  constructor(
    private readonly threshold = 0.6,
    /** Groups kept: the oldest leave the window, so memory stays bounded on a busy brand. */
    private readonly capacity = 50_000,
  ) {}

  /** Groups indexed now. */
  get size(): number {
    return this.next - this.first;
  }

  /**
   * The group the text belongs to: the id of its first member (its own id when it is new).
   * `at` is when it was posted, for `forgetBefore`.
   */
  add(id: string, text: string, at = Number.POSITIVE_INFINITY): { group: string; similarity: number } {
    const sig = signature(text);
    const keys: number[] = [];
    let best = -1;
    let bestSim = 0;
    for (let b = 0; b < BANDS; b++) {
      let k = b;
      for (let r = b * ROWS; r < (b + 1) * ROWS; r++) k = Math.imul(k ^ (sig[r] as number), 0x01000193);
      keys.push(k);
      const found = this.bands[b]?.get(k);
      if (found === undefined) continue;
      for (const seq of typeof found === 'number' ? [found] : found) {
        if (seq === best) continue;
        const s = this.similarityTo(sig, seq);
        if (s > bestSim) [best, bestSim] = [seq, s];
      }
    }
    if (best >= 0 && bestSim >= this.threshold) return { group: this.idOf(best), similarity: bestSim };
    // Only a group's first text is indexed: a campaign of 10,000 copies is one entry, not 10,000
    // for every later copy to be compared with.
    if (sig[0] !== EMPTY && at >= this.cutoff) this.index(id, sig, at, keys);
    return { group: id, similarity: 0 };
  }

  /**
   * Forgets the groups whose first text was posted before `cutoff`, oldest added first, and indexes
   * no text posted before it from now on: a copy is matched with originals of the window only.
   */
  forgetBefore(cutoff: number): void {
    this.cutoff = Math.max(this.cutoff, cutoff);
    while (this.first < this.next && (this.ats[this.first % this.slots] as number) < this.cutoff)
      this.evict();
  }

  private idOf(seq: number): string {
    return this.ids[seq % this.slots] as string;
  }

  private similarityTo(sig: Int32Array, seq: number): number {
    const at = (seq % this.slots) * HASHES;
    let same = 0;
    for (let i = 0; i < HASHES; i++) if (sig[i] === this.sigs[at + i] && sig[i] !== EMPTY) same++;
    return same / HASHES;
  }

  private index(id: string, sig: Int32Array, at: number, keys: number[]): void {
    if (this.size === this.slots) this.grow();
    const seq = this.next++;
    const slot = seq % this.slots;
    this.sigs.set(sig, slot * HASHES);
    this.ids[slot] = id;
    this.ats[slot] = at;
    keys.forEach((k, b) => {
      const band = this.bands[b] as Map<number, number | number[]>;
      const found = band.get(k);
      if (found === undefined) band.set(k, seq);
      else if (typeof found === 'number') band.set(k, [found, seq]);
      else found.push(seq);
    });
    if (this.size > this.capacity) this.evict();
  }

  /** Twice the slots (up to the capacity), each live entry moved to its slot in the new size. */
  private grow(): void {
    const slots = Math.min(this.slots * 2, this.capacity + 1);
    const sigs = new Int32Array(slots * HASHES);
    const ids = new Array<string>(slots);
    const ats = new Float64Array(slots);
    for (let seq = this.first; seq < this.next; seq++) {
      const from = seq % this.slots;
      const to = seq % slots;
      sigs.set(this.sigs.subarray(from * HASHES, (from + 1) * HASHES), to * HASHES);
      ids[to] = this.ids[from] as string;
      ats[to] = this.ats[from] as number;
    }
    [this.sigs, this.ids, this.ats, this.slots] = [sigs, ids, ats, slots];
  }

  /** Removes the oldest entry; its band hashes are computed again from its signature. */
  private evict(): void {
    const seq = this.first++;
    const at = (seq % this.slots) * HASHES;
    for (let b = 0; b < BANDS; b++) {
      let k = b;
      for (let r = b * ROWS; r < (b + 1) * ROWS; r++)
        k = Math.imul(k ^ (this.sigs[at + r] as number), 0x01000193);
      const band = this.bands[b] as Map<number, number | number[]>;
      const found = band.get(k);
      if (found === seq) band.delete(k);
      else if (Array.isArray(found)) {
        const rest = found.filter((s) => s !== seq);
        if (rest.length === 1) band.set(k, rest[0] as number);
        else band.set(k, rest);
      }
    }
    this.ids[seq % this.slots] = '';
  }
}
