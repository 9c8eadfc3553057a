// `npm run bench:detect`: Earshot's detection and Huginn's peak detector on the simulated
// scenarios, scored against their ground truth. Settings: BENCH_DETECT_SEEDS (3), BENCH_DETECT_DAYS (14).
import { analyze } from '../src/analysis/index.ts';
import { replayObservations } from '../src/commands/replay.ts';
import { buildConfig } from '../src/config.ts';
import { simulate, type ScenarioKind, type SimulateOptions, type Truth } from '../src/simulate/index.ts';
import type { AlertPayload } from '../src/types.ts';
import { scoreBrand, summarise, type BrandScore, type KindSummary, type Said } from './detect-score.ts';
import { huginnPeaks } from './huginn-peaks.ts';

const HOUR = 3_600_000;
const START = Date.parse('2026-01-05T00:00:00Z');
const KINDS: ScenarioKind[] = [
  'outrage',
  'souring',
  'viral',
  'unanswered',
  'positive_viral',
  'silence',
  'launch',
  'quiet',
];

interface Stream {
  lines: string[];
  truth: Truth;
  createdAt: Map<string, number>;
  /** Per brand: the negative mentions created in each hour of the stream (Huginn counts them). */
  negativesByHour: Map<string, string[][]>;
}

/** One simulated stream, with what the baseline needs read off it on the way. */
function generate(opts: SimulateOptions): Stream {
  const lines: string[] = [];
  const createdAt = new Map<string, number>();
  const negativesByHour = new Map<string, string[][]>();
  const it = simulate(opts);
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { lines, truth: r.value, createdAt, negativesByHour };
    const o = r.value;
    lines.push(JSON.stringify(o));
    const key = `${o.brand}\u0000${o.id}`;
    if (createdAt.has(key)) continue;
    const t = Date.parse(o.created_at);
    createdAt.set(key, t);
    // The same sentiment as Earshot's pipeline, so that only the rule differs.
    if (analyze({ text: o.text, lang: o.lang }).sentiment.label !== 'negative') continue;
    let hours = negativesByHour.get(o.brand);
    if (!hours) negativesByHour.set(o.brand, (hours = []));
    const h = Math.floor((t - opts.start) / HOUR);
    (hours[h] ??= []).push(o.id);
  }
}

const saidByEarshot = (a: AlertPayload): Said => ({
  at: Date.parse(a.at),
  incident: a.incident_id,
  kind: a.kind,
  polarity: a.polarity,
  severity: a.severity,
  mentionIds: a.mention_ids,
  shows: true,
});

/**
 * Huginn's rule on hourly counts of negative mentions: each hour's count is an event sent when the
 * hour is over (every hour, zeros too, as a scheduled counter would), and a peak is an alert. It
 * names no mention; for scoring, it rests on the negatives of the peak hour.
 */
function saidByHuginn(hours: string[][], start: number, end: number): Said[] {
  const events: { time: number; value: number }[] = [];
  for (let h = 0; start + (h + 1) * HOUR <= end; h++)
    events.push({ time: start + (h + 1) * HOUR, value: hours[h]?.length ?? 0 });
  return huginnPeaks(events).map((p) => ({
    at: p.at,
    incident: `peak-${p.peakTime}`,
    kind: 'peak',
    polarity: 'negative',
    severity: 'warning',
    mentionIds: hours[(p.peakTime - start) / HOUR - 1] ?? [],
    shows: false,
  }));
}

interface Measured {
  earshot: BrandScore[];
  huginn: BrandScore[];
  observations: number;
  replaySeconds: number;
}

async function measure(runs: SimulateOptions[]): Promise<Measured> {
  const config = buildConfig({}, {});
  const m: Measured = { earshot: [], huginn: [], observations: 0, replaySeconds: 0 };
  for (const opts of runs) {
    const stream = generate(opts);
    const t0 = performance.now();
    const result = await replayObservations(stream.lines, config);
    m.replaySeconds += (performance.now() - t0) / 1000;
    m.observations += result.observations;
    const spanEnd = Date.parse(stream.truth.end);
    for (const truth of stream.truth.brands) {
      const createdAt = new Map<string, number>();
      for (const id of truth.incident?.mention_ids ?? [])
        createdAt.set(id, stream.createdAt.get(`${truth.brand}\u0000${id}`) ?? Infinity);
      const base = { truth, spanStart: opts.start, spanEnd, createdAt };
      const alerts = result.alerts.filter((a) => a.brand === truth.brand).map(saidByEarshot);
      m.earshot.push(scoreBrand({ ...base, said: alerts }));
      const hours = stream.negativesByHour.get(truth.brand) ?? [];
      m.huginn.push(scoreBrand({ ...base, said: saidByHuginn(hours, opts.start, spanEnd) }));
    }
  }
  return m;
}

function plan(seeds: number, days: number): SimulateOptions[] {
  const runs: SimulateOptions[] = [];
  for (const kind of KINDS)
    for (let seed = 1; seed <= seeds; seed++)
      runs.push(
        kind === 'quiet'
          ? { scenario: 'quiet', brands: 2, days: 2 * days, seed, start: START }
          : { scenario: kind, brands: 1, days, seed, start: START },
      );
  return runs;
}

// ---------------------------------------------------------------- the table

const minutes = (ms: number | null) =>
  ms === null ? '–' : ms < 2 * HOUR ? `${Math.round(ms / 60_000)} min` : `${(ms / HOUR).toFixed(1)} h`;
const pct = (x: number | null) =>
  x === null ? '–' : x < 0.1 ? `${(x * 100).toFixed(1)} %` : `${Math.round(x * 100)} %`;
const rate = (n: number, weeks: number) => (weeks > 0 ? (n / weeks).toFixed(2) : '–');

function cells(s: KindSummary): string[] {
  const found =
    s.crises !== null
      ? `crisis in ${s.crises}/${s.runs}`
      : s.detected === null
        ? '–'
        : `${s.detected}/${s.findable}`;
  return [found, minutes(s.medianDelayMs), pct(s.medianShareOut), rate(s.falseAlarms, s.weeks)];
}

function table(m: Measured): string {
  const head = [
    'scenario',
    'runs',
    'Earshot found',
    'delay',
    'out by then',
    'false/brand-week',
    'Huginn found',
    'delay',
    'out by then',
    'false/brand-week',
  ];
  const rows = KINDS.map((k) => {
    const e = summarise(k, m.earshot);
    return [k, String(e.runs), ...cells(e), ...cells(summarise(k, m.huginn))];
  });
  const all = (xs: BrandScore[]) =>
    rate(
      xs.reduce((a, s) => a + s.falseAlarms, 0),
      xs.reduce((a, s) => a + s.weeks, 0),
    );
  rows.push(['all', String(m.earshot.length), '', '', '', all(m.earshot), '', '', '', all(m.huginn)]);
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const BRAND_MONTH_WEEKS = 30.44 / 7;

function goals(scores: BrandScore[]): [string, boolean, string][] {
  const must = ['outrage', 'viral', 'souring'] as const;
  const missed = must.map((k) => summarise(k, scores)).filter((s) => s.detected !== s.findable);
  const outrage = summarise('outrage', scores).medianDelayMs;
  const weeks = scores.reduce((a, s) => a + s.weeks, 0);
  const perMonth = (scores.reduce((a, s) => a + s.falseAlarms, 0) / weeks) * BRAND_MONTH_WEEKS;
  return [
    [
      'every outrage, viral post and slow souring detected',
      missed.length === 0,
      missed.length === 0
        ? 'all'
        : missed.map((s) => `${s.kind} ${s.detected ?? 0}/${s.findable}`).join(', '),
    ],
    ['median outrage delay under 30 min', outrage !== null && outrage < 30 * 60_000, minutes(outrage)],
    ['fewer than 1 false alarm per brand-month', perMonth < 1, `${perMonth.toFixed(2)} per brand-month`],
  ];
}

export async function main(
  seeds = Number(process.env.BENCH_DETECT_SEEDS ?? 3),
  days = Number(process.env.BENCH_DETECT_DAYS ?? 14),
): Promise<void> {
  const t0 = performance.now();
  const m = await measure(plan(seeds, days));
  console.log(
    `\ndetection on simulated scenarios: ${seeds} seeds each, ${days} days, 1 brand (quiet: 2 brands, ${2 * days} days); default detection settings`,
  );
  console.log(table(m));
  // The median of three hides how the runs differ: each run's delay, seed by seed.
  const bySeed = (k: ScenarioKind) =>
    m.earshot
      .filter((s) => s.kind === k)
      .map((s, i) => `${i + 1}: ${minutes(s.delayMs)}`)
      .join(', ');
  console.log(
    `\n  delay by seed: outrage ${bySeed('outrage')}; viral ${bySeed('viral')}; souring ${bySeed('souring')}`,
  );
  console.log(`\n  ${'goal (issue 5)'.padEnd(54)}${'Earshot'.padEnd(36)}Huginn`);
  const e = goals(m.earshot);
  const h = goals(m.huginn);
  e.forEach(([name, ok, what], i) => {
    const [, hok, hwhat] = h[i] as [string, boolean, string];
    console.log(
      `  ${name.padEnd(54)}${`${ok ? 'met' : 'not met'} (${what})`.padEnd(36)}${hok ? 'met' : 'not met'} (${hwhat})`,
    );
  });
  console.log(
    `\n  replay inside the benchmark: ${m.observations.toLocaleString('en')} observations in ${m.replaySeconds.toFixed(1)} s, ${Math.round(m.observations / m.replaySeconds).toLocaleString('en')} observations/s; whole run ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
