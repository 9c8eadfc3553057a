import { z } from 'zod';
import { analyzeMention } from '../src/analysis/index.ts';
import type { Brand, SourceEntry } from '../src/config.ts';
import { storageFault } from '../src/db/client.ts';
import { getCursor, recentIds, recordPollFailure, recordReadings, storePoll } from '../src/db/mentions.ts';
import { markCopies, rescore } from './twins.ts';
import { errorMessage, SourceRateLimitedError } from '../src/errors.ts';
import { countMentionsStored, countPollError } from '../src/metrics.ts';
import { redact } from '../src/redact.ts';
import { compileQuery } from '../src/query.ts';
import { jobIdFor } from '../src/queue/index.ts';
import { getSource } from '../src/sources/index.ts';
import type { AnySource } from '../src/sources/types.ts';
import type { Logger } from 'pino';
import type { AnalyzedMention, Mention } from '../src/types.ts';
import type { JobContext } from './context.ts';
import { detectJob } from './detect.ts';
import { backoffRemaining, clearSilent, raiseSilent } from './source-health.ts';

export const pollPayload = z.object({
  brand: z.string(),
  source: z.string(),
  tick: z.number(),
  /** `refresh` re-reads the engagement of recent mentions instead of looking for new ones. */
  mode: z.enum(['poll', 'refresh']).default('poll'),
});
export type PollPayload = z.infer<typeof pollPayload>;

/** One poll per (brand, source entry, tick): the id is the same in every process that computes it. */
export const pollJob = {
  queue: 'poll' as const,
  // A failed poll is not retried within its tick: the next tick polls again from the same cursor.
  attempts: 1,
  jobId: (brand: string, sourceKey: string, tick: number, mode: 'poll' | 'refresh' = 'poll') =>
    jobIdFor(mode, brand, sourceKey, String(tick)),
  async handle(ctx: JobContext, data: PollPayload): Promise<void> {
    const brand = ctx.config.brands.find((b) => b.name === data.brand);
    const entry = brand?.sources.find((s) => s.key === data.source);
    if (!brand || !entry) return;
    if (data.mode === 'refresh') {
      await runRefresh(ctx, brand, entry);
      return;
    }
    const result = await runPoll(ctx, brand, entry);
    if (result.stored > 0) {
      await ctx.queue.add(
        'detect',
        { brand: brand.name, tick: data.tick },
        {
          jobId: detectJob.jobId(brand.name, data.tick),
          attempts: detectJob.attempts,
          backoffMs: detectJob.backoffMs,
        },
      );
    }
  },
};

const matchers = new Map<string, (text: string) => boolean>();
function matcherFor(query: string): (text: string) => boolean {
  const known = matchers.get(query);
  if (known) return known;
  const m = compileQuery(query);
  matchers.set(query, m);
  return m;
}

export interface PollOutcome {
  fetched: number;
  stored: number;
  error?: string;
  /** Not polled: backing off after failures. */
  skipped?: boolean;
}

/** Poll, normalize, match, analyze, then store mentions and cursor in one transaction. */
export async function runPoll(ctx: JobContext, brand: Brand, entry: SourceEntry): Promise<PollOutcome> {
  const source = getSource(entry.source);
  const log = ctx.log.child({ brand: brand.name, source: entry.key });
  if (!source) return { fetched: 0, stored: 0, error: `unknown source ${entry.source}` };
  const now = ctx.clock.now().getTime();
  const row = await getCursor(ctx.store, brand.name, entry.key);
  const wait = backoffRemaining(entry.everyMs, row?.consecutiveFailures ?? 0, row?.lastErrorAt ?? null, now);
  if (wait > 0) {
    log.debug(
      `${entry.key} for ${brand.name}: backing off after ${row?.consecutiveFailures} failures, ${Math.ceil(wait / 1000)}s to go`,
    );
    return { fetched: 0, stored: 0, skipped: true };
  }
  try {
    const res = await source.poll(
      { http: ctx.http, clock: ctx.clock, log, env: ctx.env },
      {
        brand: { name: brand.name, query: brand.query },
        options: entry.options,
        cursor: row?.cursor ?? null,
        backfillSince: new Date(now - entry.backfillMs),
      },
    );
    const { analyzed } = readItems(source, brand, entry, res.items, new Date(now), log);
    await markCopies(ctx.store, brand, analyzed, now);
    const stored = await storePoll(ctx.store, {
      brand: brand.name,
      sourceKey: entry.key,
      source: entry.source,
      mentions: analyzed,
      cursor: res.cursor,
      at: now,
      rescore,
      ...(res.answers ? { answers: res.answers } : {}),
    });
    countMentionsStored(brand.name, entry.key, stored.inserted.length);
    log.info(
      {
        fetched: res.items.length,
        matched: analyzed.length,
        new: stored.inserted.length,
        updated: stored.updated,
      },
      `polled ${entry.key} for ${brand.name}`,
    );
    const lastItems = stored.inserted.length > 0 ? now : row?.lastItemsAt;
    if (lastItems && now - lastItems >= entry.quietAfterMs) {
      const hours = Math.round((now - lastItems) / 3_600_000);
      await raiseSilent(ctx, brand, entry, `nothing new for ${hours} hours`, now);
    } else if (await clearSilent(ctx, brand, entry, now)) {
      log.info(`${entry.key} for ${brand.name} answers again`);
    }
    return { fetched: res.items.length, stored: stored.inserted.length + stored.updated };
  } catch (err) {
    const fault = storageFault(err, ctx.store.describe);
    if (fault) {
      // The source answered: no failure is counted against it (nor written to a database that
      // cannot take it), and the cursor stays, so the next poll reads the same items again.
      log.error(
        `poll of ${entry.key} for ${brand.name} could not be stored: ${fault}; nothing is lost, the next poll reads the same items again`,
      );
      return { fetched: 0, stored: 0, error: fault };
    }
    // Stored and shown by `earshot alerts` and doctor, not only logged: no secret may stay in it.
    const message = redact(errorMessage(err));
    if (err instanceof SourceRateLimitedError) {
      // Not the source's fault: wait as asked, without counting a failure.
      log.warn(`${entry.key} for ${brand.name}: ${message}`);
      return { fetched: 0, stored: 0, error: message };
    }
    countPollError(brand.name, entry.key);
    const failures = await recordPollFailure(ctx.store, {
      brand: brand.name,
      sourceKey: entry.key,
      source: entry.source,
      error: message,
      at: now,
    });
    log.error({ failures }, `poll of ${entry.key} for ${brand.name} failed: ${message}`);
    if (failures >= ctx.config.settings.silentAfterFailures) {
      const alert = await raiseSilent(
        ctx,
        brand,
        entry,
        `${failures} failed polls in a row, the last: ${message}`,
        now,
      );
      if (alert) log.error({ failures }, alert.title);
    }
    return { fetched: 0, stored: 0, error: message };
  }
}

/**
 * Normalize, match the brand query, analyze: what polls and backfills do with a page of raw items.
 * `oldest` is the oldest post time among the items read, matched or not (how far a backfill got).
 */
export function readItems(
  source: AnySource,
  brand: Brand,
  entry: SourceEntry,
  items: readonly unknown[],
  observedAt: Date,
  log: Logger,
): { analyzed: AnalyzedMention[]; oldest: number | null } {
  const match = matcherFor(brand.query);
  const analyzed: AnalyzedMention[] = [];
  let oldest: number | null = null;
  for (const raw of items) {
    let m: Mention | null;
    try {
      m = source.normalize(raw, entry.options);
    } catch (err) {
      log.warn({ err: errorMessage(err) }, `${entry.key}: skipped an item that could not be read`);
      continue;
    }
    if (!m) continue;
    const at = m.createdAt.getTime();
    if (Number.isFinite(at) && (oldest === null || at < oldest)) oldest = at;
    if (!source.scoped && !match(m.text)) continue;
    analyzed.push(analyzeMention(m, brand.name, observedAt, brand.sentimentModel));
  }
  return { analyzed, oldest };
}

/** Mentions younger than `sources.refresh_age` read again: each new reading is a metric snapshot. */
export async function runRefresh(ctx: JobContext, brand: Brand, entry: SourceEntry): Promise<number> {
  const source = getSource(entry.source);
  if (!source?.refresh) return 0;
  const now = ctx.clock.now().getTime();
  const ids = await recentIds(
    ctx.store,
    brand.name,
    entry.key,
    now - ctx.config.settings.refreshAgeMs,
    2_000,
  );
  if (ids.length === 0) return 0;
  const log = ctx.log.child({ brand: brand.name, source: entry.key });
  try {
    const raw = await source.refresh(
      { http: ctx.http, clock: ctx.clock, log, env: ctx.env },
      entry.options,
      ids,
    );
    const readings = raw.flatMap((r: unknown) => {
      const m = source.normalize(r, entry.options);
      return m
        ? [
            {
              id: m.id,
              metrics: m.metrics as Record<string, number>,
              ...(m.answeredAt ? { answeredAt: m.answeredAt } : {}),
            },
          ]
        : [];
    });
    const changed = await recordReadings(ctx.store, brand.name, readings, now, rescore);
    log.info(
      { asked: ids.length, read: readings.length, changed },
      `refreshed engagement of ${entry.key} for ${brand.name}`,
    );
    return changed;
  } catch (err) {
    // A refresh that fails loses nothing: the next one reads the same mentions.
    log.warn(`refresh of ${entry.key} for ${brand.name} failed: ${errorMessage(err)}`);
    return 0;
  }
}
