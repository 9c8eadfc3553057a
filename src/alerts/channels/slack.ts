import { isAxiosError } from 'axios';
import { z } from 'zod';
import { ChannelPermanentError, ChannelTransientError } from '../../errors.ts';
import type { AlertPayload } from '../../types.ts';
import { evidenceLines, headline, kindInWords, SEVERITY_EMOJI, truncate } from '../format.ts';
import type { Channel, ChannelContext, RenderContext } from './types.ts';

const options = z.object({ webhook_url: z.url() });
type SlackOptions = z.infer<typeof options>;

type Block = Record<string, unknown>;
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

// Block Kit limits (sources-reference §10.1).
const MAX_BLOCKS = 50;
const SECTION_MAX = 3_000;
const HEADER_MAX = 150;
const TOP_POSTS = 5;

/** Slack mrkdwn treats &, < and > as control characters. */
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, SECTION_MAX) },
});

function render(alert: AlertPayload, ctx: RenderContext): SlackMessage {
  const head = `${alert.update ? 'Update: ' : ''}${kindInWords(alert.kind)} — ${alert.brand}`;
  const fields = [
    ['Severity', alert.severity],
    ['Mentions', String(alert.mention_ids.length)],
    ...evidenceLines(alert),
  ].slice(0, 10);
  const blocks: Block[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${SEVERITY_EMOJI[alert.severity]} ${head}`, HEADER_MAX),
        emoji: true,
      },
    },
    section(`*${escape(alert.title)}*`),
    {
      type: 'section',
      fields: fields.map(([k, v]) => ({
        type: 'mrkdwn',
        text: truncate(`*${k}*\n${escape(v ?? '')}`, 2_000),
      })),
    },
  ];
  const top = alert.top_mentions ?? [];
  if (top.length > 0) blocks.push({ type: 'divider' });
  for (const m of top.slice(0, TOP_POSTS)) {
    const who = m.author ? `*${escape(m.author)}*` : '_someone_';
    const link = m.url ? ` <${m.url}|open>` : '';
    blocks.push(section(`${who}:${link}\n>${escape(truncate(m.text, 280)).replace(/\n/g, '\n>')}`));
  }
  if (ctx.ackUrl) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Acknowledge' },
          url: ctx.ackUrl,
          style: 'primary',
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: truncate(`${escape(alert.at)} · incident ${escape(alert.incident_id)}`, SECTION_MAX),
      },
    ],
  });
  return { text: truncate(headline(alert), SECTION_MAX), blocks: blocks.slice(0, MAX_BLOCKS) };
}

async function post(body: unknown, opts: SlackOptions, ctx: ChannelContext) {
  try {
    return await ctx.http.post<string>(opts.webhook_url, body, {
      headers: { 'Content-Type': 'application/json' },
      responseType: 'text',
      validateStatus: () => true,
    });
  } catch (err) {
    // Never the URL: it is the secret.
    const code = isAxiosError(err) ? (err.code ?? 'network error') : 'network error';
    throw new ChannelTransientError('slack', `webhook not reachable (${code})`, undefined, { cause: code });
  }
}

export const slack: Channel<SlackOptions, SlackMessage> = {
  id: 'slack',
  description:
    'Slack incoming webhook, Block Kit messages. Settings: webhook_url (a secret: write ${SLACK_WEBHOOK_URL}).',
  options,
  render,
  async send(payload, opts, ctx) {
    const res = await post(payload, opts, ctx);
    if (res.status >= 200 && res.status < 300) return;
    const code = truncate(String(res.data ?? '').trim(), 200);
    if (res.status === 429) {
      const after = Number(res.headers['retry-after']);
      throw new ChannelTransientError(
        'slack',
        'rate limited (429)',
        Number.isFinite(after) && after > 0 ? after * 1000 : 1_000,
      );
    }
    if (res.status >= 500) throw new ChannelTransientError('slack', `slack answered ${res.status} ${code}`);
    throw new ChannelPermanentError('slack', `slack rejected the message: ${res.status} ${code}`);
  },
  async check(opts, ctx) {
    // An empty payload is refused as no_text/invalid_payload by a live webhook and never posted.
    const res = await post({}, opts, ctx);
    if (res.status === 400) return;
    if (res.status >= 200 && res.status < 300) return;
    throw new Error(`the webhook answered ${res.status} ${truncate(String(res.data ?? '').trim(), 100)}`);
  },
};
