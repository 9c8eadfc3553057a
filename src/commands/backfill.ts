import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import { readItems } from '../../jobs/poll.ts';
import type { Clock } from '../clock.ts';
import type { Brand, Config, Env, SourceEntry } from '../config.ts';
import { beginBackfill, getBackfill, storeBackfillPage, type BackfillRow } from '../db/backfills.ts';
import type { Store } from '../db/client.ts';
import { formatDuration, parseDuration } from '../duration.ts';
import { errorMessage, UsageError } from '../errors.ts';
import { getSource } from '../sources/index.ts';
import type { AnySource, SourceContext } from '../sources/types.ts';
import { progressBar, type SourceProgress } from './progress.ts';

export interface BackfillRequest {
  brand: string;
  since: string;
  source?: string;
}

export interface BackfillOptions {
  config: Config;
  store: Store;
  env: Env;
  log: Logger;
  http: AxiosInstance;
  clock: Clock;
  plan: BackfillPlan;
  /** Progress and notes (stderr). */
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborted: stop after the page being read, which is stored. */
  signal: AbortSignal;
}

const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Kept off a source's reach limit, so that the first call is not refused for a few seconds. */
const REACH_MARGIN = 60_000;

const DAY = 86_400_000;
const firstDayKept = (cutoff: number) => new Date(Math.ceil(cutoff / DAY) * DAY).toISOString().slice(0, 10);

/** `2026-10-01`, an ISO 8601 time, or a duration back from now (`30d`). */
export function parseSince(text: string, now: number): number {
  const ago = parseDuration(text);
  if (ago !== null) return now - ago;
  const at = DATE.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (!Number.isFinite(at))
    throw new UsageError(
      `--since "${text}": not a date; write it like 2026-10-01 or 2026-10-01T08:00:00Z, or as a duration back from now like 30d`,
    );
  if (at > now) throw new UsageError(`--since ${text} is in the future`);
  return at;
}

export interface BackfillPlan {
  brand: Brand;
  entries: SourceEntry[];
  since: number;
  /** When the run began: the end of a new span. */
  now: number;
}

/** Checks everything asked before anything is opened or fetched: a mistake is one line, exit code 2. */
export function planBackfill(config: Config, o: BackfillRequest, now: number): BackfillPlan {
  const where = config.file ?? 'the configuration';
  const brand = config.brands.find((b) => b.name === o.brand);
  if (!brand)
    throw new UsageError(
      `no brand is named "${o.brand}" in ${where} (brands: ${config.brands.map((b) => b.name).join(', ') || 'none'})`,
    );
  const since = parseSince(o.since, now);
  const keep = config.settings.retention.mentionsMs;
  if (since < now - keep)
    throw new UsageError(
      `--since ${o.since} is older than retention.mentions (${formatDuration(keep)}): such mentions would be pruned within the hour; use ${firstDayKept(now - keep)} or later`,
    );
  if (o.source === undefined) return { brand, entries: brand.sources, since, now };
  const entry = brand.sources.find((s) => s.key === o.source);
  if (!entry)
    throw new UsageError(
      `brand ${brand.name} has no source "${o.source}" (its sources: ${brand.sources.map((s) => s.key).join(', ') || 'none'})`,
    );
  if (!getSource(entry.source)?.backfill) throw new UsageError(cannotGoBack(entry));
  return { brand, entries: [entry], since, now };
}

function cannotGoBack(entry: SourceEntry): string {
  return `${entry.key}: the ${entry.source} source cannot fetch past mentions by date (see the README, "earshot backfill"); its first poll reaches back ${formatDuration(entry.backfillMs)}`;
}

/** `earshot backfill`: each source of the brand read back to `since`, page by page. Returns the exit code. */
export async function runBackfill(o: BackfillOptions): Promise<number> {
  const { brand, entries, since, now } = o.plan;
  let failed = false;
  for (const entry of entries) {
    if (o.signal.aborted) break;
    const source = getSource(entry.source);
    if (!source?.backfill) {
      o.out.write(`${cannotGoBack(entry)}; skipped\n`);
      continue;
    }
    const ok = await backfillEntry(o, brand, entry, source, spanStart(o, entry, source, since, now), now);
    failed ||= !ok;
  }
  if (o.signal.aborted) {
    o.out.write('interrupted: what was read is stored; run the same command again to continue\n');
    return 130;
  }
  return failed ? 1 : 0;
}

/** `since`, or as far back as the source's API reaches, said once. */
function spanStart(
  o: BackfillOptions,
  entry: SourceEntry,
  source: AnySource,
  since: number,
  now: number,
): number {
  const reach = source.backfillReachMs;
  if (reach === undefined || since >= now - reach) return since;
  const from = now - reach + REACH_MARGIN;
  o.out.write(
    `${entry.key}: the ${source.id} API reaches back ${formatDuration(reach)} only; backfilling from ${new Date(from).toISOString()}\n`,
  );
  return from;
}

/**
 * The row to continue: an unfinished span reaching back to `since` is resumed where it stopped (run
 * again with `--since 30d`, the date asked is a little later: the span keeps its own); a span read
 * back to `since` is done; anything else is read again up to now (posts read twice are stored once).
 */
async function resumeOrBegin(
  o: BackfillOptions,
  entry: SourceEntry,
  since: number,
  now: number,
): Promise<BackfillRow | null> {
  const row = await getBackfill(o.store, o.plan.brand.name, entry.key);
  // A span that began at the edge of what the API reaches (X: 7 days) has since slid past it: its
  // pages would be refused, so it is read again from the present edge.
  const reach = getSource(entry.source)?.backfillReachMs;
  const reachable = !row || reach === undefined || row.since >= now - reach;
  if (row && row.finishedAt === null && row.since <= since && reachable) return row;
  if (row && row.finishedAt !== null && row.since <= since) return null;
  return beginBackfill(o.store, {
    brand: o.plan.brand.name,
    sourceKey: entry.key,
    since,
    until: now,
    at: now,
  });
}

async function backfillEntry(
  o: BackfillOptions,
  brand: Brand,
  entry: SourceEntry,
  source: AnySource,
  since: number,
  now: number,
): Promise<boolean> {
  const fetchPage = source.backfill?.bind(source);
  if (!fetchPage) return true;
  const row = await resumeOrBegin(o, entry, since, now);
  if (!row) {
    const done = await getBackfill(o.store, brand.name, entry.key);
    o.out.write(`${entry.key}: already backfilled back to ${new Date(done?.since ?? since).toISOString()}\n`);
    return true;
  }
  const bar = progressBar(o.out);
  const progress: SourceProgress = {
    key: entry.key,
    pages: row.pages,
    stored: row.stored,
    reached: row.reached,
  };
  const log = o.log.child({ brand: brand.name, source: entry.key });
  const ctx: SourceContext = { http: o.http, clock: o.clock, log, env: o.env, signal: o.signal };
  let position: unknown = row.position;
  try {
    do {
      if (o.signal.aborted) {
        bar.done(progress, 'interrupted');
        return true;
      }
      const page = await fetchPage(ctx, {
        brand: { name: brand.name, query: brand.query },
        options: entry.options,
        since: new Date(row.since),
        until: new Date(row.until),
        position,
      });
      const at = o.clock.now().getTime();
      const { analyzed, oldest } = readItems(source, brand, entry, page.items, new Date(at), log);
      const { inserted } = await storeBackfillPage(o.store, {
        brand: brand.name,
        sourceKey: entry.key,
        mentions: analyzed,
        next: page.next,
        oldest,
        at,
      });
      progress.pages++;
      progress.stored += inserted;
      if (oldest !== null) progress.reached = Math.min(progress.reached ?? oldest, oldest);
      bar.update(progress);
      position = page.next;
    } while (position !== null);
    bar.done(progress, 'done');
    return true;
  } catch (err) {
    if (o.signal.aborted) {
      bar.done(progress, 'interrupted');
      return true;
    }
    bar.done(progress, `stopped: ${errorMessage(err).split('\n')[0]}; run again to continue`);
    return false;
  }
}
