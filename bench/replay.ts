import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { buildConfig } from '../src/config.ts';
import { runReplay } from '../src/commands/replay.ts';
import { threadsFor } from '../src/replay/parallel.ts';

/** Observations of 20 brands over `days`: a steady mix, with a burst of anger for one brand each day. */
function* observations(n: number): Generator<string> {
  const start = Date.parse('2026-01-05T00:00:00Z');
  const texts = [
    'Flight on time, crew friendly, thanks!',
    'Boarding now at gate 12',
    'Worst service ever, lost my bag and nobody answers. Never again.',
    'Is the lounge open on Sundays?',
    'Love the new app, checking in took a minute',
  ];
  for (let i = 0; i < n; i++) {
    const brand = `brand${i % 20}`;
    const t = start + i * 1_500; // one observation every 1.5 s
    const burst = i % 2_000 < 40 && i % 20 === 0;
    const text = burst
      ? 'Disgusting treatment, they dragged a passenger off. Boycott!'
      : (texts[i % texts.length] as string);
    yield `${JSON.stringify({ id: `x:${1_000_000_000_000_000_000n + BigInt(i)}`, brand, text, created_at: new Date(t).toISOString(), metrics: { likes: i % 7 } })}\n`;
  }
}

export interface ReplayFigures {
  observations: number;
  secs: number;
  perSec: number;
  alerts: number;
}

/**
 * Replays `n` observations of 20 brands from a file, as `earshot replay FILE` reads one (embedded
 * SQLite in memory, detection every minute). Writing the file is not timed.
 */
export async function measureReplay(
  n = Number(process.env.BENCH_REPLAY_N ?? 100_000),
): Promise<ReplayFigures> {
  const config = buildConfig({}, {});
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-replay-'));
  try {
    const file = path.join(dir, 'observations.jsonl');
    writeFileSync(file, [...observations(n)].join(''));
    const out = new PassThrough();
    let alerts = 0;
    out.on('data', (d: Buffer) => (alerts += d.toString().split('\n').length - 1));
    const t0 = performance.now();
    await runReplay({ input: createReadStream(file), output: out, errors: new PassThrough(), config });
    const secs = (performance.now() - t0) / 1000;
    return { observations: n, secs, perSec: n / secs, alerts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printReplay(f: ReplayFigures): void {
  console.log(
    `\nreplay of a file (embedded SQLite in memory, 20 brands, detection every minute, ${threadsFor(f.observations)} thread(s))`,
  );
  console.log(
    `  ${f.observations.toLocaleString('en')} observations in ${f.secs.toFixed(2)} s: ${Math.round(f.perSec).toLocaleString('en')} observations/s, ${f.alerts} alerts`,
  );
}

export async function main(n?: number): Promise<ReplayFigures> {
  const f = await measureReplay(n);
  printReplay(f);
  return f;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
