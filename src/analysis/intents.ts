import type { Intent, Sentiment } from '../types.ts';

interface Rule {
  name: string;
  patterns: RegExp[];
  /** Confidence when one pattern matches; each further match adds a little. */
  base: number;
}

// Lower case: the text is lowered once, and case-sensitive patterns run faster than /i ones.
export const RULES: readonly Rule[] = [
  {
    name: 'complaint',
    base: 0.6,
    patterns: [
      /\b(?:refund|compensation|complain(?:t|ed|ing)?|customer (?:service|support)|still waiting|on hold|no response|never again|cancell?ed|delayed|lost (?:my|our)|broke(?:n)? (?:my|our)|charged (?:me|twice)|worst|unacceptable|ripped off|scam)\b/,
      /\b(?:why (?:is|are|does|did|won't|can't)|fix (?:this|it)|what a joke|sort it out)\b/,
    ],
  },
  {
    name: 'question',
    base: 0.6,
    patterns: [
      /\?\s*$|\?\s/,
      /^(?:how|what|when|where|why|who|which|can|could|does|do|is|are|will|should)\b[^.!]*$/,
      /\b(?:anyone know|any idea|can someone)\b/,
    ],
  },
  {
    name: 'praise',
    base: 0.6,
    patterns: [
      /\b(?:thank(?:s| you)|kudos|shout ?out|well done|great job|amazing|awesome|love (?:it|this|you|the)|best (?:service|experience|airline|app|ever))\b/,
    ],
  },
  {
    name: 'purchase_intent',
    base: 0.6,
    patterns: [
      /\b(?:want to buy|going to buy|thinking (?:of|about) (?:buying|getting|switching)|where (?:can|do) i (?:buy|get)|how much (?:is|does|for)|price of|recommend (?:a|an|any)|should i (?:buy|get|book)|looking for a)\b/,
    ],
  },
  {
    name: 'crisis_safety',
    base: 0.7,
    patterns: [
      /\b(?:unsafe|danger(?:ous)?|fire|explo(?:de|sion)|smoke|emergency landing|recall|contaminat\w*|food poisoning|hazard)\b/,
      // A leak of customers' data is their safety too.
      /\b(?:data (?:breach|leak)|breach(?:ed)?|leak(?:ed)? (?:my|our|customer|personal|card|account)|hack(?:ed|ers?)|identity theft|stolen (?:card|data|details|identit(?:y|ies)))\b/,
    ],
  },
  {
    name: 'crisis_injury',
    base: 0.7,
    patterns: [/\b(?:injur\w*|hurt|bleeding|hospital\w*|died|death|killed|wounded|concussion|dragged)\b/],
  },
  {
    name: 'crisis_discrimination',
    base: 0.7,
    patterns: [
      /\b(?:racis[mt]|sexis[mt]|discriminat\w*|homophob\w*|transphob\w*|harass\w*|profil(?:ed|ing)|slur)\b/,
    ],
  },
  {
    name: 'crisis_legal',
    base: 0.7,
    patterns: [/\b(?:lawsuit|sue|suing|lawyer|attorney|legal action|class action|court|regulator|illegal)\b/],
  },
  {
    name: 'crisis_boycott',
    base: 0.7,
    patterns: [
      /\b(?:boycott\w*|#?delete\w+|never (?:fly|flying|buy|buying|shop|shopping) (?:with|from|at) )/,
    ],
  },
  {
    name: 'crisis_viral',
    base: 0.6,
    patterns: [
      /\b(?:viral|video|caught on (?:camera|tape)|everyone (?:share|needs to see)|rt (?:this|please)|spread the word)\b/,
    ],
  },
];

/**
 * Which patterns a text may match, told before running them: a pattern `\b(?:alt|alt|…)` can only
 * match where a word starts with one of its alternatives' first three letters (two for an
 * alternative such as "rt (?:…)"). GATE3 and GATE2 map those letters to the patterns (bits,
 * numbered rule by rule) that need them; a pattern whose alternatives do not all start with two
 * plain letters is always run (ALWAYS). Most texts start no word the way any of them does, and a
 * scan of the text's word starts costs less than one regex.
 */
const GATE3 = new Int32Array(26 * 26 * 26);
const GATE2 = new Int32Array(26 * 26);
let ALWAYS = 0;
/** Patterns that need a "?" in the text. */
let NEEDS_QUESTION_MARK = 0;
let bit = 0;
for (const rule of RULES)
  for (const p of rule.patterns) {
    const starts = wordStarts(p);
    if (p.source === '\\?\\s*$|\\?\\s') NEEDS_QUESTION_MARK |= 1 << bit;
    else if (starts === null) ALWAYS |= 1 << bit;
    else
      for (const start of starts) {
        const gate = start.length === 3 ? GATE3 : GATE2;
        const at = letterIndex(start);
        gate[at] = gate[at]! | (1 << bit);
      }
    bit++;
  }

/** "abc" → its index in GATE3, "ab" in GATE2. */
function letterIndex(s: string): number {
  let i = 0;
  for (let k = 0; k < s.length; k++) i = i * 26 + s.charCodeAt(k) - 97;
  return i;
}

/**
 * The first three letters (two when the third is not a plain letter) of each alternative of
 * `\b(?:…)`, or null when some alternative does not start with two plain letters.
 */
function wordStarts(p: RegExp): string[] | null {
  const m = /^\\b\(\?:(.*)\)(?:\\b)?$/.exec(p.source);
  if (!m || p.flags !== '') return null;
  const body = m[1]!;
  const alts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') {
      // The group closed before the end: not one alternation.
      if (--depth < 0) return null;
    } else if (c === '|' && depth === 0) {
      alts.push(body.slice(from, i));
      from = i + 1;
    }
  }
  alts.push(body.slice(from));
  const out: string[] = [];
  for (let alt of alts) {
    // "#?delete": the word still starts at "delete" ("#" is no word character).
    if (alt.startsWith('#?')) alt = alt.slice(2);
    const start = /^[a-z]{3}(?![?*+{])/.exec(alt) ?? /^[a-z]{2}(?![?*+{])/.exec(alt);
    if (!start) return null;
    out.push(start[0]);
  }
  return out;
}

/** The patterns (bits) `lower` may match: by the first letters of each of its words. */
function candidates(lower: string): number {
  let mask = ALWAYS;
  if (lower.includes('?')) mask |= NEEDS_QUESTION_MARK;
  let prevWord = false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    // \w of a regex without the u flag: ASCII letters, digits and "_".
    const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
    if (word && !prevWord && c >= 97 && c <= 122) {
      const d = lower.charCodeAt(i + 1);
      if (d >= 97 && d <= 122) {
        const two = (c - 97) * 26 + d - 97;
        mask |= GATE2[two]!;
        const e = lower.charCodeAt(i + 2);
        if (e >= 97 && e <= 122) mask |= GATE3[two * 26 + e - 97]!;
      }
    }
    prevWord = word;
  }
  return mask;
}

/** Intents and crisis markers by rules, each with a confidence 0..1, most confident first. */
export function detectIntents(text: string, sentiment: Sentiment): Intent[] {
  const out: Intent[] = [];
  const lower = text.toLowerCase();
  const may = candidates(lower);
  let b = 0;
  for (const rule of RULES) {
    let hits = 0;
    for (const p of rule.patterns) if (may & (1 << b++) && p.test(lower)) hits++;
    if (hits === 0) continue;
    let c = rule.base + 0.15 * (hits - 1);
    // Tone confirms or weakens what the words suggest.
    if (rule.name === 'complaint')
      c += sentiment.label === 'negative' ? 0.2 : sentiment.label === 'positive' ? -0.3 : 0;
    if (rule.name === 'praise')
      c += sentiment.label === 'positive' ? 0.2 : sentiment.label === 'negative' ? -0.4 : 0;
    if (c > 0.2) out.push({ name: rule.name, confidence: Math.round(Math.min(0.99, c) * 100) / 100 });
  }
  if (!out.some((i) => i.name === 'complaint') && sentiment.score <= -0.5)
    out.push({ name: 'complaint', confidence: 0.5 });
  return out.sort((a, b) => b.confidence - a.confidence);
}

/** Every intent name the rules can give, for checking the names a config refers to. */
export const INTENT_NAMES: readonly string[] = RULES.map((r) => r.name);
