// Throughput of the analysis on the tweets of ../shared/data (one core): sentiment alone, `analyze` (sentiment,
// intents, language) and `earshot analyze` with every field a line can carry; run alone, also the
// command on JSON Lines (`measureCommand`). Each by the clock and per CPU-second of the process.
// Accuracy beside other libraries is bench/accuracy.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze } from '../src/analysis/index.ts';
import { scoreSentiment } from '../src/analysis/sentiment.ts';
import { NearDuplicates } from '../src/analysis/near-duplicates.ts';
import { Readable, Writable } from 'node:stream';
import { analyzeLine, runAnalyze } from '../src/commands/analyze.ts';
import { DATA } from './accuracy.ts';

export interface AnalyzeFigures {
  /** `scoreSentiment` alone (issue 4's goal: 100,000 a second on one core), texts a second. */
  sentiment?: number;
  sentimentCpu?: number;
  /** `analyze` (sentiment + intents + language), texts a second. */
  analyze: number;
  /** `earshot analyze` with every field a line can carry (+ reach, virality, near-duplicates). */
  full: number;
  /** The same two, texts a CPU-second of this process (steadier than the clock on a shared machine). */
  analyzeCpu?: number;
  fullCpu?: number;
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The tweets of the benchmark, or null when the data is absent. */
function tweets(): string[] | null {
  const file = path.join(DATA, 'tweeteval_val.jsonl');
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

/** A line of `earshot analyze` input with every field, for the i-th text. */
function fullLine(text: string, i: number) {
  return {
    id: `x:${i}`,
    source: 'x',
    text,
    author: { handle: 'a', followers: 100 + (i % 5_000) },
    metrics: { likes: i % 50, reposts: i % 7, replies: i % 3 },
    created_at: '2026-03-01T12:00:00Z',
    observed_at: '2026-03-01T12:30:00Z',
  };
}

/** The rates, 2 s each; null when the tweets are absent. */
export function measureAnalyze(): AnalyzeFigures | null {
  const texts = tweets();
  if (!texts) return null;
  const rate = (fn: (text: string, i: number) => unknown) => {
    for (const t of texts.slice(0, 500)) fn(t, 0); // warm up
    const t0 = performance.now();
    const c0 = cpuSeconds();
    let n = 0;
    while (performance.now() - t0 < 2_000) for (const t of texts) fn(t, n++);
    return { wall: n / ((performance.now() - t0) / 1000), cpu: n / (cpuSeconds() - c0) };
  };
  const sentiment = rate((text) => scoreSentiment(text));
  const analyzeRate = rate((text) => analyze({ text }));
  // Every field `earshot analyze` reads: reach, virality and near-duplicates on top.
  const dups = new NearDuplicates();
  const full = rate((text, i) => analyzeLine(fullLine(text, i), dups));
  return {
    sentiment: sentiment.wall,
    sentimentCpu: sentiment.cpu,
    analyze: analyzeRate.wall,
    full: full.wall,
    analyzeCpu: analyzeRate.cpu,
    fullCpu: full.cpu,
  };
}

/**
 * The command itself on JSON Lines, every field on each, as a file of new posts gives them: lines
 * parsed and answers written, and a near-duplicate index that starts empty on each pass over the
 * tweets (`measureAnalyze` keeps one index, so after the first pass every tweet is a known one).
 */
export async function measureCommand(): Promise<{ wall: number; cpu: number } | null> {
  const texts = tweets();
  if (!texts) return null;
  const input = texts.map((t, i) => `${JSON.stringify(fullLine(t, i))}\n`).join('');
  const chunks: string[] = [];
  for (let i = 0; i < input.length; i += 65_536) chunks.push(input.slice(i, i + 65_536));
  const sink = () =>
    new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    });
  const pass = () => runAnalyze({ input: Readable.from(chunks), output: sink(), errors: sink() });
  await pass(); // warm up
  const t0 = performance.now();
  const c0 = cpuSeconds();
  let n = 0;
  while (performance.now() - t0 < 2_000) {
    await pass();
    n += texts.length;
  }
  return { wall: n / ((performance.now() - t0) / 1000), cpu: n / (cpuSeconds() - c0) };
}

export function printAnalyze(f: AnalyzeFigures | null): void {
  if (!f) {
    console.log(
      `\nanalyze throughput: data absent (${path.join(DATA, 'tweeteval_val.jsonl')}); set EARSHOT_BENCH_DATA. Nothing measured.`,
    );
    return;
  }
  const r = (n: number) => Math.round(n).toLocaleString('en');
  const cpu = (n: number | undefined) => (n === undefined ? '' : ` (${r(n)} a CPU-second)`);
  if (f.sentiment !== undefined) {
    const met = (f.sentimentCpu ?? f.sentiment) >= 100_000 ? 'met' : 'NOT met';
    console.log(
      `\nsentiment alone, one core: ${r(f.sentiment)} texts/s${cpu(f.sentimentCpu)}; goal 100,000 ${met}`,
    );
  }
  console.log(`analyze (sentiment + intents + language): ${r(f.analyze)} texts/s${cpu(f.analyzeCpu)}`);
  console.log(
    `earshot analyze, every field (+ reach, virality, near-duplicates): ${r(f.full)} texts/s${cpu(f.fullCpu)}`,
  );
}

export function main(): AnalyzeFigures | null {
  const f = measureAnalyze();
  printAnalyze(f);
  return f;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main();
  const c = await measureCommand();
  if (c)
    console.log(
      `earshot analyze on JSON Lines of new posts, every field (parsing, answers, a fresh near-duplicate index): ${Math.round(c.wall).toLocaleString('en')} texts/s (${Math.round(c.cpu).toLocaleString('en')} a CPU-second)`,
    );
}
