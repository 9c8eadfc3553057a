import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { ChannelPermanentError, ChannelTransientError } from '../../errors.ts';
import type { AlertPayload } from '../../types.ts';
import { subject as digestSubject } from '../../digest/format.ts';
import { renderHtml, renderText } from '../../digest/render.ts';
import { isTeamReport, type AnyDigestReport } from '../../digest/types.ts';
import { evidenceLines, kindInWords, truncate } from '../format.ts';
import type { Channel, DigestMessage } from './types.ts';
import { lazy } from '../../lazy.ts';

const nodemailer = lazy<typeof import('nodemailer')>('nodemailer');

const address = z.email();
const options = z.object({
  /** smtp://user:password@host:587 or smtps://…:465 (a secret: write ${SMTP_URL}). */
  smtp_url: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL'),
  from: address,
  to: z.union([address, z.array(address).min(1)]),
});
export type EmailOptions = z.infer<typeof options>;

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
  /** Threading: every alert of one incident answers its first, so mail clients show one thread. */
  messageId: string;
  inReplyTo?: string;
  references?: string;
  /** Inline images (a digest's charts), each shown where the HTML says `cid:<cid>`. */
  attachments?: { filename: string; content: Buffer; cid: string; contentType: string }[];
}

const COLORS = { critical: '#b3261e', warning: '#b26a00', info: '#2f5d8a' } as const;
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const safeLink = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);
const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);

/** The incident's thread root, and this alert's own id: the same for every retry of it. */
export function messageIds(alert: AlertPayload): { root: string; own: string } {
  const root = `<incident-${digest(`${alert.brand}|${alert.incident_id}`)}@earshot>`;
  if (!alert.update && !alert.status) return { root, own: root };
  const own = `<alert-${digest(`${alert.incident_id}|${alert.at}|${alert.severity}|${alert.status ?? ''}`)}@earshot>`;
  return { root, own };
}

function render(alert: AlertPayload, ctx: { ackUrl?: string }): EmailMessage {
  const kind = kindInWords(alert.kind);
  const prefix = alert.status
    ? `${alert.status === 'resolved' ? 'Resolved' : 'Acknowledged'}: `
    : alert.update
      ? 'Update: '
      : '';
  const subject = truncate(
    `${prefix}[${alert.severity}] ${alert.brand}: ${kind} — ${alert.title}`.replace(/\s+/g, ' '),
    200,
  );
  const facts: [string, string][] = [
    ['Severity', alert.severity],
    ['Mentions', String(alert.mention_ids.length)],
    ...evidenceLines(alert, 8),
  ];
  const top = (alert.top_mentions ?? []).slice(0, 5);
  const when = new Date(alert.at).toUTCString();
  const text = [
    `${prefix}${kind} for ${alert.brand} (${alert.severity})`,
    '',
    alert.title,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    ...(top.length ? ['', 'Top posts:'] : []),
    ...top.map(
      (m) =>
        `- ${m.author ?? 'someone'}: ${truncate(m.text.replace(/\s+/g, ' '), 280)}${safeLink(m.url) ? `\n  ${m.url}` : ''}`,
    ),
    ...(ctx.ackUrl ? ['', `Acknowledge: ${ctx.ackUrl}`] : []),
    '',
    `${when} · incident ${alert.incident_id}`,
  ].join('\n');
  const color = COLORS[alert.severity];
  const html = `<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;color:#1d1d1f;max-width:640px">
<p style="margin:0 0 4px;color:${color};font-weight:bold;text-transform:uppercase;font-size:12px">${esc(prefix)}${esc(alert.severity)} · ${esc(kind)}</p>
<h2 style="margin:0 0 12px;font-size:18px">${esc(alert.brand)}: ${esc(alert.title)}</h2>
<table style="border-collapse:collapse;font-size:14px">${facts
    .map(
      ([k, v]) => `<tr><td style="padding:2px 12px 2px 0;color:#666">${esc(k)}</td><td>${esc(v)}</td></tr>`,
    )
    .join('')}</table>
${top.length ? '<h3 style="font-size:15px;margin:16px 0 6px">Top posts</h3>' : ''}${top
    .map((m) => {
      const href = safeLink(m.url);
      const who = esc(m.author ?? 'someone');
      return `<blockquote style="margin:0 0 8px;padding:6px 10px;border-left:3px solid ${color}"><b>${href ? `<a href="${esc(href)}">${who}</a>` : who}</b><br>${esc(truncate(m.text, 280))}</blockquote>`;
    })
    .join('')}
${ctx.ackUrl ? `<p><a href="${esc(ctx.ackUrl)}" style="background:${color};color:#fff;padding:8px 14px;text-decoration:none;border-radius:4px">Acknowledge</a></p>` : ''}
<p style="color:#888;font-size:12px">${esc(when)} · incident ${esc(alert.incident_id)}</p>
</body></html>`;
  const ids = messageIds(alert);
  return {
    subject,
    text,
    html,
    messageId: ids.own,
    ...(ids.own !== ids.root ? { inReplyTo: ids.root, references: ids.root } : {}),
  };
}

/** In a team's digest, each chart's file is named after its brand: `acme-week.png`. */
function chartOwner(r: AnyDigestReport, reportId: string): string {
  const brand = isTeamReport(r) ? r.brands.find((b) => b.id === reportId)?.brand : undefined;
  return brand ? `${brand}-` : '';
}

/** The digest with its charts as inline PNGs: every common mail client shows `cid:` images. */
function renderDigest(d: DigestMessage): EmailMessage {
  const r = d.report;
  const link = d.webUrl ? `\nThe full report in your browser: ${d.webUrl}\n` : '';
  const web = d.webUrl
    ? `<p style="font-size:13px"><a href="${esc(d.webUrl)}">Open this report in your browser</a></p>`
    : '';
  return {
    subject: truncate(digestSubject(r), 200),
    text: renderText(r) + link,
    html: renderHtml(r, { charts: d.charts, imageSrc: (c) => `cid:${c.cid}` }).replace(
      '</body>',
      `${web}</body>`,
    ),
    // A team's id has a colon (`digest-team:pr-…`), which a Message-ID cannot.
    messageId: `<${r.id.replace(/:/g, '.')}.${digest(r.id)}@earshot>`,
    attachments: d.charts.map((c) => ({
      filename: `${chartOwner(r, c.report)}${c.name}.png`,
      content: c.png,
      cid: c.cid,
      contentType: 'image/png',
    })),
  };
}

// One transport per SMTP server, made once (each alert opens its own short connection).
const transports = new Map<string, Transporter>();
function transport(url: string): Transporter {
  let t = transports.get(url);
  if (!t)
    transports.set(
      url,
      (t = nodemailer().createTransport(url, { connectionTimeout: 10_000, socketTimeout: 20_000 })),
    );
  return t;
}

/** SMTP's 4xx means "try again later", 5xx "this will not work"; no answer at all is worth a retry. */
function classify(err: unknown): Error {
  const e = err as { responseCode?: number; code?: string; response?: string; message?: string };
  const said = (e.response ?? e.message ?? 'error').replace(/\s+/g, ' ').slice(0, 200);
  if (e.code === 'EAUTH')
    return new ChannelPermanentError('email', `the mail server refused the login: ${said}`);
  if (typeof e.responseCode === 'number' && e.responseCode >= 500)
    return new ChannelPermanentError('email', `the mail server refused: ${said}`);
  if (e.code === 'EENVELOPE' && e.responseCode === undefined)
    return new ChannelPermanentError('email', `bad address: ${said}`);
  return new ChannelTransientError('email', `${e.code ? `${e.code}: ` : ''}${said}`);
}

export const email: Channel<EmailOptions, EmailMessage> = {
  id: 'email',
  description:
    'Email over SMTP (nodemailer): HTML and plain text, one thread per incident. Settings: smtp_url (a secret), from, to.',
  options,
  render,
  renderDigest,
  async send(m, o, ctx) {
    try {
      await transport(o.smtp_url).sendMail({
        from: o.from,
        to: o.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        ...(m.attachments ? { attachments: m.attachments } : {}),
        ...(m.inReplyTo ? { inReplyTo: m.inReplyTo, references: m.references ?? m.inReplyTo } : {}),
      });
    } catch (err) {
      const e = classify(err);
      ctx.log.debug({ channel: 'email' }, e.message);
      throw e;
    }
  },
  async check(o) {
    try {
      await transport(o.smtp_url).verify();
    } catch (err) {
      throw new Error(classify(err).message.replace(/^email: /, ''), { cause: err });
    }
  },
};
