import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import {
  SCENARIOS,
  simulate,
  type ScenarioName,
  type SimulateOptions,
  type Truth,
} from '../simulate/index.ts';

export interface SimulateCliOptions {
  scenario: string;
  brands?: string;
  days: string;
  seed: string;
  start: string;
  rate?: string;
  out?: string;
  truth?: string;
}

/** Lines are written in batches: one write per line would cost more than making the line. */
const BATCH = 512;

/** Reads the command's options into the generator's, or says in one line what is wrong. */
export function simulateOptions(o: SimulateCliOptions): SimulateOptions {
  if (!(SCENARIOS as readonly string[]).includes(o.scenario))
    throw new Error(`--scenario ${o.scenario}: pick one of ${SCENARIOS.join(', ')}`);
  const scenario = o.scenario as ScenarioName;
  const brands = o.brands === undefined ? (scenario === 'mixed' ? 8 : 1) : Number(o.brands);
  if (!Number.isInteger(brands) || brands < 1)
    throw new Error(`--brands ${o.brands}: give a whole number above 0`);
  const days = Number(o.days);
  if (!(days > 0)) throw new Error(`--days ${o.days}: give a number of days above 0`);
  const seed = Number(o.seed);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed ${o.seed}: give a whole number`);
  const start = Date.parse(o.start);
  if (Number.isNaN(start))
    throw new Error(`--start ${o.start}: not a date (use ISO 8601, e.g. 2026-01-05T00:00:00Z)`);
  const rate = o.rate === undefined ? undefined : Number(o.rate);
  if (rate !== undefined && !(rate > 0)) throw new Error(`--rate ${o.rate}: give mentions an hour above 0`);
  return { scenario, brands, days, seed, start, ...(rate !== undefined ? { rate } : {}) };
}

/**
 * `earshot simulate`: writes the observations of a scenario as JSON Lines (replay's input), and its
 * ground truth as JSON when asked. Streams, waiting when the reader is slower than the generator.
 */
export async function runSimulate(
  opts: SimulateOptions,
  out: NodeJS.WritableStream,
  truthFile?: string,
): Promise<{ observations: number; truth: Truth }> {
  const it = simulate(opts);
  let lines: string[] = [];
  let n = 0;
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) {
      if (lines.length > 0) out.write(`${lines.join('\n')}\n`);
      if (truthFile) writeFileSync(truthFile, `${JSON.stringify(r.value, null, 2)}\n`);
      return { observations: n, truth: r.value };
    }
    lines.push(JSON.stringify(r.value));
    n++;
    if (lines.length === BATCH) {
      const more = out.write(`${lines.join('\n')}\n`);
      lines = [];
      if (!more) await once(out, 'drain');
    }
  }
}

/** Where the lines go: a file, or stdout. */
export function outputOf(file: string | undefined): NodeJS.WritableStream {
  if (!file || file === '-') return process.stdout;
  return createWriteStream(file);
}
