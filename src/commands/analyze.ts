import readline from 'node:readline';
import { once } from 'node:events';
import type { AdaptedModel } from '../analysis/adapt.ts';
import { analyze } from '../analysis/index.ts';
import { NearDuplicates } from '../analysis/near-duplicates.ts';
import { estimateReach } from '../analysis/reach.ts';
import { virality } from '../analysis/virality.ts';
import type { Author, Metrics } from '../types.ts';

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
  for await (const line of readline.createInterface({ input: opts.input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    let out: string;
    const problem = readProblem(line);
    if (typeof problem === 'string') {
      bad++;
      opts.errors.write(`line ${lineNo}: ${problem}\n`);
      out = JSON.stringify({ line: lineNo, error: problem });
    } else {
      out = JSON.stringify(analyzeLine(problem, dups, opts.model, opts.explain));
    }
    if (!opts.output.write(`${out}\n`)) await once(opts.output, 'drain');
  }
  return bad > 0 ? 1 : 0;
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

/**
 * The contract's fields (id, sentiment, intents, lang), then what the line's extra fields allow:
 * reach from `author` and `metrics`, virality from `metrics` at `observed_at` (or now) for a post
 * made at `created_at`, and the earlier line this one nearly repeats.
 */
export function analyzeLine(
  line: Line,
  dups: NearDuplicates,
  model?: AdaptedModel,
  explain = false,
): Record<string, unknown> {
  const a = analyze(
    typeof line.lang === 'string'
      ? { text: line.text, lang: line.lang, explain }
      : { text: line.text, explain },
    model,
  );
  const id = typeof line.id === 'string' || typeof line.id === 'number' ? line.id : null;
  const out: Record<string, unknown> = { id, sentiment: a.sentiment, intents: a.intents, lang: a.lang };
  if (!a.sentimentCovered) out.sentiment_covered = false;
  if (explain) out.reasons = a.reasons;
  const source = typeof line.source === 'string' ? (line.source.split(':')[0] ?? '') : '';
  const metrics = numbers(line.metrics);
  const author = authorOf(line.author);
  if (author || metrics)
    out.reach = estimateReach({ source, metrics: metrics ?? {}, ...(author ? { author } : {}) });
  const created = timeOf(line.created_at);
  if (metrics && created !== null) {
    const at = timeOf(line.observed_at) ?? Date.now();
    out.virality = virality({
      source,
      createdAt: created,
      readings: [{ at, metrics }],
      ...(author?.followers !== undefined ? { followers: author.followers } : {}),
    });
  }
  const twin = dups.add(String(id ?? ''), line.text);
  if (id !== null && twin.group !== String(id)) out.duplicate_of = twin.group;
  return out;
}

function numbers(v: unknown): Metrics | null {
  if (typeof v !== 'object' || v === null) return null;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'number' && Number.isFinite(x)) out[k] = x;
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

function timeOf(v: unknown): number | null {
  const t = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN;
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
