import type { Config } from '../config.ts';
import type { Store } from '../db/client.ts';
import { buildDigest, buildTeamDigest, digestPath, saveHtml, type BuiltDigest } from '../digest/build.ts';
import { count, net, teamTotals } from '../digest/format.ts';
import { addDays, checkDate, localDate } from '../digest/time.ts';
import { isTeamReport, type AnyDigestReport } from '../digest/types.ts';

export interface DigestCommandOptions {
  /** A brand, or a team of `digest.teams`: one of the two. */
  brand?: string;
  team?: string;
  /** YYYY-MM-DD, the brand's (or team's) local day; yesterday there by default. */
  date?: string;
  week?: boolean;
  /** Where the HTML goes; the usual place under data/digests/ by default. */
  out?: string;
}

const where = (config: Config) => config.file ?? 'the configuration';

async function build(
  store: Store,
  config: Config,
  o: DigestCommandOptions,
  now: number,
): Promise<BuiltDigest<AnyDigestReport>> {
  const period = o.week ? 'week' : 'day';
  const day = (tz: string) => (o.date !== undefined ? checkDate(o.date) : addDays(localDate(tz, now), -1));
  if ((o.brand === undefined) === (o.team === undefined))
    throw new Error('name a brand (--brand B) or a team (--team T), one of the two');
  if (o.team !== undefined) {
    const team = config.digest.teams.find((t) => t.name === o.team);
    if (!team)
      throw new Error(
        `no team is named "${o.team}" under digest.teams in ${where(config)} (teams: ${config.digest.teams.map((t) => t.name).join(', ') || 'none'})`,
      );
    const built = await buildTeamDigest(store, config, team, period, day(team.timezone), now);
    if (!built) throw new Error(`none of team ${team.name}'s brands is configured`);
    return built;
  }
  const brand = config.brands.find((b) => b.name === o.brand);
  if (!brand)
    throw new Error(
      `no brand is named "${o.brand}" in ${where(config)} (brands: ${config.brands.map((b) => b.name).join(', ') || 'none'})`,
    );
  return buildDigest(store, config, brand, period, day(brand.timezone), now);
}

function contents(r: AnyDigestReport): string {
  if (r.quiet) return `a quiet ${r.period}`;
  if (!isTeamReport(r))
    return `${count(r.totals.volume)} mentions, net sentiment ${net(r.totals.net)}, ${r.incidents.length} incident(s), ${r.unansweredCount} unanswered complaint(s)`;
  const s = teamTotals(r);
  const brands = r.brands.map((b) => `${b.brand} ${count(b.totals.volume)}, net ${net(b.totals.net)}`);
  return `${r.brands.length} brand(s) (${brands.join('; ')}), ${count(s.mentions)} mentions, ${s.incidents} incident(s), ${s.waiting} unanswered complaint(s)`;
}

/**
 * `earshot digest --brand B | --team T [--date D] [--week] [--out FILE]`: builds any day's report
 * from the database and saves its web copy, without sending it. Returns the line to print; throws
 * a one-line reason.
 */
export async function runDigest(
  store: Store,
  config: Config,
  o: DigestCommandOptions,
  now: number,
): Promise<string> {
  const built: BuiltDigest<AnyDigestReport> = await build(store, config, o, now);
  const file = o.out ?? digestPath(config.settings.dataDir, built.report);
  try {
    saveHtml(file, built.html);
  } catch (err) {
    throw new Error(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: err,
    });
  }
  const r = built.report;
  return `${r.id} (${r.from === r.date ? r.date : `${r.from} to ${r.date}`}, ${r.timezone}): ${contents(r)}; written to ${file}\n`;
}
