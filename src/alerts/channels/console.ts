import { z } from 'zod';
import type { AlertPayload } from '../../types.ts';
import { renderText } from '../../digest/render.ts';
import { evidenceLines, headline, truncate } from '../format.ts';
import type { Channel } from './types.ts';

const options = z.object({ format: z.enum(['text', 'json']).default('text') });
export type ConsoleOptions = z.infer<typeof options>;

/** Both forms, since render does not see the options; send picks one. */
export interface ConsoleMessage {
  text: string;
  json: string;
}

/**
 * One line, without terminal control characters: posts are written by strangers, and an escape
 * sequence in one could rewrite what the operator sees on the terminal.
 */
function clean(s: string): string {
  return s.replace(/\s+/g, ' ').replace(CONTROL, '').trim();
}
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function renderAlertText(alert: AlertPayload): string {
  const lines = [clean(`${alert.at} ${headline(alert)}`)];
  const facts = evidenceLines(alert).map(([k, v]) => `${k}: ${v}`);
  lines.push(
    clean(
      `incident ${alert.incident_id} · ${alert.polarity} · ${alert.mention_ids.length} mention(s)` +
        (facts.length ? ` · ${facts.join(' · ')}` : ''),
    ),
  );
  for (const m of (alert.top_mentions ?? []).slice(0, 5)) {
    const post = `${m.author ?? 'someone'}: ${truncate(clean(m.text), 160)}${m.url ? ` <${m.url}>` : ''}`;
    lines.push(`- ${clean(post)}`);
  }
  return lines.map((l, i) => (i === 0 ? l : `  ${l}`)).join('\n') + '\n';
}

/** Prints alerts on a stream (stdout in the daemon): handy at the start and in development. */
export function makeConsoleChannel(stream: NodeJS.WritableStream): Channel<ConsoleOptions, ConsoleMessage> {
  return {
    id: 'console',
    description:
      "Prints alerts and digests on the daemon's standard output. Settings: format (text or json).",
    options,
    render: (alert) => ({ text: renderAlertText(alert), json: `${JSON.stringify(alert)}\n` }),
    renderDigest: (d) => ({
      text: `${renderText(d.report).split('\n').map(clean).join('\n')}${d.webUrl ? `full report: ${clean(d.webUrl)}\n` : ''}`,
      json: `${JSON.stringify({ digest: d.report, ...(d.webUrl ? { url: d.webUrl } : {}) })}\n`,
    }),
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
