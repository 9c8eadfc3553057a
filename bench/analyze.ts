// Sentiment on the labelled sets of ../shared/data: Earshot's scorer and, in the same run, natural's
// AFINN SentimentAnalyzer (deep-imported: the package index loads storage modules and prints junk).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { analyze } from '../src/analysis/index.ts';
import { NearDuplicates } from '../src/analysis/near-duplicates.ts';
import { scoreSentiment } from '../src/analysis/sentiment.ts';
import { analyzeLine } from '../src/commands/analyze.ts';
import type { SentimentLabel } from '../src/types.ts';

const require = createRequire(import.meta.url);
type Analyzer = { getSentiment(tokens: string[]): number };
const SentimentAnalyzer = require('natural/lib/natural/sentiment/SentimentAnalyzer') as new (
  lang: string,
  stemmer: unknown,
  vocab: string,
) => Analyzer;
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as unknown;
const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer') as {
  WordTokenizer: new () => { tokenize(s: string): string[] };
};

const DATA = process.env.EARSHOT_BENCH_DATA ?? path.resolve(import.meta.dirname, '../../shared/data');
const LABELS: SentimentLabel[] = ['negative', 'neutral', 'positive'];

interface Row {
  text: string;
  label: SentimentLabel;
}

function metrics(gold: SentimentLabel[], pred: SentimentLabel[]): { recall: number; accuracy: number } {
  const present = LABELS.filter((l) => gold.includes(l));
  const recall =
    present.reduce((sum, l) => {
      const idx = gold.flatMap((g, i) => (g === l ? [i] : []));
      return sum + idx.filter((i) => pred[i] === l).length / idx.length;
    }, 0) / present.length;
  return {
    recall: recall * 100,
    accuracy: (gold.filter((g, i) => pred[i] === g).length / gold.length) * 100,
  };
}

function timed(rows: Row[], fn: (t: string) => SentimentLabel): { pred: SentimentLabel[]; perSec: number } {
  const t0 = performance.now();
  const pred = rows.map((r) => fn(r.text));
  return { pred, perSec: rows.length / ((performance.now() - t0) / 1000) };
}

export function main(): void {
  if (!existsSync(DATA)) {
    console.log(
      `sentiment accuracy: data absent (${DATA}); set EARSHOT_BENCH_DATA to the labelled sets. Nothing measured.`,
    );
    return;
  }
  const natural = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
  const tok = new WordTokenizer();
  const label = (s: number): SentimentLabel => (s > 0.05 ? 'positive' : s < -0.05 ? 'negative' : 'neutral');
  console.log('\nsentiment (macro recall %, accuracy %, texts/s; one core, same run)');
  console.log(
    [
      'set',
      'rows',
      'earshot recall',
      'natural recall',
      'earshot acc',
      'natural acc',
      'earshot/s',
      'natural/s',
      'speed ratio',
    ].join('\t'),
  );
  for (const file of readdirSync(DATA)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const rows = readFileSync(path.join(DATA, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Row);
    const gold = rows.map((r) => r.label);
    const ours = timed(rows, (t) => scoreSentiment(t).label);
    const theirs = timed(rows, (t) => label(natural.getSentiment(tok.tokenize(t))));
    const a = metrics(gold, ours.pred);
    const b = metrics(gold, theirs.pred);
    console.log(
      [
        file.replace('.jsonl', ''),
        rows.length,
        a.recall.toFixed(1),
        b.recall.toFixed(1),
        a.accuracy.toFixed(1),
        b.accuracy.toFixed(1),
        Math.round(ours.perSec),
        Math.round(theirs.perSec),
        `${(ours.perSec / theirs.perSec).toFixed(1)}x`,
      ].join('\t'),
    );
  }
  const texts = readFileSync(path.join(DATA, 'tweeteval_val.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as Row).text);
  const rate = (fn: (text: string, i: number) => unknown) => {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < 2_000) for (const t of texts) fn(t, n++);
    return Math.round(n / ((performance.now() - t0) / 1000)).toLocaleString('en');
  };
  console.log(`analyze (sentiment + intents + language): ${rate((text) => analyze({ text }))} texts/s`);
  // Every field `earshot analyze` reads: reach, virality and near-duplicates on top.
  const dups = new NearDuplicates();
  const created = '2026-03-01T12:00:00Z';
  const observed = '2026-03-01T12:30:00Z';
  const full = rate((text, i) =>
    analyzeLine(
      {
        id: `x:${i}`,
        source: 'x',
        text,
        author: { handle: 'a', followers: 100 + (i % 5_000) },
        metrics: { likes: i % 50, reposts: i % 7, replies: i % 3 },
        created_at: created,
        observed_at: observed,
      },
      dups,
    ),
  );
  console.log(`earshot analyze, every field (+ reach, virality, near-duplicates): ${full} texts/s`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
