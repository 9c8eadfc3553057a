/**
 * Near-duplicate texts (copy-paste campaigns, reposts with a few words changed) by MinHash over
 * word pairs, found through locality-sensitive hashing: adding a text costs the same however many
 * texts are already indexed. Texts count as one when about `threshold` of their word pairs agree.
 * The signature is one-permutation MinHash (each word pair hashed once, into one of 32 bins, empty
 * bins filled from their neighbours): a fifth of the cost of 32 hash functions, as precise.
 */

import { isPlain } from './plain.ts';

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
  return signInto(text, new Int32Array(HASHES));
}

/** Scratch of `wordHashes`, reset on every call. */
const HASHED: number[] = [];

/**
 * fnv1a of each of `wordsOf(text)`, without making the words: an ASCII text (or one whose only other
 * characters are punctuation, see `isPlain`) is scanned once, lower
 * case read off each code, trying at each place what TOKEN tries, in its order (a link, then
 * `www.`, then a handle, then a word). Any other text goes through `wordsOf`.
 */
export function wordHashes(text: string): number[] {
  if (!isPlain(text)) return wordHashesOf(text);
  const out = HASHED;
  out.length = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = lowerAt(text, i);
    if (c === 104 /* h */ && i + 4 < n) {
      const e = linkEnd(text, i);
      if (e > 0) {
        i = e;
        continue;
      }
    }
    if (c === 119 /* w */ && i + 4 < n && lowerAt(text, i + 1) === 119 && lowerAt(text, i + 2) === 119) {
      if (text.charCodeAt(i + 3) === 46 && !isSpace(text.charCodeAt(i + 4))) {
        i = nonSpaceEnd(text, i + 4);
        continue;
      }
    }
    if (c === 64 /* @ */ && i + 1 < n && isWordChar(text.charCodeAt(i + 1))) {
      i += 2;
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      continue;
    }
    if (!isLetterOrDigit(c)) {
      i++;
      continue;
    }
    // A word: [a-z0-9']+, dropped when all digits or starting "http".
    const start = i;
    let h = 0x811c9dc5 | 0;
    let digits = true;
    for (; i < n; i++) {
      const d = lowerAt(text, i);
      if (!isLetterOrDigit(d)) break;
      if (d < 48 || d > 57) digits = false;
      h = Math.imul(h ^ d, 0x01000193);
    }
    if (digits || (i - start >= 4 && startsHttp(text, start))) continue;
    out.push(h);
  }
  return out;
}

function wordHashesOf(text: string): number[] {
  const out = HASHED;
  out.length = 0;
  for (const w of wordsOf(text)) out.push(fnv1a(w));
  return out;
}

/** The code at `i`, A-Z lowered (the rest as is). */
function lowerAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** ASCII \s: tab, line feed, vertical tab, form feed, carriage return, space. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
/** ASCII \w. */
const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
/** [\p{L}\p{N}'] of a lower-case ASCII code. */
const isLetterOrDigit = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39;

function nonSpaceEnd(s: string, i: number): number {
  while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
  return i;
}

function startsHttp(s: string, i: number): boolean {
  return (
    lowerAt(s, i) === 104 &&
    lowerAt(s, i + 1) === 116 &&
    lowerAt(s, i + 2) === 116 &&
    lowerAt(s, i + 3) === 112
  );
}

/** Where `https?:\/\/\S+` at `i` ends, or -1. */
function linkEnd(s: string, i: number): number {
  if (!startsHttp(s, i)) return -1;
  let j = i + 4;
  if (lowerAt(s, j) === 115 /* s */) j++;
  if (s.charCodeAt(j) !== 58 || s.charCodeAt(j + 1) !== 47 || s.charCodeAt(j + 2) !== 47) return -1;
  j += 3;
  if (j >= s.length || isSpace(s.charCodeAt(j))) return -1;
  return nonSpaceEnd(s, j);
}

/** `signature` into `sig` (every bin written). */
function signInto(text: string, sig: Int32Array): Int32Array {
  const words = wordHashes(text);
  // Signed 32-bit throughout: V8 keeps them as small integers, where unsigned ones above 2^31 are doubles.
  sig.fill(EMPTY);
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

/** The band's hash of a signature (its rows `b * ROWS` to `(b + 1) * ROWS`) read at `at`. */
function bandKey(sigs: Int32Array, at: number, b: number): number {
  let k = b;
  for (let r = b * ROWS; r < (b + 1) * ROWS; r++) k = Math.imul(k ^ (sigs[at + r] as number), 0x01000193);
  return k;
}

/** Scratch signature of `add`: an indexed one is copied into its chunk. */
const SIG = new Int32Array(HASHES);
/** The signature of a group indexed again (`forgetBefore`), copied out of the slot it leaves. */
const REFRESH = new Int32Array(HASHES);

/** Slots a chunk holds: 128 KB of signatures. */
const CHUNK = 1024;
/** Slots a new chunk has room for, doubled as they fill: most brands have a few dozen groups. */
const FIRST_ROOM = 32;

/**
 * The signatures and ids of 1,024 consecutive slots. Slots are written in order (the ring only
 * moves forward), so the ids of a chunk are joined into one string once it is full: 15 bytes an
 * id instead of 40 as a string of its own, and no work for the collector. When the ring comes
 * round again, the new ids gather in `fresh` while the rest of the old ones are still read.
 */
class Chunk {
  // Grown, not allocated whole: a full chunk's 144 KB for each brand's first handful of groups
  // was most of the cost of a new brand's first poll (and its memory, with hundreds of brands).
  sigs: Int32Array;
  /** When each slot's text was posted, for `forgetBefore`. */
  ats: Float64Array;
  /** The latest post of each slot's group, the text itself or a copy: a group still copied stays. */
  seen: Float64Array;
  /** Per band node of a slot: 1 + the slot of the next older group of its bucket, 0 for none. */
  older: Int32Array;
  /** The last `add` that compared a text with the slot's (its number), so that it compares once. */
  compared: Float64Array;
  private fresh: string[] = [];
  private joined = '';
  private ends = new Uint32Array(0);

  constructor(private readonly length: number) {
    const room = Math.min(length, FIRST_ROOM);
    this.sigs = new Int32Array(room * HASHES);
    this.ats = new Float64Array(room);
    this.seen = new Float64Array(room);
    this.older = new Int32Array(room * BANDS);
    this.compared = new Float64Array(room);
  }

  write(i: number, id: string, sig: Int32Array, at: number): void {
    if (i >= this.ats.length) this.grow(i + 1);
    this.sigs.set(sig, i * HASHES);
    this.ats[i] = at;
    this.seen[i] = at;
    this.fresh.push(id);
    if (this.fresh.length < this.length) return;
    let end = 0;
    this.ends = Uint32Array.from(this.fresh, (x) => (end += x.length));
    this.joined = this.fresh.join('');
    this.fresh = [];
  }

  private grow(least: number): void {
    const room = Math.min(this.length, Math.max(least, this.ats.length * 2));
    this.sigs = grown(this.sigs, room * HASHES);
    this.ats = grown(this.ats, room);
    this.seen = grown(this.seen, room);
    this.older = grown(this.older, room * BANDS);
    this.compared = grown(this.compared, room);
  }

  id(i: number): string {
    if (i < this.fresh.length) return this.fresh[i] as string;
    return this.joined.slice(i === 0 ? 0 : this.ends[i - 1], this.ends[i]);
  }
}

/**
 * A window of recent groups; each new text joins the group of its nearest earlier twin, if any.
 *
 * A daemon keeps one per brand, up to 50,000 groups each, so it is held without an object per
 * group (objects made it 1.4 KB a group): signatures and ids in a ring of chunks (slot `s` in
 * chunk `s / CHUNK`), and the buckets of the bands in one open-addressing table of "band nodes"
 * (`slot * BANDS + band`), whose keys are computed again from the signature rather than stored. A
 * bucket holds its newest node; the older members of a bucket shared by several groups are
 * chained through their chunks' `older` (texts of one template share buckets by the hundred), and
 * read back oldest first, since which of two equally similar twins wins depends on that order. A
 * group met in several bands of a text is compared with it once: the first comparison decides.
 */
export class NearDuplicates {
  private readonly kept: number;
  /** A chunk whose slots were all forgotten is let go (undefined) until the ring comes round to it. */
  private readonly chunks: (Chunk | undefined)[] = [];
  /** Groups indexed (slots oldest to oldest + live - 1, round the ring of `kept` slots). */
  private live = 0;
  private oldest = 0;
  /** Texts posted before this are matched, not indexed (see `forgetBefore`). */
  private cutoff = -Infinity;
  /** The table: band node + 1, 0 for an empty cell; `tags` has 8 bits of the key, to skip most recomputing. */
  // 20 KB to start: a file of a few thousand lines is indexed without growing the table six times.
  private cells = new Int32Array(4096);
  private tags = new Uint8Array(4096);
  private used = 0;
  /** The number of the current `add`, to mark the slots it compared. */
  private adds = 0;
  /** The slots of one bucket, gathered newest first. */
  private readonly scratch: number[] = [];

  constructor(
    private readonly threshold = 0.6,
    /** Groups kept: the oldest leave the window, so memory stays bounded on a busy brand. */
    capacity = 50_000,
  ) {
    this.kept = Math.max(0, Math.floor(capacity));
    let fewest = 0;
    while (fewest <= HASHES && fewest / HASHES < threshold) fewest++;
    this.fewest = fewest;
  }

  /** The fewest equal hashes of a twin: `same / HASHES >= threshold`. */
  private readonly fewest: number;

  /**
   * The group the text belongs to: the id of its first member (its own id when it is new).
   * `at` is when it was posted, which `forgetBefore` reads.
   */
  add(id: string, text: string, at = Infinity): { group: string; similarity: number } {
    const sig = signInto(text, SIG);
    let best = -1;
    let bestSame = 0;
    const mark = ++this.adds;
    for (let b = 0; b < BANDS; b++) {
      // A group first met in band b was in no bucket of bands 0 to b - 1: in each of those, at
      // least one of its hashes differs, so it agrees on HASHES - b at most. Once the best so far
      // needs more, no group met from here on can change the answer.
      if ((bestSame + 1 > this.fewest ? bestSame + 1 : this.fewest) > HASHES - b) break;
      const cell = this.find(bandKey(sig, 0, b), b);
      if (cell < 0) continue;
      const list = this.members(((this.cells[cell] as number) - 1 - b) / BANDS, b);
      for (let i = list.length - 1; i >= 0; i--) {
        const slot = list[i] as number;
        // Compared in an earlier band: its similarity is no greater than the best one's since.
        const chunk = this.chunks[Math.floor(slot / CHUNK)] as Chunk;
        if (chunk.compared[slot % CHUNK] === mark) continue;
        chunk.compared[slot % CHUNK] = mark;
        // Only a twin (at the threshold) more similar than the best so far can change the answer.
        const need = bestSame + 1 > this.fewest ? bestSame + 1 : this.fewest;
        if (need > HASHES - b) break;
        const same = sameAtLeast(sig, chunk.sigs, (slot % CHUNK) * HASHES, need);
        if (same >= need) [best, bestSame] = [slot, same];
      }
    }
    const bestSim = bestSame / HASHES;
    if (best >= 0 && bestSim >= this.threshold) {
      const group = this.idOf(best);
      const chunk = this.chunks[Math.floor(best / CHUNK)] as Chunk;
      if (at > (chunk.seen[best % CHUNK] as number)) chunk.seen[best % CHUNK] = at;
      return { group, similarity: bestSim };
    }
    // Only a group's first text is indexed: a campaign of 10,000 copies is one entry, not 10,000
    // for every later copy to be compared with.
    if (sig[0] !== EMPTY && this.kept > 0 && at >= this.cutoff) this.index(id, sig, at);
    return { group: id, similarity: 0 };
  }

  /**
   * Forgets the groups without a post (the first or a copy) since `cutoff`, oldest indexed first,
   * and indexes no text posted before it from then on (such a text is still matched): what a
   * restart at the same time would hold. A group whose first text is older but which people still
   * copy is indexed again, as of its latest copy: the window forgets what nobody posts any more, not
   * the phrases a brand hears every day (were those forgotten, each would turn "original" again
   * once a window). Posts arrive roughly in post time, so the oldest indexed are the oldest posted;
   * one that came late is forgotten when the ones indexed before it are.
   */
  forgetBefore(cutoff: number): void {
    if (cutoff > this.cutoff) this.cutoff = cutoff;
    while (this.live > 0 && this.atOf(this.oldest) < this.cutoff) {
      const slot = this.oldest;
      const chunk = this.chunks[Math.floor(slot / CHUNK)] as Chunk;
      const seen = chunk.seen[slot % CHUNK] as number;
      const kept = seen >= this.cutoff ? chunk.id(slot % CHUNK) : undefined;
      if (kept !== undefined)
        REFRESH.set(chunk.sigs.subarray((slot % CHUNK) * HASHES, ((slot % CHUNK) + 1) * HASHES));
      this.evict(slot);
      this.live--;
      const next = (slot + 1) % this.kept;
      // Its chunk's last slot is gone: the memory of the whole chunk goes with it.
      if (next % CHUNK === 0) this.chunks[Math.floor(slot / CHUNK)] = undefined;
      this.oldest = next;
      if (kept !== undefined) this.index(kept, REFRESH, seen);
    }
  }

  private atOf(slot: number): number {
    return (this.chunks[Math.floor(slot / CHUNK)] as Chunk).ats[slot % CHUNK] as number;
  }

  private idOf(slot: number): string {
    return (this.chunks[Math.floor(slot / CHUNK)] as Chunk).id(slot % CHUNK);
  }

  /** The signatures holding the slot's, and where it starts. */
  private sigsOf(slot: number): [Int32Array, number] {
    return [(this.chunks[Math.floor(slot / CHUNK)] as Chunk).sigs, (slot % CHUNK) * HASHES];
  }

  /** The slots of a bucket from its newest, `head`, to its oldest. */
  private members(head: number, b: number): number[] {
    const list = this.scratch;
    list.length = 0;
    for (let slot = head; slot >= 0; slot = this.olderOf(slot, b)) list.push(slot);
    return list;
  }

  /** The slot of the next older group of the slot's bucket in band `b`, or -1. */
  private olderOf(slot: number, b: number): number {
    const chunk = this.chunks[Math.floor(slot / CHUNK)] as Chunk;
    return (chunk.older[(slot % CHUNK) * BANDS + b] as number) - 1;
  }

  /** Chains `older` (-1: nothing) behind the slot in band `b`. */
  private setOlder(slot: number, b: number, older: number): void {
    (this.chunks[Math.floor(slot / CHUNK)] as Chunk).older[(slot % CHUNK) * BANDS + b] = older + 1;
  }

  private index(id: string, sig: Int32Array, at: number): void {
    let slot: number;
    if (this.live < this.kept) {
      slot = (this.oldest + this.live++) % this.kept;
      const c = Math.floor(slot / CHUNK);
      // Pushed, not written past the end: an array read or written out of bounds is a slow path in V8.
      if (c === this.chunks.length) this.chunks.push(new Chunk(Math.min(CHUNK, this.kept - c * CHUNK)));
      else if (this.chunks[c] === undefined)
        this.chunks[c] = new Chunk(Math.min(CHUNK, this.kept - c * CHUNK));
    } else {
      // The ring is full: the oldest group leaves and its slot takes the new one.
      slot = this.oldest;
      this.evict(slot);
      this.oldest = (slot + 1) % this.kept;
    }
    (this.chunks[Math.floor(slot / CHUNK)] as Chunk).write(slot % CHUNK, id, sig, at);
    for (let b = 0; b < BANDS; b++) {
      const k = bandKey(sig, 0, b);
      const node = slot * BANDS + b;
      const cell = this.find(k, b);
      if (cell >= 0) {
        this.setOlder(slot, b, ((this.cells[cell] as number) - 1 - b) / BANDS);
        this.cells[cell] = node + 1;
      } else this.insert(k, node);
    }
  }

  /** Takes the oldest group out of its buckets, where it is the last member. */
  private evict(slot: number): void {
    const [sigs, at] = this.sigsOf(slot);
    for (let b = 0; b < BANDS; b++) {
      const cell = this.find(bandKey(sigs, at, b), b);
      let newer = ((this.cells[cell] as number) - 1 - b) / BANDS;
      if (newer === slot) {
        this.remove(cell);
        continue;
      }
      for (let next = this.olderOf(newer, b); next !== slot; next = this.olderOf(newer, b)) newer = next;
      this.setOlder(newer, b, -1);
    }
  }

  // The table: linear probing, at most 75 % full.

  private keyOf(node: number): number {
    const b = node % BANDS;
    const [sigs, at] = this.sigsOf((node - b) / BANDS);
    return bandKey(sigs, at, b);
  }

  private static hash(k: number, b: number): number {
    return mix(k ^ Math.imul(b + 1, 0x9e3779b1));
  }

  /** The cell of bucket (k, b), or -1. */
  private find(k: number, b: number): number {
    const mask = this.cells.length - 1;
    const h = NearDuplicates.hash(k, b);
    const tag = h >>> 24;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const c = this.cells[i] as number;
      if (c === 0) return -1;
      if (this.tags[i] === tag && (c - 1) % BANDS === b && this.keyOf(c - 1) === k) return i;
    }
  }

  private insert(k: number, node: number): void {
    if ((this.used + 1) * 4 > this.cells.length * 3) this.rehash(this.cells.length * 2);
    this.place(NearDuplicates.hash(k, node % BANDS), node);
    this.used++;
  }

  private place(h: number, node: number): void {
    const mask = this.cells.length - 1;
    let i = h & mask;
    while (this.cells[i] !== 0) i = (i + 1) & mask;
    this.cells[i] = node + 1;
    this.tags[i] = h >>> 24;
  }

  private rehash(size: number): void {
    const old = this.cells;
    [this.cells, this.tags] = [new Int32Array(size), new Uint8Array(size)];
    for (const c of old)
      if (c !== 0) this.place(NearDuplicates.hash(this.keyOf(c - 1), (c - 1) % BANDS), c - 1);
  }

  /** Empties a cell, moving later cells of its run back so that every lookup still reaches them. */
  private remove(cell: number): void {
    const mask = this.cells.length - 1;
    let hole = cell;
    for (let j = (cell + 1) & mask; this.cells[j] !== 0; j = (j + 1) & mask) {
      const node = (this.cells[j] as number) - 1;
      const home = NearDuplicates.hash(this.keyOf(node), node % BANDS) & mask;
      // It may move back into the hole when the hole is not before its home (cyclically).
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        this.cells[hole] = this.cells[j] as number;
        this.tags[hole] = this.tags[j] as number;
        hole = j;
      }
    }
    this.cells[hole] = 0;
    this.tags[hole] = 0;
    this.used--;
  }
}

/**
 * How many of the hashes at `sigs[at..]` equal `sig`'s (empty ones never count), or -1 as soon as
 * fewer than `need` can: most candidates of a bucket are not twins, and fail within half of them.
 */
function sameAtLeast(sig: Int32Array, sigs: Int32Array, at: number, need: number): number {
  let same = 0;
  let most = HASHES;
  for (let i = 0; i < HASHES; i++) {
    const h = sig[i] as number;
    if (h === sigs[at + i] && h !== EMPTY) same++;
    else if (--most < need) return -1;
  }
  return same;
}

/** A longer copy of `a`, zeros after what it held. */
function grown<T extends Int32Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
