import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { buildConfig } from '../src/config.ts';
import { replayObservations } from '../src/commands/replay.ts';

// Place and time words that carry no tone, three of them appended to make each text its own.
const FILLER = `oslo paris lima rome cairo tokyo dublin quito seoul berlin monday tuesday friday sunday
  morning evening noon midnight terminal shuttle taxi train bus window aisle row seat ticket luggage
  passport sister brother cousin colleague july august winter spring summer weekend`.split(/\s+/);

/**
 * Observations of 20 brands over `days`: a steady mix, with a burst of anger for one brand each
 * day. Five texts repeated word for word (copies, retweets), or with `distinct` each text its own.
 */
function* observations(n: number, distinct = false): Generator<string> {
  const start = Date.parse('2026-01-05T00:00:00Z');
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
    const t = start + i * 1_500; // one observation every 1.5 s
    const burst = i % 2_000 < 40 && i % 20 === 0;
    const base = burst
      ? 'Disgusting treatment, they dragged a passenger off. Boycott!'
      : (texts[i % texts.length] as string);
    const text = distinct ? `${base} ${word()} ${word()} ${word()}` : base;
    yield `${JSON.stringify({ id: `x:${1_000_000_000_000_000_000n + BigInt(i)}`, brand, text, created_at: new Date(t).toISOString(), metrics: { likes: i % 7 } })}\n`;
  }
}

export interface ReplayFigures {
  observations: number;
  secs: number;
  perSec: number;
  alerts: number;
  threads: number;
}

/**
 * Replays `n` observations of 20 brands from a file, as `earshot replay FILE` reads one (embedded
 * SQLite in memory, detection every minute). Writing the file is not timed.
 */
export async function measureReplay(
  n = Number(process.env.BENCH_REPLAY_N ?? 100_000),
  distinct = false,
): Promise<ReplayFigures> {
  const config = buildConfig({}, { EARSHOT_REPLAY_THREADS: process.env.EARSHOT_REPLAY_THREADS });
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-replay-'));
  try {
    const file = path.join(dir, 'observations.jsonl');
    writeFileSync(file, [...observations(n, distinct)].join(''));
    const t0 = performance.now();
    const lines = readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    const r = await replayObservations(lines, config);
    const secs = (performance.now() - t0) / 1000;
    return { observations: n, secs, perSec: n / secs, alerts: r.alerts.length, threads: r.threads };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printReplay(f: ReplayFigures, distinct?: ReplayFigures): void {
  console.log(
    `\nreplay of a file (embedded SQLite in memory, 20 brands, detection every minute, ${f.threads} thread(s))`,
  );
  const line = (what: string, r: ReplayFigures) =>
    console.log(
      `  ${what}: ${r.observations.toLocaleString('en')} observations in ${r.secs.toFixed(2)} s: ${Math.round(r.perSec).toLocaleString('en')} observations/s, ${r.alerts} alerts`,
    );
  line('five texts repeated', f);
  if (distinct) line('each text its own', distinct);
}

/** Both streams; the figure returned (and reported by bench:ops) is the first's. */
export async function main(n?: number): Promise<ReplayFigures> {
  const f = await measureReplay(n);
  const distinct = await measureReplay(n, true);
  printReplay(f, distinct);
  return f;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
