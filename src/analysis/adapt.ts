import type { Sentiment, SentimentLabel } from '../types.ts';

/**
 * A brand's or a domain's own sentiment, learned from labelled mentions (corrections a reputation
 * manager made) on top of the general scorer: a three-class logistic regression whose inputs are
 * the general scorer's verdict and the words and word pairs of the text. It starts out agreeing
 * with the general scorer and moves only where the examples disagree with it, so a few hundred
 * corrections teach "sick" is praise for a skate brand without unlearning the rest.
 */
export interface AdaptedModel {
  kind: 'earshot-sentiment-adaptation';
  version: 1;
  /** What it was trained for (a brand or a domain), for people reading the file. */
  name: string;
  trainedAt: string;
  examples: number;
  /** Per class (negative, neutral, positive): bias, then weights of the general verdict. */
  bias: [number, number, number];
  base: { label: [number, number, number][]; score: [number, number, number] };
  /** Learned words and word pairs, each with its weight toward each class. */
  terms: Record<string, [number, number, number]>;
}

export interface Example {
  text: string;
  label: SentimentLabel;
}

export type BaseScorer = (text: string) => Sentiment;

const LABELS: SentimentLabel[] = ['negative', 'neutral', 'positive'];
const TOKEN = /[\p{L}\p{N}']+/gu;
/** Strength of the starting agreement with the general scorer. */
const PRIOR = 2;

/** Words and word pairs of a text, lower case, each once. */
export function termsOf(text: string): string[] {
  const words = text.toLowerCase().match(TOKEN) ?? [];
  const out = new Set(words);
  for (let i = 1; i < words.length; i++) out.add(`${words[i - 1]} ${words[i]}`);
  return [...out];
}

/** `weights`: those of the text's learned terms, in the text's order. */
function logits(
  model: Pick<AdaptedModel, 'bias' | 'base'>,
  base: Sentiment,
  weights: readonly (readonly number[])[],
): number[] {
  const li = LABELS.indexOf(base.label);
  return LABELS.map((_, c) => {
    let z = model.bias[c] ?? 0;
    z += model.base.label[li]?.[c] ?? 0;
    z += (model.base.score[c] ?? 0) * base.score;
    for (const w of weights) z += w[c] ?? 0;
    return z;
  });
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Sentiment through the adapted model; `reasons` names the learned terms that moved it most. */
export function applyModel(
  model: AdaptedModel,
  text: string,
  base: Sentiment,
): Sentiment & { reasons: string[] } {
  // Own terms only: a text saying "constructor" or "toString" would otherwise find Object's methods.
  const terms = termsOf(text).filter((t) => Object.hasOwn(model.terms, t));
  const p = softmax(
    logits(
      model,
      base,
      terms.map((t) => model.terms[t] ?? [0, 0, 0]),
    ),
  );
  const best = p.indexOf(Math.max(...p));
  const label = LABELS[best] ?? 'neutral';
  const reasons = terms
    .map((t) => ({
      t,
      w: (model.terms[t]?.[best] ?? 0) - Math.max(...(model.terms[t] ?? [0]).filter((_, c) => c !== best)),
    }))
    .filter((x) => x.w > 0.05)
    .sort((a, b) => b.w - a.w)
    .slice(0, 5)
    .map((x) => `learned "${x.t}" (${label})`);
  return { label, score: Math.round(((p[2] ?? 0) - (p[0] ?? 0)) * 1000) / 1000, reasons };
}

/**
 * Fits a model to `examples` by stochastic gradient descent with an L2 penalty. Terms seen fewer
 * than `minCount` times are left out: one example is an anecdote, not a rule.
 */
export function trainModel(
  examples: readonly Example[],
  score: BaseScorer,
  opts: { name: string; epochs?: number; rate?: number; l2?: number; minCount?: number; now?: Date },
): AdaptedModel {
  const minCount = opts.minCount ?? 2;
  const counts = new Map<string, number>();
  const rows = examples.map((e) => {
    const terms = termsOf(e.text);
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    return { terms, base: score(e.text), y: LABELS.indexOf(e.label) };
  });
  const model: AdaptedModel = {
    kind: 'earshot-sentiment-adaptation',
    version: 1,
    name: opts.name,
    trainedAt: (opts.now ?? new Date()).toISOString(),
    examples: examples.length,
    bias: [0, 0, 0],
    base: {
      label: LABELS.map((_, i) => LABELS.map((__, c) => (c === i ? PRIOR : 0)) as [number, number, number]),
      score: [-1, 0, 1],
    },
    terms: Object.create(null) as AdaptedModel['terms'],
  };
  // A Map while training: in an object, "constructor" would find Object and its weights land there.
  const learned = new Map<string, [number, number, number]>();
  for (const r of rows) r.terms = r.terms.filter((t) => (counts.get(t) ?? 0) >= minCount);
  for (const r of rows) for (const t of r.terms) if (!learned.has(t)) learned.set(t, [0, 0, 0]);
  const weightsOf = rows.map((r) => r.terms.map((t) => learned.get(t) as [number, number, number]));
  const rate = opts.rate ?? 0.1;
  const l2 = opts.l2 ?? 1e-3;
  const epochs = opts.epochs ?? 15;
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, epoch + 1);
    const lr = rate / (1 + epoch * 0.2);
    for (const i of order) {
      const r = rows[i];
      if (!r || r.y < 0) continue;
      const weights = weightsOf[i] ?? [];
      const p = softmax(logits(model, r.base, weights));
      const li = LABELS.indexOf(r.base.label);
      for (let c = 0; c < 3; c++) {
        const g = (p[c] ?? 0) - (c === r.y ? 1 : 0);
        model.bias[c] = (model.bias[c] ?? 0) - lr * g;
        const bl = model.base.label[li];
        if (bl) bl[c] = (bl[c] ?? 0) - lr * g;
        model.base.score[c] = (model.base.score[c] ?? 0) - lr * g * r.base.score;
        for (const w of weights) w[c] = (w[c] ?? 0) * (1 - lr * l2) - lr * g;
      }
    }
  }
  for (const [t, w] of learned) {
    // `|| 0`: -0 would not survive a JSON round trip.
    const rounded = w.map((x) => Math.round(x * 1000) / 1000 || 0) as [number, number, number];
    if (!rounded.every((x) => Math.abs(x) < 0.01)) model.terms[t] = rounded;
  }
  return model;
}

/** A deterministic shuffle: the same file trains the same model. */
function shuffle(a: number[], seed: number): void {
  let s = seed * 2654435761;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    const j = (s >>> 0) % (i + 1);
    [a[i], a[j]] = [a[j] as number, a[i] as number];
  }
}

/** Checks a parsed file is a model this version can use; names what is wrong otherwise. */
export function readModel(value: unknown, where: string): AdaptedModel {
  const m = value as Partial<AdaptedModel> | null;
  if (!m || m.kind !== 'earshot-sentiment-adaptation' || m.version !== 1)
    throw new Error(`${where} is not an Earshot sentiment model (made by earshot train)`);
  if (!Array.isArray(m.bias) || !m.base || typeof m.terms !== 'object' || m.terms === null)
    throw new Error(`${where} is an incomplete sentiment model: train it again`);
  // Without a prototype: a file's "__proto__" or "constructor" is a term like any other.
  const terms = Object.assign(Object.create(null) as AdaptedModel['terms'], m.terms);
  return { ...(m as AdaptedModel), terms };
}
