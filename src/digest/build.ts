import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Brand, Config, TeamDigest } from '../config.ts';
import type { Store } from '../db/client.ts';
import { renderCharts, type ChartImage } from './charts.ts';
import { renderWebPage } from './render.ts';
import { buildReport, type Period } from './report.ts';
import { buildTeamReport } from './team.ts';
import { isTeamReport, type AnyDigestReport, type DigestReport, type TeamDigestReport } from './types.ts';

export interface BuiltDigest<R extends AnyDigestReport = DigestReport> {
  report: R;
  charts: ChartImage[];
  /** The web copy: one HTML file with its charts inside. */
  html: string;
}

// A report's charts are drawn once per process: the web copy, the email and a retry share them.
const drawn = new Map<string, ChartImage[]>();
const DRAWN_MAX = 16;

/** The charts of a report, drawn on first use: a team's are its brands', in the order of its sections. */
export function chartsOf(report: AnyDigestReport): ChartImage[] {
  if (isTeamReport(report)) return report.brands.flatMap(chartsOf);
  const key = createHash('sha256').update(JSON.stringify(report)).digest('hex');
  let charts = drawn.get(key);
  if (!charts) {
    charts = renderCharts(report);
    drawn.set(key, charts);
    for (const old of drawn.keys()) if (drawn.size > DRAWN_MAX) drawn.delete(old);
  }
  return charts;
}

/** Figures, charts and the web page of one brand's day (or week ending that day). */
export async function buildDigest(
  store: Store,
  config: Config,
  brand: Brand,
  period: Period,
  date: string,
  now: number,
): Promise<BuiltDigest> {
  const report = await buildReport(store, config, brand, period, date, now);
  const charts = chartsOf(report);
  return { report, charts, html: renderWebPage(report, charts) };
}

/**
 * The team's report over its brands, with every brand's charts, and its web page; undefined when
 * none of its brands is configured any more.
 */
export async function buildTeamDigest(
  store: Store,
  config: Config,
  team: TeamDigest,
  period: Period,
  date: string,
  now: number,
): Promise<BuiltDigest<TeamDigestReport> | undefined> {
  const report = await buildTeamReport(store, config, team, period, date, now);
  if (!report) return undefined;
  const charts = chartsOf(report);
  return { report, charts, html: renderWebPage(report, charts) };
}

/**
 * `<dataDir>/digests/<brand>-<date>.html`, `team-<team>-<date>.html` for a team's (`-week-`
 * before the date for a weekly one).
 */
export function digestPath(dataDir: string, report: AnyDigestReport): string {
  const who = isTeamReport(report) ? `team-${report.team}` : report.brand;
  const name = `${who}${report.period === 'week' ? '-week' : ''}-${report.date}.html`;
  return path.join(dataDir, 'digests', name);
}

/** Writes the web copy whole or not at all (a reader never sees half a page). */
export function saveHtml(file: string, html: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, html);
  renameSync(tmp, file);
}
