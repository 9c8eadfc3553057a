import { z } from 'zod';
import { WEEKDAYS, type Brand, type DigestSettings } from '../src/config.ts';
import { claimDigest, sentDigests } from '../src/db/digests.ts';
import { historyStart } from '../src/db/series.ts';
import { buildDigest, digestPath, saveHtml } from '../src/digest/build.ts';
import { subject } from '../src/digest/format.ts';
import { digestId, type Period } from '../src/digest/report.ts';
import { addDays, dayRange, localDate, localTime, weekday } from '../src/digest/time.ts';
import type { DigestReport } from '../src/digest/types.ts';
import { jobIdFor } from '../src/queue/index.ts';
import type { AlertPayload } from '../src/types.ts';
import type { JobContext } from './context.ts';

/** The outbox kind of a digest: its deliveries render the stored report, not an incident. */
export const DIGEST_KIND = 'digest';

export const digestPayload = z.object({
  brand: z.string(),
  period: z.enum(['day', 'week']),
  date: z.string(),
});
export type DigestPayload = z.infer<typeof digestPayload>;

/** The outbox row of a digest: enough for `earshot alerts` to list it and for a delivery to find it. */
export function digestMessage(report: DigestReport, now: number): AlertPayload {
  return {
    at: new Date(now).toISOString(),
    brand: report.brand,
    kind: DIGEST_KIND,
    polarity: 'neutral',
    severity: 'info',
    incident_id: report.id,
    title: subject(report),
    mention_ids: [],
    evidence: { period: report.period, date: report.date, mentions: report.totals.volume },
  };
}

/** One job per (brand, period, date): its id and the digests row both make sure it goes out once. */
export const digestJob = {
  queue: 'digest' as const,
  attempts: 3,
  backoffMs: 30_000,
  /** How often the schedule looks for digests due (and missed ones). */
  everyMs: 60_000,
  jobId: (brand: string, period: Period, date: string) => jobIdFor('digest', brand, period, date),
  /** Builds, saves and hands the report to the outbox; 'skipped' when it went out already. */
  handle(ctx: JobContext, data: DigestPayload): 'sent' | 'skipped' {
    const brand = ctx.config.brands.find((b) => b.name === data.brand);
    if (!brand) return 'skipped';
    const id = digestId(brand.name, data.period, data.date);
    if (sentDigests(ctx.store, brand.name, data.date).has(id)) return 'skipped';
    const now = ctx.clock.now().getTime();
    const built = buildDigest(ctx.store, ctx.config, brand, data.period, data.date, now);
    const file = digestPath(ctx.config.settings.dataDir, built.report);
    saveHtml(file, built.html);
    const channels = ctx.config.digest.channels;
    const claimed = claimDigest(
      ctx.store,
      built.report,
      file,
      digestMessage(built.report, now),
      channels,
      now,
    );
    if (claimed)
      ctx.log.info(
        { digest: id, channels, file },
        `digest ${id} built: ${built.report.totals.volume} mention(s)${channels.length ? `, to ${channels.join(', ')}` : ''}`,
      );
    return claimed ? 'sent' : 'skipped';
  },
};

/**
 * The reports of `brand` whose time has come by `now` and that were not sent: yesterday's once the
 * local clock reads `digest.time`, the weekly one on its day, and those missed during downtime up
 * to `catch_up` days back. Days before the brand's first stored mention have nothing to tell.
 */
export function dueDigests(
  brand: Brand,
  settings: DigestSettings,
  now: number,
  sent: ReadonlySet<string>,
  firstMention: number | null,
): DigestPayload[] {
  if (!brand.digest || firstMention === null) return [];
  const tz = brand.timezone;
  const [hh, mm] = settings.time.split(':').map(Number);
  const today = localDate(tz, now);
  const due: DigestPayload[] = [];
  for (let k = settings.catchUpDays; k >= 0; k--) {
    const sendDay = addDays(today, -k);
    if (localTime(tz, sendDay, hh, mm) > now) continue;
    const date = addDays(sendDay, -1);
    if (dayRange(tz, date).end <= firstMention) continue;
    const want: Period[] = ['day'];
    if (settings.weekly !== 'off' && weekday(sendDay) === WEEKDAYS.indexOf(settings.weekly))
      want.push('week');
    for (const period of want)
      if (!sent.has(digestId(brand.name, period, date))) due.push({ brand: brand.name, period, date });
  }
  return due;
}

/** The schedule's tick: queues every digest due, each under its own id (a no-op when queued already). */
export async function queueDueDigests(ctx: JobContext, now: number): Promise<number> {
  let queued = 0;
  for (const brand of ctx.config.brands) {
    const since = addDays(localDate(brand.timezone, now), -ctx.config.digest.catchUpDays - 2);
    const due = dueDigests(
      brand,
      ctx.config.digest,
      now,
      sentDigests(ctx.store, brand.name, since),
      historyStart(ctx.store, brand.name),
    );
    for (const d of due)
      if (
        await ctx.queue.add('digest', d, {
          jobId: digestJob.jobId(d.brand, d.period, d.date),
          attempts: digestJob.attempts,
          backoffMs: digestJob.backoffMs,
        })
      )
        queued++;
  }
  return queued;
}
