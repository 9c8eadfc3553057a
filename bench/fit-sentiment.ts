// `tsx bench/fit-sentiment.ts [--write]`: fits the weights of the sentiment model
// (src/analysis/sentiment-weights.ts) on half a of every labelled set (EARSHOT_BENCH_DATA or
// ../shared/data, rows split by a hash of their id; FIT_HALF picks another half) and never on half b,
// which `EARSHOT_BENCH_HALF=b npm run bench:accuracy` then reports.
//
// Multinomial logistic regression over the features of `features()` (a few dozen numbers per text,
// no word of the data sets): every set weighs the same and, within a set, every class weighs the same,
// which is what macro recall asks for. Full-batch Adam with L2. --write saves the weights.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  classify,
  features,
  FEATURES,
  useWords,
  WORD_HITS,
  wordsOf,
  type Model,
} from '../src/analysis/sentiment.ts';
import { WORDS_FILE, wordTable } from '../src/analysis/sentiment-words.ts';
import { DATA, libraries, loadSets, metrics } from './accuracy.ts';

const LABELS = ['negative', 'neutral', 'positive'] as const;
const NF = FEATURES.length;
const L2 = Number(process.env.FIT_L2 ?? 1e-3);
const STEPS = Number(process.env.FIT_STEPS ?? 3000);
// Sets with two classes only (no neutral) weigh this much against a three-class set.
const BINARY = Number(process.env.FIT_BINARY_WEIGHT ?? 1);

// FIT_DROP=name,name: leave these features out (their weights stay 0), to see what each is worth.
const DROP = (process.env.FIT_DROP ?? '')
  .split(',')
  .filter(Boolean)
  .map((name) => {
    const j = (FEATURES as readonly string[]).indexOf(name);
    if (j < 0) throw new Error(`FIT_DROP: no feature ${name}`);
    return j;
  });
const fitHalf = process.env.FIT_HALF ?? 'a';
const sets = loadSets(DATA, fitHalf);
const other = loadSets(DATA, fitHalf === 'a' ? 'b' : 'a');

// The learned words: those in at least FIT_WORD_SETS of the sets and FIT_WORD_MIN texts (half a).
const WORD_MIN = Number(process.env.FIT_WORD_MIN ?? 5);
const WORD_SETS = Number(process.env.FIT_WORD_SETS ?? 2);
const WORD_L2 = Number(process.env.FIT_WORD_L2 ?? 1e-3);
const docs = new Map<string, { n: number; sets: Set<number> }>();
if (process.env.FIT_WORDS !== '0')
  sets.forEach(({ rows }, si) => {
    for (const r of rows)
      for (const w of new Set(wordsOf(r.text))) {
        const d = docs.get(w) ?? { n: 0, sets: new Set<number>() };
        d.n++;
        d.sets.add(si);
        docs.set(w, d);
      }
  });
const vocab = [...docs].filter(([, d]) => d.n >= WORD_MIN && d.sets.size >= WORD_SETS).map(([w]) => w);
console.log(`${vocab.length} learnable words`);
useWords(wordTable(vocab, new Float64Array(3 * vocab.length)));

interface Example {
  f: Float64Array;
  y: number;
  w: number;
  base: number;
  hits: number[];
}
function examples(s: typeof sets): Example[][] {
  return s.map(({ rows }) => {
    const counts = [0, 0, 0];
    for (const r of rows) counts[LABELS.indexOf(r.label)]!++;
    const classes = counts.filter(Boolean).length;
    const setWeight = classes === 2 ? BINARY : 1;
    return rows.map((r) => {
      const y = LABELS.indexOf(r.label);
      const w = setWeight / (classes * counts[y]! * s.length);
      const f = features(r.text, new Float64Array(NF));
      for (const j of DROP) f[j] = 0;
      return { f, y, w, base: w, hits: [...WORD_HITS] };
    });
  });
}

const bySet = examples(sets);
const train = bySet.flat();

/** Macro recall of the best of the four other libraries, set by set, on the fitting half. */
function baselines(s = sets): number[] {
  const fns = libraries()
    .filter(([name]) => name !== 'earshot')
    .map(([, fn]) => fn);
  return s.map(({ rows }) => {
    const gold = rows.map((r) => r.label);
    return Math.max(
      ...fns.map(
        (fn) =>
          metrics(
            gold,
            rows.map((r) => fn(r.text)),
          ).recall,
      ),
    );
  });
}
const H = Number(process.env.FIT_HIDDEN ?? 8);
const WIDTH = NF + H;
// Parameters: H x NF hidden weights, then 3 x WIDTH output weights (one flat vector for Adam).
const nHidden = H * NF;
const nModel = nHidden + 3 * WIDTH;
const theta = new Float64Array(nModel + 3 * vocab.length);
// The learned words weigh through a view of theta, so the fit moves them in place.
const table = { ...wordTable(vocab, []), weights: theta.subarray(nModel) };
useWords(table);
let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.2;
for (let k = 0; k < nHidden; k++) theta[k] = rand();
const view = (): Model => ({
  h: H,
  hidden: theta.subarray(0, nHidden),
  out: theta.subarray(nHidden, nModel),
  act: new Float64Array(H),
});
const mdl = view();
const m = new Float64Array(theta.length);
const v = new Float64Array(theta.length);
const g = new Float64Array(theta.length);
const p = new Float64Array(3);
const dh = new Float64Array(H);
const lr = 0.02;
let t = 0;
function fit(steps: number): void {
  for (let step = 1; step <= steps; step++) {
    t++;
    g.fill(0);
    let loss = 0;
    for (const ex of train) {
      classify(ex.f, mdl, p, ex.hits, table);
      loss -= ex.w * Math.log(p[ex.y]! + 1e-12);
      const hs = ex.hits.length ? 1 / Math.sqrt(ex.hits.length) : 0;
      dh.fill(0);
      for (let c = 0; c < 3; c++) {
        const d = ex.w * (p[c]! - (c === ex.y ? 1 : 0));
        const o = nHidden + c * WIDTH;
        for (let j = 0; j < NF; j++) g[o + j]! += d * ex.f[j]!;
        for (const i of ex.hits) g[nModel + 3 * i + c]! += d * hs;
        for (let k = 0; k < H; k++) {
          g[o + NF + k]! += d * mdl.act[k]!;
          dh[k]! += d * theta[o + NF + k]!;
        }
      }
      for (let k = 0; k < H; k++) {
        const da = dh[k]! * (1 - mdl.act[k]! * mdl.act[k]!);
        if (da === 0) continue;
        for (let j = 0; j < NF; j++) g[k * NF + j]! += da * ex.f[j]!;
      }
    }
    for (let k = 0; k < theta.length; k++) {
      const l2 = k < nModel ? L2 : WORD_L2;
      g[k]! += l2 * theta[k]!;
      loss += 0.5 * l2 * theta[k]! * theta[k]!;
      m[k] = 0.9 * m[k]! + 0.1 * g[k]!;
      v[k] = 0.999 * v[k]! + 0.001 * g[k]! * g[k]!;
      theta[k]! -= (lr * (m[k]! / (1 - 0.9 ** t))) / (Math.sqrt(v[k]! / (1 - 0.999 ** t)) + 1e-8);
    }
    if (step % 500 === 0) console.log(`step ${t} loss ${loss.toFixed(4)}`);
  }
}

// FIT_ROUNDS > 1: after each fit, sets whose lead over the best other library (on half a) is smallest
// weigh more in the next (multiplicative weights), so no set is left behind.
const ROUNDS = Number(process.env.FIT_ROUNDS ?? 1);
const OFFSETS = process.env.FIT_OFFSETS === '1';
const best = ROUNDS > 1 || OFFSETS ? baselines() : [];
const mult = sets.map(() => 1);
for (let round = 1; round <= ROUNDS; round++) {
  fit(round === 1 ? STEPS : Math.round(STEPS / 3));
  if (round === ROUNDS) break;
  const leads = sets.map(({ rows }, i) => {
    const f = new Float64Array(NF);
    const pred = rows.map((r) => {
      classify(features(r.text, f), mdl, p, WORD_HITS, table);
      return LABELS[p[0]! > p[1]! ? (p[0]! > p[2]! ? 0 : 2) : p[1]! > p[2]! ? 1 : 2];
    });
    return (
      metrics(
        rows.map((r) => r.label),
        pred,
      ).recall - best[i]!
    );
  });
  const meanLead = leads.reduce((a, b) => a + b, 0) / leads.length;
  leads.forEach((l, i) => (mult[i] = mult[i]! * Math.exp(-0.15 * (l - meanLead))));
  const norm = mult.reduce((a, b) => a + b, 0) / mult.length;
  bySet.forEach((exs, i) => exs.forEach((ex) => (ex.w = (ex.base * mult[i]!) / norm)));
  console.log(
    `round ${round}: leads ${leads.map((l) => l.toFixed(1)).join(' ')}; set weights ${mult.map((m) => (m / norm).toFixed(2)).join(' ')}`,
  );
}

function report(s: typeof sets, title: string): void {
  console.log(`\n${title}`);
  const others = baselines(s);
  for (const [si, { name, rows }] of s.entries()) {
    const gold = rows.map((r) => r.label);
    const f = new Float64Array(NF);
    const pred = rows.map((r) => {
      classify(features(r.text, f), mdl, p, WORD_HITS, table);
      return LABELS[p[0]! > p[1]! ? (p[0]! > p[2]! ? 0 : 2) : p[1]! > p[2]! ? 1 : 2];
    });
    const per = LABELS.filter((l) => gold.includes(l))
      .map((l) => {
        const ix = gold.flatMap((gl, j) => (gl === l ? [j] : []));
        return `${l.slice(0, 3)} ${((ix.filter((j) => pred[j] === l).length / ix.length) * 100).toFixed(0)}`;
      })
      .join(' ');
    const recall = metrics(gold, pred).recall;
    const lead = recall - others[si]!;
    console.log(`${name.padEnd(28)} recall ${recall.toFixed(1)}  lead ${lead.toFixed(1)}  ${per}`);
  }
}
// FIT_OFFSETS=1: then shift the negative and positive biases (neutral's stays) on a grid, on half a,
// for the largest smallest lead over the other libraries (ties: the largest mean lead).
if (OFFSETS) {
  const z = bySet.map((exs) =>
    exs.map((ex) => {
      classify(ex.f, mdl, p, ex.hits, table);
      return [Math.log(p[0]!), Math.log(p[1]!), Math.log(p[2]!)];
    }),
  );
  let bestKey = { min: -Infinity, mean: -Infinity, dn: 0, dp: 0 };
  for (let dn = -1; dn <= 1.001; dn += 0.1)
    for (let dp = -1; dp <= 1.001; dp += 0.1) {
      const leads = sets.map(({ rows }, i) => {
        const pred = z[i]!.map(([a, b, c]) => {
          const n = a! + dn;
          const q = c! + dp;
          return LABELS[n > b! ? (n > q ? 0 : 2) : b! > q ? 1 : 2];
        });
        return (
          metrics(
            rows.map((r) => r.label),
            pred,
          ).recall - best[i]!
        );
      });
      const min = Math.min(...leads);
      const mean = leads.reduce((x, y) => x + y, 0) / leads.length;
      if (min > bestKey.min + 1e-9 || (Math.abs(min - bestKey.min) < 1e-9 && mean > bestKey.mean))
        bestKey = { min, mean, dn, dp };
    }
  console.log(
    `offsets: negative ${bestKey.dn.toFixed(1)}, positive ${bestKey.dp.toFixed(1)}; smallest lead on half a ${bestKey.min.toFixed(1)}`,
  );
  theta[nHidden] = theta[nHidden]! + bestKey.dn;
  theta[nHidden + 2 * WIDTH] = theta[nHidden + 2 * WIDTH]! + bestKey.dp;
}

report(sets, `fitted on half ${fitHalf}`);
report(other, `held-out half ${fitHalf === 'a' ? 'b' : 'a'}`);

const fmt = (xs: Float64Array) => `  [${Array.from(xs, (x) => Number(x.toFixed(4))).join(', ')}],`;
const hiddenRows = Array.from({ length: H }, (_, k) => fmt(theta.subarray(k * NF, (k + 1) * NF)));
const outRows = LABELS.map((_, c) => fmt(theta.subarray(nHidden + c * WIDTH, nHidden + (c + 1) * WIDTH)));
const file = `// Weights of the sentiment model (src/analysis/sentiment.ts): one row per class (negative, neutral,
// positive) over [features in FEATURES order, then the HIDDEN tanh units]; HIDDEN: one row per unit over
// the features. FEATURES: ${FEATURES.join(', ')}.
// Written by \`tsx bench/fit-sentiment.ts --write\`: fitted on half ${fitHalf} of the development sets only
// (rows split by a hash of their id), ${H} hidden units, L2 ${L2}, ${STEPS} steps, ${ROUNDS} rounds, two-class sets weighing ${BINARY}; half ${fitHalf === 'a' ? 'b' : 'a'} is held out for reporting.
export const HIDDEN: number[][] = [
${hiddenRows.join('\n')}
];
export const WEIGHTS: number[][] = [
${outRows.join('\n')}
];
`;
const kept = vocab.flatMap((w, i) => {
  const ws = Array.from(table.weights.subarray(3 * i, 3 * i + 3), (x) => Math.round(x * 1000) / 1000);
  return ws.some((x) => Math.abs(x) >= 0.01) ? [{ w, ws }] : [];
});
const wordsJson = JSON.stringify({
  about: `learned words of the sentiment model, written by bench/fit-sentiment.ts (half ${fitHalf}, words in >= ${WORD_SETS} sets and >= ${WORD_MIN} texts, L2 ${WORD_L2})`,
  words: kept.map((k) => k.w),
  weights: kept.flatMap((k) => k.ws),
});
console.log(`${kept.length} learned words kept`);
if (process.argv.includes('--write')) {
  writeFileSync(path.resolve(import.meta.dirname, '../src/analysis/sentiment-weights.ts'), file);
  writeFileSync(WORDS_FILE, `${wordsJson}\n`);
  console.log('\nwrote src/analysis/sentiment-weights.ts');
} else console.log(`\n${file}`);
