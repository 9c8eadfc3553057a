import { z } from 'zod';
import type { AlertPayload } from '../../types.ts';
import { evidenceLines, headline, truncate } from '../format.ts';
import type { Channel } from './types.ts';

const options = z.object({ format: z.enum(['text', 'json']).default('text') });
type ConsoleOptions = z.infer<typeof options>;

function renderText(alert: AlertPayload): string {
  const lines = [`${alert.at} ${headline(alert)}`];
  const facts = evidenceLines(alert).map(([k, v]) => `${k}: ${v}`);
  lines.push(
    `  incident ${alert.incident_id} · ${alert.mention_ids.length} mention(s)${facts.length ? ` · ${facts.join(' · ')}` : ''}`,
  );
  for (const m of (alert.top_mentions ?? []).slice(0, 5)) {
    lines.push(
      `  - ${m.author ?? 'someone'}: ${truncate(m.text.replace(/\s+/g, ' '), 160)}${m.url ? ` <${m.url}>` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Prints alerts on a stream (stdout in the daemon): handy at the start and in development. */
export function makeConsoleChannel(
  stream: NodeJS.WritableStream,
): Channel<ConsoleOptions, { text: string; json: string }> {
  return {
    id: 'console',
    description: "Prints alerts on the daemon's standard output. Settings: format (text or json).",
    options,
    render: (alert) => ({ text: renderText(alert), json: `${JSON.stringify(alert)}\n` }),
    send(payload, opts) {
      return new Promise((resolve, reject) => {
        stream.write(opts.format === 'json' ? payload.json : payload.text, (err) =>
          err ? reject(err) : resolve(),
        );
      });
    },
  };
}

export const consoleChannel = makeConsoleChannel(process.stdout);
