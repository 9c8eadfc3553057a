/** Words too common to name a story by. */
const STOP = new Set(
  `a an the and or but if of to in on at for from by with about as is are was were be been am i me my we our
  you your he she it its they them their this that these those so not no just very really all any can could
  would should will do did does have has had get got rt via amp http https www com`.split(/\s+/),
);
const WORD = /[\p{L}\p{N}']+/gu;

/**
 * The phrase most of the texts share (two to four words, not all of them common or the brand's
 * own name), in at least `minShare` of them and three texts: what a person would call the story.
 */
export function sharedPhrase(
  texts: readonly string[],
  ownWords: readonly string[],
  minShare = 0.3,
): string | null {
  if (texts.length < 3) return null;
  const grams = gramsOf(ownWords);
  const seen = new Map<string, number>();
  for (const t of texts) for (const g of grams(t)) seen.set(g, (seen.get(g) ?? 0) + 1);
  const need = Math.max(3, Math.ceil(minShare * texts.length));
  let best: string | null = null;
  let bestScore = 0;
  for (const [g, n] of seen) {
    if (n < need) continue;
    // Longer phrases say more; among equals the most shared wins.
    const score = n * (1 + 0.25 * (g.split(' ').length - 2));
    if (score > bestScore) [best, bestScore] = [g, score];
  }
  return best;
}

/** Texts whose phrases are kept, per brand: a story's posts are named again on every tick it lasts. */
const KEPT = 10_000;
const known = new Map<string, Map<string, readonly string[]>>();

/** The phrases (two to four words) of a text that may name a story, each once, in the order found. */
function gramsOf(ownWords: readonly string[]): (text: string) => readonly string[] {
  const key = ownWords.join('\u0000').toLowerCase();
  let texts = known.get(key);
  if (!texts) {
    if (known.size >= 1_000) known.clear();
    known.set(key, (texts = new Map<string, readonly string[]>()));
  }
  const cache = texts;
  let own: Set<string> | null = null;
  return (text) => {
    let grams = cache.get(text);
    if (grams) return grams;
    own ??= new Set(ownWords.map((w) => w.toLowerCase()));
    grams = phrasesOf(text, own);
    if (cache.size >= KEPT) cache.clear();
    cache.set(text, grams);
    return grams;
  };
}

function phrasesOf(text: string, own: ReadonlySet<string>): string[] {
  const words = (text.toLowerCase().match(WORD) ?? []).filter((w) => !w.startsWith('http'));
  const mine = new Set<string>();
  for (let n = 4; n >= 2; n--)
    for (let i = 0; i + n <= words.length; i++) {
      const gram = words.slice(i, i + n);
      const first = gram[0]!;
      const last = gram[n - 1]!;
      if (STOP.has(first) || STOP.has(last) || own.has(first) || own.has(last)) continue;
      if (gram.every((w) => STOP.has(w) || own.has(w))) continue;
      mine.add(gram.join(' '));
    }
  return [...mine];
}
