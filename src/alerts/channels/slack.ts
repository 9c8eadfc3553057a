import { z } from 'zod';
import { ChannelPermanentError, ChannelTransientError } from '../../errors.ts';
import { retryAfterMs } from '../../sources/http.ts';
import { credentialKey, pace } from '../../sources/pace.ts';
import type { AlertPayload } from '../../types.ts';
import { evidenceLines, kindInWords, SEVERITY_EMOJI, truncate } from '../format.ts';
import { postJson, said } from './post.ts';
import {
  beforeName,
  count,
  net,
  netChange,
  people,
  periodName,
  periodWords,
  quietLine,
  split,
  teamQuietLine,
  teamTotals,
  volumeChange,
} from '../../digest/format.ts';
import { isTeamReport, type DigestReport, type TeamDigestReport } from '../../digest/types.ts';
import type { Channel, ChannelContext, DigestMessage, RenderContext } from './types.ts';

const options = z.object({ webhook_url: z.url() });
export type SlackOptions = z.infer<typeof options>;

export type SlackBlock = Record<string, unknown>;
export interface SlackMessage {
  /** The notification line; Slack parses it as mrkdwn too. */
  text: string;
  blocks: SlackBlock[];
}

// Block Kit limits (sources-reference §10.1); the header one is unverified, so we stay under it.
const MAX_BLOCKS = 50;
const SECTION_MAX = 3_000;
const HEADER_MAX = 150;
const FIELDS_MAX = 10;
const FIELD_MAX = 2_000;
const TEXT_MAX = 3_000;
const BUTTON_URL_MAX = 3_000;
const TOP_POSTS = 5;
const EXCERPT_MAX = 280;

/** Slack mrkdwn treats &, < and > as control characters: `<@U123>` would ping someone. */
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Escapes, then cuts without leaving half an entity (`&am…`) that Slack would show raw. */
function cut(s: string, max: number): string {
  const e = escape(s);
  return e.length <= max ? e : `${e.slice(0, max - 1).replace(/&[a-z]{0,3}$/, '')}…`;
}

/** A link target Slack cannot misread: only http(s), `|` would end the URL early. */
function linkTarget(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  const safe = escape(url).replace(/\|/g, '%7C');
  return safe.length <= 1_000 ? safe : undefined;
}

/** `source_silent:rss` → "Source silent (rss)": detectors qualify a kind after a colon. */
function kindWords(kind: string): string {
  const at = kind.indexOf(':');
  return at < 0 ? kindInWords(kind) : `${kindInWords(kind.slice(0, at))} (${kind.slice(at + 1)})`;
}

/** Shown in each reader's own time zone, with the ISO time where Slack cannot. */
function when(at: string): string {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return cut(at, 100);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

function render(alert: AlertPayload, ctx: RenderContext): SlackMessage {
  const update = alert.update ? 'Update: ' : '';
  const kind = kindWords(alert.kind);
  // plain_text is not parsed, so the header needs no escaping, only one line.
  const header = `${SEVERITY_EMOJI[alert.severity]} ${update}${kind} — ${oneLine(alert.brand)}`;
  const fields: [string, string][] = [
    ['Severity', alert.severity],
    ['Kind', alert.kind],
    ['Polarity', alert.polarity],
    ['Mentions', String(alert.mention_ids.length)],
    ...evidenceLines(alert, 6),
  ];
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(header, HEADER_MAX), emoji: true } },
    { type: 'section', text: mrkdwn(`*${cut(oneLine(alert.title), SECTION_MAX - 2)}*`) },
    {
      type: 'section',
      fields: fields
        .slice(0, FIELDS_MAX)
        .map(([k, v]) => mrkdwn(`*${cut(k, 100)}*\n${cut(v, FIELD_MAX - 110)}`)),
    },
  ];
  const top = (alert.top_mentions ?? []).slice(0, TOP_POSTS);
  if (top.length > 0) blocks.push({ type: 'divider' });
  for (const m of top) {
    const who = m.author ? `*${cut(oneLine(m.author), 80)}*` : '_someone_';
    const href = linkTarget(m.url);
    const excerpt = escape(truncate(oneLine(m.text), EXCERPT_MAX));
    const text = `${who}${href ? ` · <${href}|open the post>` : ''}\n>${excerpt}`;
    blocks.push({ type: 'section', text: mrkdwn(truncate(text, SECTION_MAX)) });
  }
  if (ctx.ackUrl && ctx.ackUrl.length <= BUTTON_URL_MAX) {
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
    elements: [mrkdwn(`${when(alert.at)} · incident \`${cut(alert.incident_id, 255)}\``)],
  });
  const line = `${update}[${alert.severity}] ${alert.brand}: ${kind} — ${alert.title}`;
  return { text: cut(oneLine(line), TEXT_MAX), blocks: blocks.slice(0, MAX_BLOCKS) };
}

/** The digest in a few lines: the key figures, what needs doing, and the link to the full report. */
function renderDigest(d: DigestMessage): SlackMessage {
  const r = d.report;
  if (isTeamReport(r)) return renderTeamDigest(r, d.webUrl);
  const title = `${periodName(r)}: ${oneLine(r.displayName)} · ${periodWords(r)}`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, HEADER_MAX), emoji: true } },
  ];
  let line: string;
  if (r.quiet) {
    line = quietLine(r);
    blocks.push({ type: 'section', text: mrkdwn(cut(line, SECTION_MAX)) });
  } else {
    const t = r.totals;
    const v = volumeChange(t.volume, r.previous.volume);
    const n = netChange(t.net, r.previous.net);
    const s = split(t);
    const open = r.incidents.filter((i) => i.status === 'open').length;
    const me = r.shareOfVoice.find((x) => x.brand === r.brand);
    const fields: [string, string][] = [
      ['Mentions', `${count(t.volume)}  ${v.arrow} ${v.words} vs ${beforeName(r)}`],
      ['Net sentiment', `${net(t.net)}  ${n.arrow} ${n.words} vs ${beforeName(r)}`],
      ['Sentiment', `${s.negative} % neg · ${s.neutral} % neu · ${s.positive} % pos`],
      ['Incidents', `${count(r.incidents.length)} (${count(open)} not acknowledged)`],
      ['Unanswered complaints', count(r.unansweredCount)],
      ...(me ? ([['Share of voice', `${me.share} %`]] as [string, string][]) : []),
    ];
    blocks.push({
      type: 'section',
      fields: fields.map(([k, x]) => mrkdwn(`*${cut(k, 100)}*\n${cut(x, 500)}`)),
    });
    blocks.push(...needsDoing(r.incidents[0], r.unanswered[0]));
    line = `${count(t.volume)} mentions, net ${net(t.net)}, ${count(r.incidents.length)} incident(s)`;
  }
  blocks.push(reportLink(d.webUrl));
  return { text: cut(oneLine(`${title}: ${line}`), TEXT_MAX), blocks: blocks.slice(0, MAX_BLOCKS) };
}

/** The worst incident and the complaint waiting longest and widest, when there are. */
function needsDoing(
  worst: DigestReport['incidents'][number] | undefined,
  waiting: DigestReport['unanswered'][number] | undefined,
  brand?: string,
): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  const of = brand ? ` · ${oneLine(brand)}` : '';
  if (worst)
    blocks.push({
      type: 'section',
      text: mrkdwn(
        cut(
          `${SEVERITY_EMOJI[worst.severity]} ${oneLine(worst.title)} (${worst.status}, reach ${people(worst.reach)}${of})`,
          SECTION_MAX,
        ),
      ),
    });
  if (waiting) {
    const href = linkTarget(waiting.url);
    const who = cut(oneLine(waiting.author ?? 'someone'), 80);
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `*Needs an answer${brand ? ` (${cut(oneLine(brand), 100)})` : ''}:* ${href ? `<${href}|${who}>` : who}, waiting ${waiting.waitingHours} h\n>${escape(truncate(oneLine(waiting.text), EXCERPT_MAX))}`,
      ),
    });
  }
  return blocks;
}

function reportLink(webUrl: string | undefined): SlackBlock {
  if (webUrl && webUrl.length <= BUTTON_URL_MAX)
    return {
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the full report' }, url: webUrl }],
    };
  return {
    type: 'context',
    elements: [
      mrkdwn(
        'The full report, with charts, is saved by Earshot under data/digests/ (with http.public_url set, a link shows here).',
      ),
    ],
  };
}

/**
 * A team's digest: one line per brand, worst first (mentions and net sentiment with their arrows,
 * incidents, complaints waiting), the team's worst incident and oldest complaint, and the link.
 */
function renderTeamDigest(t: TeamDigestReport, webUrl: string | undefined): SlackMessage {
  const title = `${periodName(t)}: ${oneLine(t.displayName)} · ${periodWords(t)}`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, HEADER_MAX), emoji: true } },
  ];
  let line: string;
  if (t.quiet) {
    line = teamQuietLine(t);
    blocks.push({ type: 'section', text: mrkdwn(cut(line, SECTION_MAX)) });
  } else {
    const s = teamTotals(t);
    const rows = t.brands.map((r) => {
      if (r.quiet) return `*${cut(oneLine(r.displayName), 100)}*: quiet`;
      const v = volumeChange(r.totals.volume, r.previous.volume);
      const n = netChange(r.totals.net, r.previous.net);
      return `*${cut(oneLine(r.displayName), 100)}*: ${count(r.totals.volume)} mentions ${v.arrow} ${v.words} · net ${net(r.totals.net)} ${n.arrow} ${n.words} · ${count(r.incidents.length)} incident(s) · ${count(r.unansweredCount)} waiting`;
    });
    // One section per 3,000 characters, whatever the number of brands.
    let text = '';
    for (const row of rows) {
      if (text && text.length + row.length + 1 > SECTION_MAX) {
        blocks.push({ type: 'section', text: mrkdwn(text) });
        text = '';
      }
      text = text ? `${text}\n${truncate(row, SECTION_MAX)}` : truncate(row, SECTION_MAX);
    }
    if (text) blocks.push({ type: 'section', text: mrkdwn(text) });
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          `${count(t.brands.length)} brand(s), worst first: ${count(s.mentions)} mentions, ${count(s.incidents)} incident(s) (${count(s.notAcknowledged)} not acknowledged), ${count(s.waiting)} complaint(s) waiting · net vs ${beforeName(t)}`,
        ),
      ],
    });
    // The brands come worst first, and each brand's incidents worst first.
    const worst = t.brands.find((r) => r.incidents.length > 0);
    const waiting = t.brands
      .flatMap((r) => r.unanswered.slice(0, 1).map((p) => ({ r, p })))
      .sort(
        (a, b) => b.p.waitingHours * Math.max(b.p.reach, 1) - a.p.waitingHours * Math.max(a.p.reach, 1),
      )[0];
    blocks.push(...needsDoing(worst?.incidents[0], undefined, worst?.displayName));
    blocks.push(...needsDoing(undefined, waiting?.p, waiting?.r.displayName));
    line = `${count(s.mentions)} mentions across ${count(t.brands.length)} brand(s), ${count(s.incidents)} incident(s)`;
  }
  blocks.push(reportLink(webUrl));
  return { text: cut(oneLine(`${title}: ${line}`), TEXT_MAX), blocks: blocks.slice(0, MAX_BLOCKS) };
}

/** Slack allows about one message a second per webhook (§10.1): every daemon on it keeps to that. */
const PACE_MS = 1_000;

const slot = (opts: SlackOptions) => ({ key: credentialKey('slack', opts.webhook_url), everyMs: PACE_MS });

async function post(body: unknown, opts: SlackOptions, ctx: ChannelContext) {
  if (!ctx.slotTaken) await pace(slot(opts).key, PACE_MS);
  return postJson('slack', opts.webhook_url, JSON.stringify(body), {}, ctx, 'webhook');
}

export const slack: Channel<SlackOptions, SlackMessage> = {
  id: 'slack',
  description:
    'Slack incoming webhook, Block Kit messages. Settings: webhook_url (a secret: write ${SLACK_WEBHOOK_URL}).',
  options,
  render,
  renderDigest,
  pace: slot,
  async send(payload, opts, ctx) {
    const res = await post(payload, opts, ctx);
    const s = res.status;
    if (s >= 200 && s < 300) return;
    const code = said(res, opts.webhook_url, 200);
    const reason = `${s}${code ? ` ${code}` : ''}`;
    if (s === 429) {
      const wait = retryAfterMs(res.headers['retry-after'], Date.now(), 1_000);
      throw new ChannelTransientError('slack', `rate limited: ${reason}`, wait);
    }
    if (s >= 500 || s === 408) throw new ChannelTransientError('slack', `slack answered ${reason}`);
    throw new ChannelPermanentError('slack', `slack rejected the message: ${reason}`);
  },
  async check(opts, ctx) {
    // A live webhook refuses an empty payload (400 no_text) without posting anything, but only
    // after finding the webhook: revoked or archived ones answer 403/404/410 instead.
    const res = await post({}, opts, ctx);
    if (res.status === 400 || (res.status >= 200 && res.status < 300)) return;
    throw new Error(`the webhook answered ${res.status} ${said(res, opts.webhook_url, 100)}`.trim());
  },
};
