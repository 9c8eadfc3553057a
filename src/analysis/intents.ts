import type { Intent, Sentiment } from '../types.ts';

interface Rule {
  name: string;
  patterns: RegExp[];
  /** Confidence when one pattern matches; each further match adds a little. */
  base: number;
}

// Lower case: the text is lowered once, and case-sensitive patterns run faster than /i ones.
const RULES: Rule[] = [
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

/** Intents and crisis markers by rules, each with a confidence 0..1, most confident first. */
export function detectIntents(text: string, sentiment: Sentiment): Intent[] {
  const out: Intent[] = [];
  const lower = text.toLowerCase();
  for (const rule of RULES) {
    let hits = 0;
    for (const p of rule.patterns) if (p.test(lower)) hits++;
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
