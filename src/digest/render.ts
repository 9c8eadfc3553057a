import type { ChartImage } from './charts.ts';
import {
  at,
  beforeName,
  brandSummary,
  count,
  names,
  net,
  netChange,
  people,
  periodName,
  periodWords,
  quietLine,
  safeLink,
  split,
  teamQuietLine,
  teamTotals,
  usualName,
  volumeChange,
  type Change,
} from './format.ts';
import {
  isTeamReport,
  type AnyDigestReport,
  type DigestIncident,
  type DigestPost,
  type DigestReport,
  type TeamDigestReport,
} from './types.ts';

// The report as HTML that mail clients show (tables, inline styles, no script, no web fonts) and
// as plain text. Every text from the public is escaped: a post is shown, never interpreted.

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const TONE = { good: '#2e7d32', bad: '#c62828', flat: '#555555' } as const;
const LABEL = { negative: '#c0392b', neutral: '#a0a4ab', positive: '#2e8b57' } as const;
const SEVERITY = { critical: '#b3261e', warning: '#b26a00', info: '#2f5d8a' } as const;
const WRAP = 'overflow-wrap:anywhere;word-break:break-word';

const change = (c: Change, what: string) =>
  `<span style="color:${TONE[c.tone]};white-space:nowrap">${c.arrow} ${esc(c.words)}</span> <span style="color:#777">${esc(what)}</span>`;

function figure(title: string, value: string, lines: string[]): string {
  return `<td style="width:33%;padding:10px;vertical-align:top;border:1px solid #e3e5e8;border-radius:6px;${WRAP}">
<div style="font-size:12px;color:#666;text-transform:uppercase">${esc(title)}</div>
<div style="font-size:24px;font-weight:bold;margin:2px 0 4px">${esc(value)}</div>
${lines.map((l) => `<div style="font-size:12px;line-height:1.5">${l}</div>`).join('')}</td>`;
}

const h2 = (s: string) =>
  `<h2 style="font-size:16px;margin:22px 0 8px;padding-bottom:4px;border-bottom:1px solid #e3e5e8">${esc(s)}</h2>`;

function post(p: DigestPost, r: DigestReport, extra = ''): string {
  const href = safeLink(p.url);
  const who = esc(p.author ?? 'someone');
  const facts = [
    p.source,
    at(r, p.createdAt),
    `reach ${people(p.reach)}`,
    `engagement ${count(p.engagement)}`,
    extra,
  ]
    .filter(Boolean)
    .map(esc)
    .join(' · ');
  return `<div style="margin:0 0 10px;padding:6px 10px;border-left:3px solid ${LABEL[p.sentiment]};${WRAP}">
<div style="font-size:13px"><b>${href ? `<a href="${esc(href)}" style="color:#1a4f8b">${who}</a>` : who}</b> <span style="color:#777;font-size:12px">${facts}</span></div>
<div style="font-size:14px;line-height:1.4">${esc(p.text)}</div></div>`;
}

function posts(title: string, list: DigestPost[], r: DigestReport, none: string): string {
  return `${h2(title)}${list.length ? list.map((p) => post(p, r)).join('') : `<p style="color:#777;font-size:14px">${esc(none)}</p>`}`;
}

function incident(i: DigestIncident, r: DigestReport): string {
  const facts = [
    i.status,
    ...(i.acknowledgedBy
      ? [`acknowledged by ${i.acknowledgedBy}${i.acknowledgedAt ? ` at ${at(r, i.acknowledgedAt)}` : ''}`]
      : []),
    `opened ${at(r, i.openedAt)}`,
    ...(i.resolvedAt ? [`resolved ${at(r, i.resolvedAt)}`] : []),
    ...(i.peak ? [`peak ${at(r, i.peak.at)} (${count(i.peak.mentions)} mentions that hour)`] : []),
    `${count(i.mentions)} mentions`,
    `reach ${people(i.reach)}`,
  ];
  return `<div style="margin:0 0 14px;padding:8px 10px;border:1px solid #e3e5e8;border-top:3px solid ${SEVERITY[i.severity]};${WRAP}">
<div style="font-size:12px;color:${SEVERITY[i.severity]};font-weight:bold;text-transform:uppercase">${esc(i.severity)} · ${esc(i.kind.replace(/_/g, ' '))}</div>
<div style="font-size:15px;font-weight:bold;margin:2px 0 4px">${esc(i.title)}</div>
<div style="font-size:13px;color:#444;margin-bottom:6px">${facts.map(esc).join(' · ')}</div>
${i.topPosts.map((p) => post(p, r)).join('')}</div>`;
}

function splitBar(r: DigestReport): string {
  const s = split(r.totals);
  const cells = (['negative', 'neutral', 'positive'] as const)
    .filter((k) => s[k] > 0)
    .map(
      (k) =>
        `<td style="width:${s[k]}%;background:${LABEL[k]};height:10px;font-size:0;line-height:0">&nbsp;</td>`,
    )
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:4px 0"><tr>${cells}</tr></table>
<div style="font-size:13px"><span style="color:${LABEL.negative}">■</span> ${s.negative} % negative (${count(r.totals.negative)}) · <span style="color:${LABEL.neutral}">■</span> ${s.neutral} % neutral (${count(r.totals.neutral)}) · <span style="color:${LABEL.positive}">■</span> ${s.positive} % positive (${count(r.totals.positive)})</div>`;
}

function table(head: string[], rows: string[][]): string {
  const th = head.map(
    (h) =>
      `<th style="text-align:left;padding:4px 6px;color:#666;font-weight:normal;font-size:12px">${esc(h)}</th>`,
  );
  const tr = rows.map(
    (row) =>
      `<tr>${row.map((c) => `<td style="padding:4px 6px;border-top:1px solid #eee;${WRAP}">${esc(c)}</td>`).join('')}</tr>`,
  );
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;table-layout:fixed"><tr>${th.join('')}</tr>${tr.join('')}</table>`;
}

/** The list shows the oldest and widest few of the complaints waiting. */
const more = (r: DigestReport) =>
  r.unansweredCount > r.unanswered.length ? ` (${r.unanswered.length} of ${count(r.unansweredCount)})` : '';

export interface HtmlOptions {
  /** Where each chart's image is found: `cid:…` in a mail, a data: URI or a file in the web copy. */
  imageSrc: (chart: ChartImage) => string;
  charts: ChartImage[];
}

/** The page around a report: 640 px wide at most, readable down to a phone's width. */
function page(r: AnyDigestReport, kicker: string, body: string): string {
  const title = `${r.displayName} · ${periodName(r)} · ${periodWords(r)}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7"><div style="max-width:640px;margin:0 auto;padding:16px;background:#ffffff;font-family:Arial,Helvetica,sans-serif;color:#1d1d1f;box-sizing:border-box">
<div style="font-size:12px;color:#666;text-transform:uppercase">${esc(kicker)}</div>
<h1 style="font-size:22px;margin:2px 0 12px;${WRAP}">${esc(r.displayName)} · ${esc(periodWords(r))}</h1>${body}<p style="color:#888;font-size:12px;margin-top:24px">Built by Earshot ${esc(new Date(r.generatedAt).toISOString())} · ${esc(r.id)}</p></div></body></html>`;
}

const oneLine = (s: string) => `<p style="font-size:15px">${esc(s)}</p>`;

/** The full report as one HTML page: a brand's, or a team's with every brand's inside it. */
export function renderHtml(r: AnyDigestReport, o: HtmlOptions): string {
  if (isTeamReport(r)) return renderTeamHtml(r, o);
  return page(r, `${periodName(r)} · ${r.timezone}`, r.quiet ? oneLine(quietLine(r)) : brandHtml(r, o));
}

/** A brand's figures, charts and lists: the body of its own page and its section of a team's. */
function brandHtml(r: DigestReport, o: HtmlOptions): string {
  const t = r.totals;
  const me = r.shareOfVoice.find((v) => v.brand === r.brand);
  const figures = `<table role="presentation" width="100%" cellpadding="0" cellspacing="6" style="border-collapse:separate;table-layout:fixed"><tr>
${figure('Mentions', count(t.volume), [change(volumeChange(t.volume, r.previous.volume), `vs ${beforeName(r)}`), change(volumeChange(t.volume, r.usual.volume), `vs ${usualName(r)}`)])}
${figure('Net sentiment', net(t.net), [change(netChange(t.net, r.previous.net), `vs ${beforeName(r)}`), change(netChange(t.net, r.usual.net), `vs ${usualName(r)}`)])}
${figure('Incidents', count(r.incidents.length), [`${count(r.incidents.filter((i) => i.status === 'open').length)} not acknowledged`, `${count(r.unansweredCount)} complaint(s) unanswered`])}
</tr></table>`;
  const charts = o.charts
    .map(
      (c) =>
        `<img src="${esc(o.imageSrc(c))}" alt="${esc(c.alt)}" width="${c.width}" style="display:block;width:100%;max-width:${c.width}px;height:auto;margin:8px 0;border:0">`,
    )
    .join('');
  const sov = r.shareOfVoice.length
    ? `${h2('Share of voice')}${table(
        ['brand', 'mentions', 'share'],
        r.shareOfVoice.map((v) => [v.name, count(v.volume), `${v.share} %`]),
      )}${me ? `<p style="font-size:13px;color:#555">${esc(r.displayName)} had ${me.share} % of the conversation.</p>` : ''}`
    : '';
  const answers = r.unanswered.length
    ? `${h2(`Needs an answer today${more(r)}`)}${r.unanswered.map((p) => post(p, r, `waiting ${p.waitingHours} h`)).join('')}`
    : '';
  const sources = r.sources.length
    ? table(
        ['source', 'mentions'],
        r.sources.map((s) => [s.source, count(s.mentions)]),
      )
    : '';
  const authors = r.authors.length
    ? table(
        ['author', 'mentions', 'reach'],
        r.authors.map((a) => [`${a.author} (${a.source})`, count(a.mentions), people(a.reach)]),
      )
    : '';
  const leads = [
    ...r.questions.map((p) => ({ p, what: 'question' })),
    ...r.purchaseIntents.map((p) => ({ p, what: 'about to buy' })),
  ];
  return `${figures}
${h2('Sentiment')}${splitBar(r)}${charts}${sov}
${h2(r.incidents.length ? 'Incidents' : 'Incidents: none')}${r.incidents.map((i) => incident(i, r)).join('')}
${answers}
${posts('Top negative', r.topNegative, r, 'No negative mention.')}
${posts('Top positive', r.topPositive, r, 'No positive mention.')}
${leads.length ? `${h2('For marketing and sales')}${leads.map(({ p, what }) => post(p, r, what)).join('')}` : ''}
${sources || authors ? `${h2('Top sources and authors')}${sources}<div style="height:8px"></div>${authors}` : ''}
`;
}

/** Where a brand's section of a team's page begins (the summary links to it). */
const anchor = (r: DigestReport) => `brand-${r.brand}`;

/** A brand's card in a team's summary: its figures with their arrows, coloured by its worst incident. */
function summaryCard(r: DigestReport): string {
  const worst = r.incidents[0];
  const edge = worst ? SEVERITY[worst.severity] : '#e3e5e8';
  const name = `<a href="#${anchor(r)}" style="color:#1d1d1f;text-decoration:none">${esc(r.displayName)}</a>`;
  const t = r.totals;
  const open = r.incidents.filter((i) => i.status === 'open').length;
  const facts = r.quiet
    ? '<span style="color:#777">A quiet day: no mention, no incident, no complaint waiting.</span>'
    : [
        `<b>${count(t.volume)}</b> mentions ${change(volumeChange(t.volume, r.previous.volume), `vs ${beforeName(r)}`)}`,
        `net sentiment <b>${net(t.net)}</b> ${change(netChange(t.net, r.previous.net), `vs ${beforeName(r)}`)}, ${change(netChange(t.net, r.usual.net), `vs ${usualName(r)}`)}`,
        `<b>${count(r.incidents.length)}</b> incident(s)${r.incidents.length ? ` (${count(open)} not acknowledged)` : ''}${worst ? `, the worst <span style="color:${SEVERITY[worst.severity]}">${esc(worst.severity)}</span>: ${esc(worst.title)}` : ''}`,
        `<b>${count(r.unansweredCount)}</b> complaint(s) waiting for an answer`,
      ]
        .map((l) => `<div>${l}</div>`)
        .join('');
  return `<div style="margin:0 0 8px;padding:8px 10px;border:1px solid #e3e5e8;border-left:4px solid ${edge};${WRAP}">
<div style="font-size:15px;font-weight:bold;margin-bottom:2px">${name}</div>
<div style="font-size:13px;line-height:1.6">${facts}</div></div>`;
}

/** A team's page: the summary of its brands, worst first, then each brand's own report. */
function renderTeamHtml(t: TeamDigestReport, o: HtmlOptions): string {
  const kicker = `${periodName(t)} · ${t.timezone} · ${names(t.brands.map((b) => b.displayName))}`;
  if (t.quiet) return page(t, kicker, oneLine(teamQuietLine(t)));
  const s = teamTotals(t);
  const total = `<p style="font-size:14px;margin:0 0 10px">${count(t.brands.length)} brand(s): <b>${count(s.mentions)}</b> mentions, <b>${count(s.incidents)}</b> incident(s) (${count(s.notAcknowledged)} not acknowledged), <b>${count(s.waiting)}</b> complaint(s) waiting. Worst first.</p>`;
  const sections = t.brands.map(
    (r) =>
      `<h2 id="${esc(anchor(r))}" style="font-size:19px;margin:30px 0 6px;padding-top:10px;border-top:3px solid #1d1d1f;${WRAP}">${esc(r.displayName)}</h2>${
        r.quiet
          ? oneLine(quietLine(r))
          : brandHtml(r, { ...o, charts: o.charts.filter((c) => c.report === r.id) })
      }`,
  );
  return page(t, kicker, `${total}${t.brands.map(summaryCard).join('')}${sections.join('\n')}`);
}

const line = (p: DigestPost, r: DigestReport, extra = '') =>
  `- ${p.author ?? 'someone'} (${p.source}, ${at(r, p.createdAt)}, reach ${people(p.reach)}${extra}): ${p.text}${safeLink(p.url) ? `\n  ${p.url}` : ''}`;

const textTitle = (r: AnyDigestReport) =>
  `${r.displayName} · ${periodName(r)} · ${periodWords(r)} (${r.timezone})`;
const textFoot = (r: AnyDigestReport) =>
  `Built by Earshot ${new Date(r.generatedAt).toISOString()} · ${r.id}`;

/** The same report as plain text, for mail clients that show no HTML (and for the console). */
export function renderText(r: AnyDigestReport): string {
  if (isTeamReport(r)) return renderTeamText(r);
  if (r.quiet) return [textTitle(r), '', quietLine(r), ''].join('\n');
  return [textTitle(r), '', ...brandText(r), '', textFoot(r), ''].join('\n');
}

function renderTeamText(t: TeamDigestReport): string {
  const out = [textTitle(t), ''];
  if (t.quiet) return [...out, teamQuietLine(t), ''].join('\n');
  const s = teamTotals(t);
  out.push(
    `${count(t.brands.length)} brand(s): ${count(s.mentions)} mentions, ${count(s.incidents)} incident(s) (${count(s.notAcknowledged)} not acknowledged), ${count(s.waiting)} complaint(s) waiting. Worst first:`,
    ...t.brands.map((r) => `- ${brandSummary(r)}`),
  );
  for (const r of t.brands)
    out.push('', `=== ${r.displayName} ===`, '', ...(r.quiet ? [quietLine(r)] : brandText(r)));
  return [...out, '', textFoot(t), ''].join('\n');
}

/** A brand's figures and lists in plain text: the body of its report and its section of a team's. */
function brandText(r: DigestReport): string[] {
  const out: string[] = [];
  const t = r.totals;
  const c = (x: Change) => `${x.arrow} ${x.words}`;
  const s = split(t);
  out.push(
    `Mentions: ${count(t.volume)} (${c(volumeChange(t.volume, r.previous.volume))} vs ${beforeName(r)}, ${c(volumeChange(t.volume, r.usual.volume))} vs ${usualName(r)})`,
    `Net sentiment: ${net(t.net)} (${c(netChange(t.net, r.previous.net))} vs ${beforeName(r)}, ${c(netChange(t.net, r.usual.net))} vs ${usualName(r)})`,
    `Sentiment: ${s.negative} % negative, ${s.neutral} % neutral, ${s.positive} % positive`,
  );
  if (r.shareOfVoice.length)
    out.push(`Share of voice: ${r.shareOfVoice.map((v) => `${v.name} ${v.share} %`).join(', ')}`);
  out.push('', r.incidents.length ? 'Incidents:' : 'Incidents: none');
  for (const i of r.incidents) {
    out.push(
      `* [${i.severity}] ${i.title}`,
      `  ${i.status}${i.acknowledgedBy ? ` · acknowledged by ${i.acknowledgedBy}` : ''} · opened ${at(r, i.openedAt)}${i.peak ? ` · peak ${at(r, i.peak.at)} (${count(i.peak.mentions)})` : ''} · ${count(i.mentions)} mentions · reach ${people(i.reach)}`,
      ...i.topPosts.map((p) => `  ${line(p, r)}`),
    );
  }
  const section = (title: string, list: string[]) => (list.length ? ['', `${title}:`, ...list] : []);
  out.push(
    ...section(
      `Needs an answer today${more(r)}`,
      r.unanswered.map((p) => line(p, r, `, waiting ${p.waitingHours} h`)),
    ),
    ...section(
      'Top negative',
      r.topNegative.map((p) => line(p, r)),
    ),
    ...section(
      'Top positive',
      r.topPositive.map((p) => line(p, r)),
    ),
    ...section(
      'Questions',
      r.questions.map((p) => line(p, r)),
    ),
    ...section(
      'About to buy',
      r.purchaseIntents.map((p) => line(p, r)),
    ),
    ...section(
      'Top sources',
      r.sources.map((x) => `- ${x.source}: ${count(x.mentions)}`),
    ),
    ...section(
      'Top authors',
      r.authors.map((a) => `- ${a.author} (${a.source}): ${count(a.mentions)}, reach ${people(a.reach)}`),
    ),
  );
  return out;
}

/** The web copy: the page with its charts inside it (data: URIs), one file to open or forward. */
export function renderWebPage(r: AnyDigestReport, charts: ChartImage[]): string {
  return renderHtml(r, { charts, imageSrc: (c) => `data:image/png;base64,${c.png.toString('base64')}` });
}
