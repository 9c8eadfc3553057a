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
import { classify, features, FEATURES } from '../src/analysis/sentiment.ts';
import { DATA, loadSets, metrics } from './accuracy.ts';

const LABELS = ['negative', 'neutral', 'positive'] as const;
const NF = FEATURES.length;
const L2 = Number(process.env.FIT_L2 ?? 1e-3);
const STEPS = Number(process.env.FIT_STEPS ?? 3000);
// Sets with two classes only (no neutral) weigh this much against a three-class set.
const BINARY = Number(process.env.FIT_BINARY_WEIGHT ?? 1);

const fitHalf = process.env.FIT_HALF ?? 'a';
const sets = loadSets(DATA, fitHalf);
const other = loadSets(DATA, fitHalf === 'a' ? 'b' : 'a');

interface Example {
  f: Float64Array;
  y: number;
  w: number;
}
function examples(s: typeof sets): Example[][] {
  return s.map(({ rows }) => {
    const counts = [0, 0, 0];
    for (const r of rows) counts[LABELS.indexOf(r.label)]!++;
    const classes = counts.filter(Boolean).length;
    const setWeight = classes === 2 ? BINARY : 1;
    return rows.map((r) => {
      const y = LABELS.indexOf(r.label);
      return {
        f: features(r.text, new Float64Array(NF)),
        y,
        w: setWeight / (classes * counts[y]! * s.length),
      };
    });
  });
}

const train = examples(sets).flat();
const W = new Float64Array(3 * NF);
const m = new Float64Array(3 * NF);
const v = new Float64Array(3 * NF);
const g = new Float64Array(3 * NF);
const p = new Float64Array(3);
const lr = 0.05;
for (let step = 1; step <= STEPS; step++) {
  g.fill(0);
  let loss = 0;
  for (const ex of train) {
    classify(ex.f, W, p);
    loss -= ex.w * Math.log(p[ex.y]! + 1e-12);
    for (let c = 0; c < 3; c++) {
      const d = ex.w * (p[c]! - (c === ex.y ? 1 : 0));
      for (let j = 0; j < NF; j++) g[c * NF + j]! += d * ex.f[j]!;
    }
  }
  for (let k = 0; k < W.length; k++) {
    if (k % NF !== 0) {
      g[k]! += L2 * W[k]!;
      loss += 0.5 * L2 * W[k]! * W[k]!;
    }
    m[k] = 0.9 * m[k]! + 0.1 * g[k]!;
    v[k] = 0.999 * v[k]! + 0.001 * g[k]! * g[k]!;
    W[k]! -= (lr * (m[k]! / (1 - 0.9 ** step))) / (Math.sqrt(v[k]! / (1 - 0.999 ** step)) + 1e-8);
  }
  if (step % 500 === 0) console.log(`step ${step} loss ${loss.toFixed(4)}`);
}

function report(s: typeof sets, title: string): void {
  console.log(`\n${title}`);
  for (const { name, rows } of s) {
    const gold = rows.map((r) => r.label);
    const f = new Float64Array(NF);
    const pred = rows.map((r) => {
      classify(features(r.text, f), W, p);
      return LABELS[p[0]! > p[1]! ? (p[0]! > p[2]! ? 0 : 2) : p[1]! > p[2]! ? 1 : 2];
    });
    const per = LABELS.filter((l) => gold.includes(l))
      .map((l) => {
        const ix = gold.flatMap((gl, j) => (gl === l ? [j] : []));
        return `${l.slice(0, 3)} ${((ix.filter((j) => pred[j] === l).length / ix.length) * 100).toFixed(0)}`;
      })
      .join(' ');
    console.log(`${name.padEnd(28)} recall ${metrics(gold, pred).recall.toFixed(1)}  ${per}`);
  }
}
report(sets, `fitted on half ${fitHalf}`);
report(other, `held-out half ${fitHalf === 'a' ? 'b' : 'a'}`);

const rows = LABELS.map(
  (_, c) => `  [${Array.from(W.subarray(c * NF, (c + 1) * NF), (x) => Number(x.toFixed(4))).join(', ')}],`,
);
const file = `// Weights of the sentiment model (src/analysis/sentiment.ts): one row per class (negative, neutral,
// positive), one column per feature in FEATURES order (${FEATURES.join(', ')}).
// Written by \`tsx bench/fit-sentiment.ts --write\`: fitted on half ${fitHalf} of the development sets only
// (rows split by a hash of their id), L2 ${L2}, ${STEPS} steps, two-class sets weighing ${BINARY}; half ${fitHalf === 'a' ? 'b' : 'a'} is held out for reporting.
export const WEIGHTS: number[][] = [
${rows.join('\n')}
];
`;
if (process.argv.includes('--write')) {
  writeFileSync(path.resolve(import.meta.dirname, '../src/analysis/sentiment-weights.ts'), file);
  console.log('\nwrote src/analysis/sentiment-weights.ts');
} else console.log(`\n${file}`);
