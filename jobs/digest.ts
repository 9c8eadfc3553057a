import { z } from 'zod';
import { WEEKDAYS, type Brand, type DigestSettings, type TeamDigest } from '../src/config.ts';
import { claimDigest, sentDigests } from '../src/db/digests.ts';
import { historyStart } from '../src/db/series.ts';
import { buildDigest, buildTeamDigest, digestPath, saveHtml, type BuiltDigest } from '../src/digest/build.ts';
import { subject, teamTotals } from '../src/digest/format.ts';
import { digestId, type Period } from '../src/digest/report.ts';
import { teamDigestId, teamKey } from '../src/digest/team.ts';
import { addDays, dayRange, localDate, localTime, weekday } from '../src/digest/time.ts';
import { isTeamReport, type AnyDigestReport, type DigestReport } from '../src/digest/types.ts';
import { jobIdFor } from '../src/queue/index.ts';
import type { AlertPayload } from '../src/types.ts';
import type { JobContext } from './context.ts';

/** The outbox kind of a digest: its deliveries render the stored report, not an incident. */
export const DIGEST_KIND = 'digest';

const period = z.enum(['day', 'week']);
/** A brand's report, or a team's (`team` names one of `digest.teams`). */
export const digestPayload = z.union([
  z.object({ brand: z.string(), period, date: z.string() }),
  z.object({ team: z.string(), period, date: z.string() }),
]);
export type DigestPayload = z.infer<typeof digestPayload>;

const mentionsOf = (r: AnyDigestReport) => (isTeamReport(r) ? teamTotals(r).mentions : r.totals.volume);

/** The outbox row of a digest: enough for `earshot alerts` to list it and for a delivery to find it. */
export function digestMessage(report: AnyDigestReport, now: number): AlertPayload {
  return {
    at: new Date(now).toISOString(),
    brand: report.brand,
    kind: DIGEST_KIND,
    polarity: 'neutral',
    severity: 'info',
    incident_id: report.id,
    title: subject(report),
    mention_ids: [],
    evidence: {
      period: report.period,
      date: report.date,
      mentions: mentionsOf(report),
      ...(isTeamReport(report) ? { brands: report.brands.map((b) => b.brand).join(', ') } : {}),
    },
  };
}

/**
 * One job per (brand or team, period, date): its id and the digests row both make sure it goes
 * out once. A team's goes by `team:<name>`, which no brand can be named.
 */
export const digestJob = {
  queue: 'digest' as const,
  attempts: 3,
  backoffMs: 30_000,
  /** How often the schedule looks for digests due (and missed ones). */
  everyMs: 60_000,
  jobId: (who: string, period: Period, date: string) => jobIdFor('digest', who, period, date),
  /** Builds, saves and hands the report to the outbox; 'skipped' when it went out already. */
  async handle(ctx: JobContext, data: DigestPayload): Promise<'sent' | 'skipped'> {
    const now = ctx.clock.now().getTime();
    let built: BuiltDigest<AnyDigestReport> | undefined;
    let channels: string[];
    if ('team' in data) {
      const team = ctx.config.digest.teams.find((t) => t.name === data.team);
      if (!team) return 'skipped';
      const id = teamDigestId(team.name, data.period, data.date);
      if ((await sentDigests(ctx.store, teamKey(team.name), data.date)).has(id)) return 'skipped';
      built = await buildTeamDigest(ctx.store, ctx.config, team, data.period, data.date, now);
      channels = team.channels;
    } else {
      const brand = ctx.config.brands.find((b) => b.name === data.brand);
      if (!brand) return 'skipped';
      const id = digestId(brand.name, data.period, data.date);
      if ((await sentDigests(ctx.store, brand.name, data.date)).has(id)) return 'skipped';
      built = await buildDigest(ctx.store, ctx.config, brand, data.period, data.date, now);
      channels = ctx.config.digest.channels;
    }
    if (!built) return 'skipped';
    const { report } = built;
    const file = digestPath(ctx.config.settings.dataDir, report);
    saveHtml(file, built.html);
    const claimed = await claimDigest(
      ctx.store,
      // The digests table keeps any report as JSON; claimDigest reads only its id, brand column,
      // period, date and time zone, which a team's report has like a brand's.
      report as DigestReport,
      file,
      digestMessage(report, now),
      channels,
      now,
    );
    if (claimed)
      ctx.log.info(
        { digest: report.id, channels, file },
        `digest ${report.id} built: ${mentionsOf(report)} mention(s)${channels.length ? `, to ${channels.join(', ')}` : ''}`,
      );
    return claimed ? 'sent' : 'skipped';
  },
};

/** Whose report, on whose clock: a brand's own, or a team's. */
interface Recipient {
  /** The digests table's brand column: the brand's name, or `team:<name>`. */
  key: string;
  timezone: string;
  time: string;
}

/**
 * The (period, date) reports of `who` whose time has come by `now` and that were not sent:
 * yesterday's once the local clock reads its time, the weekly one on its day, and those missed
 * during downtime up to `catch_up` days back. Days before the first stored mention have nothing to tell.
 */
function dueFor(
  who: Recipient,
  settings: DigestSettings,
  now: number,
  sent: ReadonlySet<string>,
  firstMention: number | null,
): { period: Period; date: string }[] {
  if (firstMention === null) return [];
  const tz = who.timezone;
  const [hh, mm] = who.time.split(':').map(Number);
  const today = localDate(tz, now);
  const due: { period: Period; date: string }[] = [];
  for (let k = settings.catchUpDays; k >= 0; k--) {
    const sendDay = addDays(today, -k);
    if (localTime(tz, sendDay, hh, mm) > now) continue;
    const date = addDays(sendDay, -1);
    if (dayRange(tz, date).end <= firstMention) continue;
    const want: Period[] = ['day'];
    if (settings.weekly !== 'off' && weekday(sendDay) === WEEKDAYS.indexOf(settings.weekly))
      want.push('week');
    for (const period of want) if (!sent.has(digestId(who.key, period, date))) due.push({ period, date });
  }
  return due;
}

/** The brand's own reports due by `now` (none with `digest: false`). */
export function dueDigests(
  brand: Brand,
  settings: DigestSettings,
  now: number,
  sent: ReadonlySet<string>,
  firstMention: number | null,
): DigestPayload[] {
  if (!brand.digest) return [];
  const who = { key: brand.name, timezone: brand.timezone, time: settings.time };
  return dueFor(who, settings, now, sent, firstMention).map((d) => ({ brand: brand.name, ...d }));
}

/** The team's reports due by `now`, on its clock; `firstMention` is the earliest of its brands'. */
export function dueTeamDigests(
  team: TeamDigest,
  settings: DigestSettings,
  now: number,
  sent: ReadonlySet<string>,
  firstMention: number | null,
): DigestPayload[] {
  const who = { key: teamKey(team.name), timezone: team.timezone, time: team.time };
  return dueFor(who, settings, now, sent, firstMention).map((d) => ({ team: team.name, ...d }));
}

/** The schedule's tick: queues every digest due, each under its own id (a no-op when queued already). */
export async function queueDueDigests(ctx: JobContext, now: number): Promise<number> {
  const { digest } = ctx.config;
  const since = (tz: string) => addDays(localDate(tz, now), -digest.catchUpDays - 2);
  const due: { payload: DigestPayload; who: string }[] = [];
  for (const brand of ctx.config.brands)
    for (const d of dueDigests(
      brand,
      digest,
      now,
      await sentDigests(ctx.store, brand.name, since(brand.timezone)),
      await historyStart(ctx.store, brand.name),
    ))
      due.push({ payload: d, who: brand.name });
  for (const team of digest.teams) {
    const starts: number[] = [];
    for (const b of team.brands) {
      const start = await historyStart(ctx.store, b);
      if (start !== null) starts.push(start);
    }
    const key = teamKey(team.name);
    for (const d of dueTeamDigests(
      team,
      digest,
      now,
      await sentDigests(ctx.store, key, since(team.timezone)),
      starts.length ? Math.min(...starts) : null,
    ))
      due.push({ payload: d, who: key });
  }
  let queued = 0;
  for (const { payload, who } of due)
    if (
      await ctx.queue.add('digest', payload, {
        jobId: digestJob.jobId(who, payload.period, payload.date),
        attempts: digestJob.attempts,
        backoffMs: digestJob.backoffMs,
      })
    )
      queued++;
  return queued;
}
