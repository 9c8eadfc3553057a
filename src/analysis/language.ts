import { isPlain } from './plain.ts';

/** Languages the sentiment scorer covers; others are labelled, not guessed. */
export const SENTIMENT_LANGS = new Set(['en']);

const STOPWORDS: Record<string, string[]> = {
  en: [
    'the',
    'and',
    'is',
    'to',
    'of',
    'it',
    'i',
    'you',
    'my',
    'this',
    'that',
    'for',
    'with',
    'was',
    'are',
    'not',
    'on',
    'have',
    'me',
    'so',
    'but',
    'just',
    'be',
    'they',
    'we',
    'your',
    'at',
    'what',
    'can',
    'all',
  ],
  es: [
    'el',
    'la',
    'de',
    'que',
    'y',
    'en',
    'los',
    'se',
    'del',
    'las',
    'por',
    'un',
    'para',
    'con',
    'no',
    'una',
    'es',
    'muy',
    'pero',
    'mi',
    'lo',
    'me',
    'esta',
    'como',
  ],
  fr: [
    'le',
    'la',
    'les',
    'de',
    'des',
    'et',
    'est',
    'un',
    'une',
    'du',
    'en',
    'que',
    'pour',
    'pas',
    'je',
    'il',
    'sur',
    'avec',
    'ce',
    'mais',
    'très',
    'mon',
    'nous',
    'vous',
  ],
  de: [
    'der',
    'die',
    'das',
    'und',
    'ist',
    'nicht',
    'ich',
    'zu',
    'den',
    'mit',
    'ein',
    'eine',
    'es',
    'von',
    'auf',
    'für',
    'sich',
    'auch',
    'aber',
    'mein',
    'sehr',
    'wir',
    'sie',
    'dem',
  ],
  pt: [
    'o',
    'a',
    'os',
    'de',
    'que',
    'e',
    'do',
    'da',
    'em',
    'um',
    'para',
    'com',
    'não',
    'uma',
    'no',
    'na',
    'por',
    'mais',
    'muito',
    'meu',
    'mas',
    'foi',
    'ao',
    'é',
  ],
  it: [
    'il',
    'di',
    'che',
    'e',
    'la',
    'per',
    'un',
    'non',
    'in',
    'una',
    'sono',
    'mi',
    'con',
    'ma',
    'è',
    'del',
    'della',
    'molto',
    'questo',
    'ho',
    'gli',
    'lo',
    'al',
    'le',
  ],
  nl: [
    'de',
    'het',
    'een',
    'en',
    'van',
    'ik',
    'te',
    'dat',
    'niet',
    'is',
    'op',
    'voor',
    'met',
    'zijn',
    'maar',
    'mijn',
    'wat',
    'ook',
    'er',
    'je',
    'nog',
    'bij',
    'heel',
    'dit',
  ],
};
const LANGS = Object.keys(STOPWORDS);
/** Per stopword, the languages (indices into LANGS) that use it. */
const INDEX = new Map<string, number[]>();
for (const [l, lang] of LANGS.entries())
  for (const w of STOPWORDS[lang] ?? []) INDEX.set(w, [...(INDEX.get(w) ?? []), l]);
/** No stopword is longer: a longer word needs no look-up. */
const LONGEST = Math.max(...[...INDEX.keys()].map((w) => w.length));
const WORD = /[\p{L}']+/gu;
const SCRIPTS = /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u0400-\u04ff\u0600-\u06ff]/;
// Scratch of every call (reset on entry): votes per language, and the languages in the order of
// their first vote, which decides ties as the Map of votes it replaces did.
const VOTES = new Float64Array(LANGS.length);
const VOTED: number[] = [];
let stopwords = 0;

/**
 * Counts the word's vote, if it is a stopword. A module function, not a closure: under tsx every
 * closure made in a call is also given its name.
 */
function vote(w: string): void {
  const langs = INDEX.get(w);
  if (!langs) return;
  stopwords++;
  for (const l of langs) {
    if (!VOTED.includes(l)) VOTED.push(l);
    VOTES[l] = VOTES[l]! + 1 / langs.length;
  }
}

/**
 * The language the source reported (primary subtag), else a stopword vote among seven common
 * languages; `und` when the text says too little to tell.
 */
export function detectLanguage(text: string, reported?: string): string {
  const tag = reported?.trim().toLowerCase().split(/[-_]/)[0];
  if (tag && /^[a-z]{2,3}$/.test(tag) && tag !== 'und') return tag;
  // One look for any of these scripts, then which (in this order): most texts have none.
  if (SCRIPTS.test(text)) {
    if (/[\u3040-\u30ff]/.test(text)) return 'ja';
    if (/[\u4e00-\u9fff]/.test(text)) return 'zh';
    if (/[\uac00-\ud7af]/.test(text)) return 'ko';
    if (/[\u0400-\u04ff]/.test(text)) return 'ru';
    return 'ar';
  }
  VOTES.fill(0);
  VOTED.length = 0;
  stopwords = 0;
  const lower = text.toLowerCase();
  if (isPlain(lower)) {
    // The words WORD finds, without the regex: in ASCII its letters are a-z and the apostrophe.
    let start = -1;
    for (let i = 0; i <= lower.length; i++) {
      const c = i < lower.length ? lower.charCodeAt(i) : 0;
      if ((c >= 97 && c <= 122) || c === 39) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        if (i - start <= LONGEST) vote(lower.slice(start, i));
        start = -1;
      }
    }
  } else for (const w of lower.match(WORD) ?? []) vote(w);
  let best = 'und';
  let bestVotes = 0;
  let second = 0;
  for (const l of VOTED) {
    const v = VOTES[l]!;
    if (v > bestVotes) {
      second = bestVotes;
      bestVotes = v;
      best = LANGS[l]!;
    } else if (v > second) second = v;
  }
  return stopwords >= 2 && bestVotes >= 1.5 && bestVotes > second * 1.5 ? best : 'und';
}
