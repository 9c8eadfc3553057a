import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { runsBuilt } from '../bin/built.js';
import { simulateAll } from '../src/simulate/index.ts';

type ReplayModule = typeof import('../src/commands/replay.ts');
type ConfigModule = typeof import('../src/config.ts');

/**
 * The code `earshot replay` runs (bin/earshot.js): the build in dist/ when it is current, else the
 * sources through tsx, whose transform makes the same code about a tenth slower.
 */
async function loadReplayCode(): Promise<{ built: boolean; replay: ReplayModule; config: ConfigModule }> {
  const built = runsBuilt();
  // Paths in variables: the type checker reads the sources, the built files are only run.
  const dir = built ? '../dist/src' : '../src';
  const ext = built ? 'js' : 'ts';
  const [replay, config] = await Promise.all([
    import(`${dir}/commands/replay.${ext}`) as Promise<ReplayModule>,
    import(`${dir}/config.${ext}`) as Promise<ConfigModule>,
  ]);
  return { built, replay, config };
}

// Decided once: every stream of a run is measured on the same code, without walking src/ again.
let replayCode: ReturnType<typeof loadReplayCode> | null = null;

const START = Date.parse('2026-01-05T00:00:00Z');

// Place and time words that carry no tone, three of them appended to make each text its own.
const FILLER = `oslo paris lima rome cairo tokyo dublin quito seoul berlin monday tuesday friday sunday
  morning evening noon midnight terminal shuttle taxi train bus window aisle row seat ticket luggage
  passport sister brother cousin colleague july august winter spring summer weekend`.split(/\s+/);

/** The streams measured: what kind of texts, and how they are made. */
export type ReplayStream = 'repeated' | 'near-copies' | 'mixed';

export const STREAMS: Record<ReplayStream, string> = {
  repeated: 'five texts repeated word for word, 20 brands',
  'near-copies': 'near-copies of five texts (three words added), 20 brands',
  mixed: "simulate's mixed scenario, 8 brands, 14 days",
};

/**
 * Observations of 20 brands, one every 1.5 s: a steady mix, with a burst of anger for one brand
 * each day. Five texts repeated word for word (copies, retweets), or as near-copies: three place
 * and time words added, so that no text repeats but most are near-duplicates of a few.
 */
function* observations(n: number, nearCopies: boolean): Generator<string> {
  const texts = [
    'Flight on time, crew friendly, thanks!',
    'Boarding now at gate 12',
    'Worst service ever, lost my bag and nobody answers. Never again.',
    'Is the lounge open on Sundays?',
    'Love the new app, checking in took a minute',
  ];
  let rng = 7;
  const word = () => FILLER[((rng = (rng * 1103515245 + 12345) % 2 ** 31) >> 8) % FILLER.length] as string;
  for (let i = 0; i < n; i++) {
    const brand = `brand${i % 20}`;
    const t = START + i * 1_500; // one observation every 1.5 s
    const burst = i % 2_000 < 40 && i % 20 === 0;
    const base = burst
      ? 'Disgusting treatment, they dragged a passenger off. Boycott!'
      : (texts[i % texts.length] as string);
    const text = nearCopies ? `${base} ${word()} ${word()} ${word()}` : base;
    yield `${JSON.stringify({ id: `x:${1_000_000_000_000_000_000n + BigInt(i)}`, brand, text, created_at: new Date(t).toISOString(), metrics: { likes: i % 7 } })}\n`;
  }
}

/**
 * The lines of a stream. The mixed scenario is what `earshot simulate --scenario mixed` writes
 * (quiet weeks, an outrage, a slow souring, viral posts, a launch...): about 74,000 observations,
 * under an hourly rate of 6 to 40 a brand, so that detection ticks outnumber observations.
 */
function linesOf(stream: ReplayStream, n: number): string[] {
  if (stream !== 'mixed') return [...observations(n, stream === 'near-copies')];
  const { observations: list } = simulateAll({
    scenario: 'mixed',
    brands: 8,
    days: 14,
    seed: 1,
    start: START,
  });
  return list.map((o) => `${JSON.stringify(o)}\n`);
}

export interface ReplayFigures {
  stream: ReplayStream;
  observations: number;
  secs: number;
  perSec: number;
  alerts: number;
  threads: number;
  /** Measured on the build in dist/ (else on the sources through tsx). */
  built: boolean;
}

/**
 * Replays a stream from a file, as `earshot replay FILE` reads one (embedded SQLite in memory,
 * detection every minute). Writing the file is not timed.
 */
export async function measureReplay(
  stream: ReplayStream = 'repeated',
  n = Number(process.env.BENCH_REPLAY_N ?? 100_000),
): Promise<ReplayFigures> {
  const code = await (replayCode ??= loadReplayCode());
  const config = code.config.buildConfig({}, { EARSHOT_REPLAY_THREADS: process.env.EARSHOT_REPLAY_THREADS });
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-replay-'));
  try {
    const file = path.join(dir, 'observations.jsonl');
    const lines = linesOf(stream, n);
    writeFileSync(file, lines.join(''));
    const t0 = performance.now();
    const input = readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    const r = await code.replay.replayObservations(input, config);
    const secs = (performance.now() - t0) / 1000;
    return {
      stream,
      observations: r.observations,
      secs,
      perSec: r.observations / secs,
      alerts: r.alerts.length,
      threads: r.threads,
      built: code.built,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printReplay(runs: readonly ReplayFigures[]): void {
  const first = runs[0];
  if (!first) return;
  console.log(
    `\nreplay of a file (embedded SQLite in memory, detection every minute, ${first.built ? 'the build in dist/' : 'the sources through tsx: dist/ is not built or older than src/'})`,
  );
  for (const r of runs)
    console.log(
      `  ${STREAMS[r.stream]}: ${r.observations.toLocaleString('en')} observations in ${r.secs.toFixed(2)} s on ${r.threads} thread(s): ${Math.round(r.perSec).toLocaleString('en')} observations/s, ${r.alerts} alerts`,
    );
}

/** Every stream; the figures returned are reported by bench:ops. */
export async function main(n?: number): Promise<ReplayFigures[]> {
  const runs: ReplayFigures[] = [];
  for (const stream of Object.keys(STREAMS) as ReplayStream[]) runs.push(await measureReplay(stream, n));
  printReplay(runs);
  return runs;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
