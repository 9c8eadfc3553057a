import type { Config, TeamDigest } from '../config.ts';
import type { Store } from '../db/client.ts';
import { buildReport, digestId, span, type Period } from './report.ts';
import type { DigestReport, TeamDigestReport } from './types.ts';

/** What a team's digest keeps in the brand column of the digests table and the outbox. */
export const teamKey = (team: string) => `team:${team}`;

export const teamDigestId = (team: string, period: Period, date: string) =>
  digestId(teamKey(team), period, date);

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/**
 * Worst first: the gravest incident of the day, then more incidents nobody acknowledged, then more
 * complaints waiting, then the lower net sentiment. Quiet brands end the list.
 */
function worstFirst(a: DigestReport, b: DigestReport): number {
  const key = (r: DigestReport) => [
    Math.min(3, ...r.incidents.map((i) => SEVERITY_RANK[i.severity])),
    -r.incidents.filter((i) => i.status === 'open').length,
    -r.unansweredCount,
    r.totals.net ?? Number.POSITIVE_INFINITY,
  ];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] ?? 0) < (kb[i] ?? 0) ? -1 : 1;
  return 0;
}

/**
 * The team's report: each of its brands' own report (src/digest/report.ts), built over the team's
 * local day, so that the figures side by side count the same hours. Brands no longer configured
 * are left out; undefined when none is left.
 */
export async function buildTeamReport(
  store: Store,
  config: Config,
  team: TeamDigest,
  period: Period,
  date: string,
  now: number,
): Promise<TeamDigestReport | undefined> {
  const brands: DigestReport[] = [];
  for (const name of team.brands) {
    const brand = config.brands.find((b) => b.name === name);
    if (brand)
      brands.push(await buildReport(store, config, { ...brand, timezone: team.timezone }, period, date, now));
  }
  if (brands.length === 0) return undefined;
  const { from, start, end } = span(team.timezone, period, date);
  return {
    kind: 'team',
    id: teamDigestId(team.name, period, date),
    brand: teamKey(team.name),
    team: team.name,
    displayName: team.displayName,
    period,
    from,
    date,
    timezone: team.timezone,
    start,
    end,
    generatedAt: now,
    brands: brands.sort(worstFirst),
    quiet: brands.every((b) => b.quiet),
  };
}
