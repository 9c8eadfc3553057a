// Throughput of the analysis on the tweets of ../shared/data (one core): `analyze` (sentiment,
// intents, language) and `earshot analyze` with every field a line can carry. Accuracy beside other
// libraries is bench/accuracy.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze } from '../src/analysis/index.ts';
import { NearDuplicates } from '../src/analysis/near-duplicates.ts';
import { analyzeLine } from '../src/commands/analyze.ts';
import { DATA } from './accuracy.ts';

export interface AnalyzeFigures {
  /** `analyze` (sentiment + intents + language), texts a second. */
  analyze: number;
  /** `earshot analyze` with every field a line can carry (+ reach, virality, near-duplicates). */
  full: number;
}

/** The two rates, 2 s each; null when the tweets are absent. */
export function measureAnalyze(): AnalyzeFigures | null {
  const file = path.join(DATA, 'tweeteval_val.jsonl');
  if (!existsSync(file)) return null;
  const texts = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const rate = (fn: (text: string, i: number) => unknown) => {
    for (const t of texts.slice(0, 500)) fn(t, 0); // warm up
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < 2_000) for (const t of texts) fn(t, n++);
    return n / ((performance.now() - t0) / 1000);
  };
  const analyzeRate = rate((text) => analyze({ text }));
  // Every field `earshot analyze` reads: reach, virality and near-duplicates on top.
  const dups = new NearDuplicates();
  const full = rate((text, i) =>
    analyzeLine(
      {
        id: `x:${i}`,
        source: 'x',
        text,
        author: { handle: 'a', followers: 100 + (i % 5_000) },
        metrics: { likes: i % 50, reposts: i % 7, replies: i % 3 },
        created_at: '2026-03-01T12:00:00Z',
        observed_at: '2026-03-01T12:30:00Z',
      },
      dups,
    ),
  );
  return { analyze: analyzeRate, full };
}

export function printAnalyze(f: AnalyzeFigures | null): void {
  if (!f) {
    console.log(
      `\nanalyze throughput: data absent (${path.join(DATA, 'tweeteval_val.jsonl')}); set EARSHOT_BENCH_DATA. Nothing measured.`,
    );
    return;
  }
  const r = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`\nanalyze (sentiment + intents + language): ${r(f.analyze)} texts/s`);
  console.log(`earshot analyze, every field (+ reach, virality, near-duplicates): ${r(f.full)} texts/s`);
}

export function main(): AnalyzeFigures | null {
  const f = measureAnalyze();
  printAnalyze(f);
  return f;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
