import { writeAlert } from '../../jobs/outbox.ts';
import { analyzeMention } from '../../src/analysis/index.ts';
import type { Config } from '../../src/config.ts';
import type { Store } from '../../src/db/client.ts';
import { getOpenIncident, insertIncident, updateIncident } from '../../src/db/incidents.ts';
import { storeMentions } from '../../src/db/mentions.ts';
import type { AlertPayload, Severity } from '../../src/types.ts';

/**
 * Opens or updates an incident and writes its alert the way a detector does: one transaction,
 * through the real outbox. Tests of routing use it so that they do not depend on a detector's
 * thresholds.
 */
export function raiseIncident(
  store: Store,
  config: Config,
  now: number,
  o: { id: string; severity: Severity; brand?: string; kind?: string; mentionIds?: string[] },
): Promise<AlertPayload> {
  const brand = o.brand ?? 'acme';
  const kind = o.kind ?? 'volume_spike';
  const ids = o.mentionIds ?? [];
  const title = `negative mentions of ${brand} (${o.severity})`;
  return store.tx(async () => {
    const open = await getOpenIncident(store, brand, kind);
    if (open)
      await updateIncident(store, open.id, { severity: o.severity, updatedAt: now, lastActivityAt: now });
    else
      await insertIncident(store, {
        id: o.id,
        brand,
        kind,
        polarity: 'negative',
        severity: o.severity,
        status: 'open',
        title,
        openedAt: now,
        updatedAt: now,
        lastActivityAt: now,
        mentionCount: ids.length,
        mentionIds: ids,
        evidence: { negatives_in_window: ids.length },
      });
    const alert: AlertPayload = {
      at: new Date(now).toISOString(),
      brand,
      kind,
      polarity: 'negative',
      severity: o.severity,
      incident_id: o.id,
      title,
      mention_ids: ids,
      evidence: { negatives_in_window: ids.length },
      ...(open ? { update: true } : {}),
    };
    await writeAlert(store, config, alert, now);
    return alert;
  });
}

/** Stores posts as the poll job would (analyzed: sentiment, intents), and returns their ids. */
export async function storePosts(
  store: Store,
  brand: string,
  texts: string[],
  now: number,
): Promise<string[]> {
  const list = texts.map((text, i) =>
    analyzeMention(
      { id: `x:${now}-${i}`, source: 'x', text, createdAt: new Date(now), metrics: {} },
      brand,
      new Date(now),
    ),
  );
  await store.tx(() => storeMentions(store, brand, 'x', list, now));
  return list.map((m) => m.id);
}
