import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { AdaptedModel } from '../analysis/adapt.ts';
import { analyze } from '../analysis/index.ts';
import { NearDuplicates } from '../analysis/near-duplicates.ts';
import { estimateReach } from '../analysis/reach.ts';
import { virality } from '../analysis/virality.ts';
import type { Reach } from '../analysis/reach.ts';
import type { Virality } from '../analysis/virality.ts';
import type { Author, Intent, Metrics, Sentiment } from '../types.ts';

export interface AnalyzeOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
  /** A brand's adapted sentiment (`earshot train`), used instead of the general scorer's verdict. */
  model?: AdaptedModel;
  /** Add the words and rules that moved each score (`reasons`). */
  explain?: boolean;
}

/**
 * `earshot analyze`: JSON Lines in, one JSON line out per line, in order (design.md §3). A line
 * that cannot be read becomes `{"line": N, "error": …}`; the exit code is then 1. Streams in
 * constant memory.
 */
export async function runAnalyze(opts: AnalyzeOptions): Promise<number> {
  let lineNo = 0;
  let bad = 0;
  const dups = new NearDuplicates();
  for await (const lines of lineBatches(opts.input)) {
    // One write a chunk of input, not one a line: a write costs more than the answer's JSON.
    let out = '';
    try {
      for (const line of lines) {
        lineNo++;
        if (line.trim() === '') continue;
        const problem = readProblem(line);
        if (typeof problem === 'string') {
          bad++;
          opts.errors.write(`line ${lineNo}: ${problem}\n`);
          out += `${JSON.stringify({ line: lineNo, error: problem })}\n`;
        } else {
          out += `${answerJson(analyzeLine(problem, dups, opts.model, opts.explain))}\n`;
        }
      }
    } finally {
      // Written before a failure propagates too, so stdout still holds every answer given.
      if (out !== '' && !opts.output.write(out)) await once(opts.output, 'drain');
    }
  }
  return bad > 0 ? 1 : 0;
}

/** What readline (crlfDelay: Infinity) takes for a line end. */
const LINE_END = /\r?\n|\r(?!\n)/;

/**
 * The input's lines, a chunk's worth at a time, split exactly as readline splits them: \n, \r\n
 * (also across chunks) and a lone \r end a line; a last line without an end counts unless empty;
 * bytes of a character cut off at the very end are dropped. readline hands them over one promise
 * a line, which cost more than parsing the line.
 */
export async function* lineBatches(input: NodeJS.ReadableStream): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let afterCR = false;
  for await (const chunk of input) {
    let text = decoder.write(chunk);
    if (afterCR) {
      if (text.charCodeAt(0) === 10) text = text.slice(1);
      afterCR = false;
    }
    if (text === '') continue;
    const whole = rest + text;
    const lines = whole.includes('\r') ? whole.split(LINE_END) : whole.split('\n');
    rest = lines.pop() ?? '';
    if (lines.length === 0) continue;
    afterCR = whole.endsWith('\r');
    yield lines;
  }
  if (rest !== '') yield [rest];
}

export interface Line {
  text: string;
  id?: unknown;
  lang?: unknown;
  source?: unknown;
  author?: unknown;
  metrics?: unknown;
  created_at?: unknown;
  observed_at?: unknown;
}

/** One line of `earshot analyze` output, its keys in the order they are written. */
export interface Answer {
  id: string | number | null;
  sentiment: Sentiment;
  intents: Intent[];
  lang: string;
  sentiment_covered?: false;
  reasons?: string[];
  reach?: Reach;
  virality?: Virality;
  duplicate_of?: string;
}

/** A number as JSON.stringify writes it. */
const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/**
 * The answer's JSON, exactly as JSON.stringify writes it, by a template of its one shape: the
 * generic walk over its keys cost more than analysing reach and virality.
 */
export function answerJson(a: Answer): string {
  let s = `{"id":${typeof a.id === 'string' ? JSON.stringify(a.id) : a.id === null ? 'null' : num(a.id)}`;
  s += `,"sentiment":{"label":${JSON.stringify(a.sentiment.label)},"score":${num(a.sentiment.score)}}`;
  s += ',"intents":[';
  for (let i = 0; i < a.intents.length; i++) {
    const t = a.intents[i] as Intent;
    s += `${i ? ',' : ''}{"name":${JSON.stringify(t.name)},"confidence":${num(t.confidence)}}`;
  }
  s += `],"lang":${JSON.stringify(a.lang)}`;
  if (a.sentiment_covered !== undefined) s += ',"sentiment_covered":false';
  if (a.reasons !== undefined) s += `,"reasons":${JSON.stringify(a.reasons)}`;
  if (a.reach !== undefined)
    s += `,"reach":{"impressions":${num(a.reach.impressions)},"basis":${JSON.stringify(a.reach.basis)}}`;
  const v = a.virality;
  if (v !== undefined) {
    const p = v.projected;
    s += `,"virality":{"engagement":${num(v.engagement)},"velocity":${num(v.velocity)},"doublingHours":${v.doublingHours === null ? 'null' : num(v.doublingHours)}`;
    s += `,"projected":{"hours":${num(p.hours)},"engagement":${num(p.engagement)},"low":${num(p.low)},"high":${num(p.high)}}`;
    s += `,"usual":${num(v.usual)},"score":${num(v.score)}}`;
  }
  if (a.duplicate_of !== undefined) s += `,"duplicate_of":${JSON.stringify(a.duplicate_of)}`;
  return `${s}}`;
}

/**
 * The contract's fields (id, sentiment, intents, lang), then what the line's extra fields allow:
 * reach from `author` and `metrics`, virality from `metrics` at `observed_at` (or now) for a post
 * made at `created_at`, and the earlier line this one nearly repeats.
 */
export function analyzeLine(line: Line, dups: NearDuplicates, model?: AdaptedModel, explain = false): Answer {
  const a = analyze(
    typeof line.lang === 'string'
      ? { text: line.text, lang: line.lang, explain }
      : { text: line.text, explain },
    model,
  );
  const id = typeof line.id === 'string' || typeof line.id === 'number' ? line.id : null;
  const out: Answer = { id, sentiment: a.sentiment, intents: a.intents, lang: a.lang };
  if (!a.sentimentCovered) out.sentiment_covered = false;
  if (explain) out.reasons = a.reasons;
  const source = typeof line.source === 'string' ? platformPart(line.source) : '';
  const metrics = numbers(line.metrics);
  const author = authorOf(line.author);
  // Objects of one shape each, without spreads: this runs for every line.
  if (author) out.reach = estimateReach({ source, metrics: metrics ?? {}, author });
  else if (metrics) out.reach = estimateReach({ source, metrics });
  const created = timeOf(line.created_at);
  if (metrics && created !== null) {
    const at = timeOf(line.observed_at) ?? Date.now();
    const readings = [{ at, metrics }];
    out.virality = virality(
      author?.followers !== undefined
        ? { source, createdAt: created, readings, followers: author.followers }
        : { source, createdAt: created, readings },
    );
  }
  const key = id === null ? '' : String(id);
  const twin = dups.add(key, line.text);
  if (id !== null && twin.group !== key) out.duplicate_of = twin.group;
  return out;
}

/** "x:search" → "x": the platform part of a source key. */
function platformPart(source: string): string {
  const colon = source.indexOf(':');
  return colon < 0 ? source : source.slice(0, colon);
}

function numbers(v: unknown): Metrics | null {
  if (typeof v !== 'object' || v === null) return null;
  const out: Record<string, number> = {};
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'number' && Number.isFinite(x)) out[k] = x;
  }
  return out;
}

function authorOf(v: unknown): Author | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const a: Author = { handle: typeof o.handle === 'string' ? o.handle : '' };
  if (typeof o.followers === 'number') a.followers = o.followers;
  if (typeof o.verified === 'boolean') a.verified = o.verified;
  return a;
}

/** The last date string read and its time: a file's lines often share `observed_at`. */
let lastDate = '';
let lastTime = NaN;

function timeOf(v: unknown): number | null {
  let t = NaN;
  if (typeof v === 'string') {
    if (v !== lastDate) {
      lastDate = v;
      lastTime = Date.parse(v);
    }
    t = lastTime;
  } else if (typeof v === 'number') t = v;
  return Number.isFinite(t) ? t : null;
}

function readProblem(line: string): string | Line {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const obj = value as { text?: unknown };
  if (typeof obj.text !== 'string') return '"text" is missing or not a string';
  return obj as Line;
}
