import readline from 'node:readline';
import { once } from 'node:events';
import { analyze } from '../analysis/index.ts';

export interface AnalyzeOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
}

/**
 * `earshot analyze`: JSON Lines in, one JSON line out per line, in order (design.md §3). A line
 * that cannot be read becomes `{"line": N, "error": …}`; the exit code is then 1. Streams in
 * constant memory.
 */
export async function runAnalyze(opts: AnalyzeOptions): Promise<number> {
  let lineNo = 0;
  let bad = 0;
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
      const a = analyze({
        text: problem.text,
        ...(typeof problem.lang === 'string' ? { lang: problem.lang } : {}),
      });
      const id = typeof problem.id === 'string' || typeof problem.id === 'number' ? problem.id : null;
      out = JSON.stringify({ id, sentiment: a.sentiment, intents: a.intents, lang: a.lang });
    }
    if (!opts.output.write(`${out}\n`)) await once(opts.output, 'drain');
  }
  return bad > 0 ? 1 : 0;
}

function readProblem(line: string): string | { text: string; id?: unknown; lang?: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const obj = value as { text?: unknown; id?: unknown; lang?: unknown };
  if (typeof obj.text !== 'string') return '"text" is missing or not a string';
  return obj as { text: string };
}
