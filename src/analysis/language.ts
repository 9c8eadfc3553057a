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
const INDEX = new Map<string, string[]>();
for (const [lang, words] of Object.entries(STOPWORDS)) {
  for (const w of words) INDEX.set(w, [...(INDEX.get(w) ?? []), lang]);
}
const WORD = /[\p{L}']+/gu;
const SCRIPTS = /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u0400-\u04ff\u0600-\u06ff]/;

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
  const votes = new Map<string, number>();
  let total = 0;
  for (const w of text.toLowerCase().match(WORD) ?? []) {
    const langs = INDEX.get(w);
    if (!langs) continue;
    total++;
    for (const l of langs) votes.set(l, (votes.get(l) ?? 0) + 1 / langs.length);
  }
  let best = 'und';
  let bestVotes = 0;
  let second = 0;
  for (const [l, v] of votes) {
    if (v > bestVotes) {
      second = bestVotes;
      bestVotes = v;
      best = l;
    } else if (v > second) second = v;
  }
  return total >= 2 && bestVotes >= 1.5 && bestVotes > second * 1.5 ? best : 'und';
}
