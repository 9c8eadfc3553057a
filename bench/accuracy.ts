// `npm run bench:accuracy`: sentiment on every labelled set of ../shared/data (or EARSHOT_BENCH_DATA),
// Earshot's scorer side by side with vader-sentiment, sentiment (AFINN-165), wink-sentiment and
// natural's AFINN SentimentAnalyzer, all in the same run. One table: macro recall, accuracy and macro
// F1 (%, over the classes the set's gold labels use) and texts/s, per library per set.
//
// EARSHOT_BENCH_HALF=a|b keeps only one half of every set (split by a hash of the row id), so a weight
// or threshold fitted on half a can be reported on half b.
//
// Each library's label is its own documented convention: VADER compound >= 0.05 positive, <= -0.05
// negative; sentiment, wink-sentiment and natural: the sign of the score (0 is neutral).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { scoreSentiment } from '../src/analysis/sentiment.ts';
import type { SentimentLabel } from '../src/types.ts';

const require = createRequire(import.meta.url);

export const DATA = process.env.EARSHOT_BENCH_DATA ?? path.resolve(import.meta.dirname, '../../shared/data');
const LABELS: SentimentLabel[] = ['negative', 'neutral', 'positive'];

export interface Row {
  id: string;
  text: string;
  label: SentimentLabel;
}

export interface Scores {
  recall: number;
  accuracy: number;
  f1: number;
}

/** Macro recall, accuracy and macro F1 in %, over the classes present in `gold`. */
export function metrics(gold: SentimentLabel[], pred: SentimentLabel[]): Scores {
  const present = LABELS.filter((l) => gold.includes(l));
  let recall = 0;
  let f1 = 0;
  for (const l of present) {
    let tp = 0;
    let g = 0;
    let p = 0;
    for (let i = 0; i < gold.length; i++) {
      if (gold[i] === l) g++;
      if (pred[i] === l) p++;
      if (gold[i] === l && pred[i] === l) tp++;
    }
    const r = g ? tp / g : 0;
    const pr = p ? tp / p : 0;
    recall += r;
    f1 += r + pr ? (2 * r * pr) / (r + pr) : 0;
  }
  let right = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) right++;
  return {
    recall: (recall / present.length) * 100,
    accuracy: (right / gold.length) * 100,
    f1: (f1 / present.length) * 100,
  };
}

/** Which half a row belongs to: FNV-1a of its id, even → a, odd → b. */
export function half(id: string): 'a' | 'b' {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 2 === 0 ? 'a' : 'b';
}

export function loadSets(
  dir = DATA,
  which = process.env.EARSHOT_BENCH_HALF,
): { name: string; rows: Row[] }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.jsonl$/, ''),
      rows: readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Row)
        .filter((r) => !which || half(r.id) === which),
    }));
}

const sign = (s: number): SentimentLabel => (s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral');

/** Earshot and the libraries a user would otherwise pick, each with its own labelling convention. */
export function libraries(): [string, (t: string) => SentimentLabel][] {
  const vader = require('vader-sentiment') as {
    SentimentIntensityAnalyzer: { polarity_scores(t: string): { compound: number } };
  };
  const Sentiment = require('sentiment') as new () => { analyze(t: string): { score: number } };
  const afinn = new Sentiment();
  const wink = require('wink-sentiment') as (t: string) => { score: number };
  const SentimentAnalyzer = require('natural/lib/natural/sentiment/SentimentAnalyzer') as new (
    lang: string,
    stemmer: unknown,
    vocab: string,
  ) => { getSentiment(tokens: string[]): number };
  const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as unknown;
  const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer') as {
    WordTokenizer: new () => { tokenize(s: string): string[] };
  };
  const natural = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
  const tok = new WordTokenizer();
  return [
    ['earshot', (t) => scoreSentiment(t).label],
    [
      'vader-sentiment',
      (t) => {
        const c = vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;
        return c >= 0.05 ? 'positive' : c <= -0.05 ? 'negative' : 'neutral';
      },
    ],
    ['sentiment', (t) => sign(afinn.analyze(t).score)],
    ['wink-sentiment', (t) => sign(wink(t).score)],
    ['natural', (t) => sign(natural.getSentiment(tok.tokenize(t)))],
  ];
}

function timed(rows: Row[], fn: (t: string) => SentimentLabel): { pred: SentimentLabel[]; perSec: number } {
  for (let i = 0; i < Math.min(rows.length, 2000); i++) fn(rows[i]!.text); // warm up the JIT
  const t0 = performance.now();
  const pred = rows.map((r) => fn(r.text));
  // Speed: whole passes over the set until at least half a second has gone.
  let n = rows.length;
  while (performance.now() - t0 < 500) {
    for (const r of rows) fn(r.text);
    n += rows.length;
  }
  return { pred, perSec: n / ((performance.now() - t0) / 1000) };
}

export function main(): void {
  if (!existsSync(DATA)) {
    console.log(
      `sentiment accuracy: data absent (${DATA}); set EARSHOT_BENCH_DATA to the labelled sets. Nothing measured.`,
    );
    return;
  }
  const libs = libraries();
  const which = process.env.EARSHOT_BENCH_HALF;
  console.log(
    `\nsentiment accuracy (${DATA}${which ? `, half ${which} only` : ''}): macro recall %, accuracy %, macro F1 %, texts/s; one core, same run`,
  );
  const header = ['set', 'rows', 'library', 'recall', 'acc', 'F1', 'texts/s', 'earshot lead'];
  const out: string[][] = [header];
  for (const { name, rows } of loadSets(DATA, which)) {
    const gold = rows.map((r) => r.label);
    const results = libs.map(([lib, fn]) => {
      const { pred, perSec } = timed(rows, fn);
      return { lib, perSec, ...metrics(gold, pred) };
    });
    const ours = results[0]!;
    for (const r of results) {
      out.push([
        name,
        String(rows.length),
        r.lib,
        r.recall.toFixed(1),
        r.accuracy.toFixed(1),
        r.f1.toFixed(1),
        String(Math.round(r.perSec)),
        r === ours ? '' : (ours.recall - r.recall >= 0 ? '+' : '') + (ours.recall - r.recall).toFixed(1),
      ]);
    }
  }
  const widths = header.map((_, c) => Math.max(...out.map((row) => row[c]!.length)));
  for (const row of out)
    console.log(
      row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    );
  const tweets = out.find((row) => row[0] === 'tweeteval_val' && row[2] === 'earshot');
  console.log(
    `texts/s is by the clock, one core; earshot's rows are its sentiment alone${tweets ? ` (tweeteval_val ${tweets[6]}/s; issue 4's goal is 100,000/s)` : ''}.`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
