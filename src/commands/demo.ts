import { buildConfig } from '../config.ts';
import { simulate, type Truth } from '../simulate/index.ts';
import type { AlertPayload } from '../types.ts';
import { replayObservations, type ReplayedIncident, type ReplayResult } from './replay.ts';

export interface DemoOptions {
  seed: number;
  days: number;
  start: number;
}

export const DEMO_DEFAULTS: DemoOptions = { seed: 7, days: 10, start: Date.parse('2026-01-05T00:00:00Z') };

/**
 * `npm run demo`: ten simulated days of two brands, one of which meets an outrage, replayed through
 * the whole pipeline with the default settings. No network, no keys, nothing sent: it prints what a
 * person would have received, then what really happened.
 */
export async function runDemo(out: NodeJS.WritableStream, opts: DemoOptions = DEMO_DEFAULTS): Promise<void> {
  const lines: string[] = [];
  const createdAt = new Map<string, number>();
  const it = simulate({ scenario: 'mixed', kinds: ['outrage', 'quiet'], brands: 2, ...opts });
  let r = it.next();
  for (; !r.done; r = it.next()) {
    lines.push(JSON.stringify(r.value));
    createdAt.set(r.value.id, Date.parse(r.value.created_at));
  }
  const truth = r.value;
  const result = await replayObservations(lines, buildConfig({}, {}));
  out.write(renderDemo(truth, result, createdAt));
}

const WHEN = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: '2-digit',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  hourCycle: 'h23',
});
const when = (t: number | string) => WHEN.format(new Date(t)).replace(',', '');
const count = (n: number) => n.toLocaleString('en');
const short = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The demo's page: readable in a terminal, short. Pure, so that it can be tested. */
export function renderDemo(truth: Truth, result: ReplayResult, createdAt: Map<string, number>): string {
  const lines = [
    `Earshot demo: ${count(result.observations)} simulated observations of ${truth.brands.map((b) => b.brand).join(' and ')} over ${Math.round((Date.parse(truth.end) - Date.parse(truth.start)) / 86_400_000)} days (UTC),`,
    'replayed through the whole pipeline with the default settings. Nothing was sent; this is what you would have received.',
    '',
    `Alerts, in time order (${result.alerts.length})`,
    ...(result.alerts.length === 0 ? ['  none'] : result.alerts.map(alertLine)),
    '',
    `Incidents (${result.incidents.length})`,
    ...result.incidents.flatMap((i) => lifecycle(i, result.alerts, truth, createdAt)),
    '',
    'What really happened',
    ...truth.brands.map((b) =>
      b.incident
        ? `  ${b.brand}: ${b.kind.replace('_', ' ')} from ${when(b.incident.start)} to ${when(b.incident.end)}, ${count(b.incident.mention_ids.length)} mentions`
        : `  ${b.brand}: ${b.kind}, nothing to report`,
    ),
    '',
  ];
  return lines.join('\n');
}

function alertLine(a: AlertPayload): string {
  const what = `${a.update ? '(update) ' : ''}${a.title}`;
  return `  ${when(a.at)}  ${a.severity.padEnd(8)}  ${a.brand.padEnd(14)}  ${a.kind}  ${short(what, 80)}`;
}

/** How one incident went: opened, raised, resolved or still open, and how it compares with the truth. */
function lifecycle(
  i: ReplayedIncident,
  alerts: AlertPayload[],
  truth: Truth,
  createdAt: Map<string, number>,
): string[] {
  const own = alerts.filter((a) => a.incident_id === i.id);
  const first = own[0];
  const story = truth.brands.find((b) => b.brand === i.brand)?.incident;
  const at = first ? Date.parse(first.at) : i.openedAt;
  const during =
    story !== null && story !== undefined && at >= Date.parse(story.start) && at <= Date.parse(story.end);
  const out = story?.mention_ids.filter((id) => (createdAt.get(id) ?? Infinity) <= at).length ?? 0;
  const lead = during
    ? ` — ${Math.round((at - Date.parse(story.start)) / 60_000)} min after the story began, ${count(out)} of its ${count(story.mention_ids.length)} posts out`
    : ' — a false alarm: nothing was happening to this brand then';
  const lines = [
    `  ${i.id} (${i.brand}, ${i.polarity} ${i.kind}, ${count(i.mentionCount)} mentions)`,
    `    opened    ${when(i.openedAt)} as ${first?.severity ?? i.severity}${lead}`,
  ];
  for (const a of own.slice(1)) lines.push(`    raised    ${when(a.at)} to ${a.severity}`);
  lines.push(
    i.resolvedAt !== null
      ? `    resolved  ${when(i.resolvedAt)}, after a quiet period`
      : `    ${i.status.padEnd(9)} at the end of the replay`,
  );
  return lines;
}
