import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { applyModel, trainModel, type AdaptedModel, type Example } from '../analysis/adapt.ts';
import { scoreSentiment } from '../analysis/sentiment.ts';
import type { SentimentLabel } from '../types.ts';

/** Fewer usable rows than this teach nothing that can be measured. */
const MIN_ROWS = 30;
const ALIASES: Record<string, SentimentLabel> = {
  negative: 'negative',
  neg: 'negative',
  '-1': 'negative',
  neutral: 'neutral',
  neu: 'neutral',
  '0': 'neutral',
  positive: 'positive',
  pos: 'positive',
  '1': 'positive',
};

export interface TrainReport {
  rows: number;
  skipped: { line: number; why: string }[];
  heldOut: number;
  before: Scores;
  after: Scores;
  model: AdaptedModel;
}

interface Scores {
  accuracy: number;
  macroRecall: number;
}

/** Labelled rows of a CSV (header with `text` and `label`) or JSON Lines file. */
export function readExamples(file: string): { examples: Example[]; skipped: TrainReport['skipped'] } {
  const raw = readFileSync(file, 'utf8');
  const skipped: TrainReport['skipped'] = [];
  const rows: { line: number; value: unknown }[] = [];
  if (/\.csv$/i.test(file)) {
    let records: Record<string, string>[];
    try {
      records = parseCsv(raw, { columns: true, skip_empty_lines: true, bom: true, trim: true });
    } catch (err) {
      throw new Error(`${file} is not readable CSV: ${(err as Error).message}`, { cause: err });
    }
    // Line 1 is the header.
    records.forEach((r, i) => rows.push({ line: i + 2, value: r }));
  } else {
    raw.split('\n').forEach((l, i) => {
      if (l.trim() === '') return;
      try {
        rows.push({ line: i + 1, value: JSON.parse(l) as unknown });
      } catch {
        skipped.push({ line: i + 1, why: 'not valid JSON' });
      }
    });
  }
  const examples: Example[] = [];
  for (const { line, value } of rows) {
    const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const label =
      typeof o.label === 'string' || typeof o.label === 'number'
        ? ALIASES[String(o.label).trim().toLowerCase()]
        : undefined;
    if (typeof o.text !== 'string' || o.text.trim() === '') skipped.push({ line, why: 'no text' });
    else if (!label)
      skipped.push({
        line,
        why: `label ${JSON.stringify(o.label ?? null)} is not negative, neutral or positive`,
      });
    else examples.push({ text: o.text, label });
  }
  return { examples, skipped };
}

/** One in `1/share` rows by a hash of the text: the same file always holds out the same rows. */
const heldOut = (text: string, share: number) =>
  createHash('sha1').update(text).digest().readUInt32BE(0) / 2 ** 32 < share;

function scores(rows: readonly Example[], predict: (text: string) => SentimentLabel): Scores {
  const labels: SentimentLabel[] = ['negative', 'neutral', 'positive'];
  let right = 0;
  const recalls: number[] = [];
  for (const l of labels) {
    const of = rows.filter((r) => r.label === l);
    if (of.length === 0) continue;
    const hit = of.filter((r) => predict(r.text) === l).length;
    right += hit;
    recalls.push(hit / of.length);
  }
  return {
    accuracy: rows.length ? (right / rows.length) * 100 : 0,
    macroRecall: recalls.length ? (recalls.reduce((a, b) => a + b, 0) / recalls.length) * 100 : 0,
  };
}

/** `earshot train FILE`: fits a model on most of the file and measures it on the rest. */
export function runTrain(opts: { file: string; name: string; holdOut: number }): TrainReport {
  const { examples, skipped } = readExamples(opts.file);
  if (examples.length < MIN_ROWS)
    throw new Error(
      `${opts.file} has ${examples.length} usable labelled rows; at least ${MIN_ROWS} are needed${skipped[0] ? ` (line ${skipped[0].line}: ${skipped[0].why})` : ''}`,
    );
  const test = examples.filter((e) => heldOut(e.text, opts.holdOut));
  const train = examples.filter((e) => !heldOut(e.text, opts.holdOut));
  const model = trainModel(train, scoreSentiment, { name: opts.name });
  return {
    rows: examples.length,
    skipped,
    heldOut: test.length,
    before: scores(test, (t) => scoreSentiment(t).label),
    after: scores(test, (t) => applyModel(model, t, scoreSentiment(t)).label),
    model,
  };
}

export function saveModel(model: AdaptedModel, file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(model)}\n`);
}
