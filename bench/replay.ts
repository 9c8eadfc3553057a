import { PassThrough, Readable } from 'node:stream';
import { buildConfig } from '../src/config.ts';
import { runReplay } from '../src/commands/replay.ts';

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

export async function main(n = Number(process.env.BENCH_REPLAY_N ?? 100_000)): Promise<void> {
  const config = buildConfig({}, {});
  const out = new PassThrough();
  let alerts = 0;
  out.on('data', (d: Buffer) => (alerts += d.toString().split('\n').length - 1));
  const t0 = performance.now();
  await runReplay({ input: Readable.from(observations(n)), output: out, errors: new PassThrough(), config });
  const s = (performance.now() - t0) / 1000;
  console.log(`\nreplay (embedded SQLite in memory, 20 brands, detection every minute)`);
  console.log(
    `  ${n.toLocaleString('en')} observations in ${s.toFixed(2)} s: ${Math.round(n / s).toLocaleString('en')} observations/s, ${alerts} alerts`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
