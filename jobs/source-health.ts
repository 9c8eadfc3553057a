import type { Brand, SourceEntry } from '../src/config.ts';
import { getOpenIncident, insertIncident, resolveIncident, updateIncident } from '../src/db/incidents.ts';
import { incidentId } from '../src/detection/incidents.ts';
import type { AlertPayload } from '../src/types.ts';
import type { JobContext } from './context.ts';
import { writeAlert } from './outbox.ts';

// A platform that changes its API must not fail silently: a source that keeps failing, or that
// used to bring mentions and went quiet for much longer than usual, is an incident of its own.

/** The incident kind of a source entry's silence: one incident per entry. */
export const silentKind = (entry: Pick<SourceEntry, 'key'>) => `source_silent:${entry.key}`;

/** Opens (once) the source's silence incident and sends its alert. Returns the alert, if one was made. */
export function raiseSilent(
  ctx: JobContext,
  brand: Brand,
  entry: SourceEntry,
  reason: string,
  now: number,
): Promise<AlertPayload | null> {
  const store = ctx.store;
  return store.tx(async () => {
    const open = await getOpenIncident(store, brand.name, silentKind(entry));
    if (open) {
      await updateIncident(store, open.id, { updatedAt: now, evidence: { source: entry.key, reason } });
      return null;
    }
    const id = incidentId(brand.name, `source_silent-${entry.key}`, now);
    const title = `${entry.key} is silent for ${brand.displayName}: ${reason}`;
    await insertIncident(store, {
      id,
      brand: brand.name,
      kind: silentKind(entry),
      polarity: 'neutral',
      severity: 'warning',
      status: 'open',
      title,
      openedAt: now,
      updatedAt: now,
      lastActivityAt: now,
      mentionCount: 0,
      mentionIds: [],
      evidence: { source: entry.key, reason },
    });
    const alert: AlertPayload = {
      at: new Date(now).toISOString(),
      brand: brand.name,
      kind: 'source_silent',
      polarity: 'neutral',
      severity: 'warning',
      incident_id: id,
      title,
      mention_ids: [],
      evidence: { source: entry.key, source_type: entry.source, reason },
    };
    await writeAlert(store, ctx.config, alert, now);
    return alert;
  });
}

/** The source answers and brings mentions again: its silence incident is resolved. */
export async function clearSilent(
  ctx: JobContext,
  brand: Brand,
  entry: SourceEntry,
  now: number,
): Promise<boolean> {
  const open = await getOpenIncident(ctx.store, brand.name, silentKind(entry));
  if (!open) return false;
  await resolveIncident(ctx.store, open.id, now);
  return true;
}

/**
 * Consecutive failures stretch the time to the next try: 1, 2, 4 … intervals, at most an hour,
 * so a broken source is not hammered and a rate-limited one is left alone.
 */
export function backoffRemaining(
  everyMs: number,
  failures: number,
  lastErrorAt: number | null,
  now: number,
): number {
  if (failures <= 1 || lastErrorAt === null) return 0;
  const wait = Math.min(everyMs * 2 ** (failures - 1), Math.max(everyMs, 3_600_000));
  // Half an interval of slack: ticks do not land exactly on the boundary.
  return Math.max(0, lastErrorAt + wait - everyMs / 2 - now);
}
