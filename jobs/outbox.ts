import { channelsOf, dominantIntents, matchingRoutes, passesCooldown } from '../src/alerts/routes.ts';
import type { Config } from '../src/config.ts';
import type { Store } from '../src/db/client.ts';
import { alertCount, enqueueAlert } from '../src/db/outbox.ts';
import { intentsOf, rememberRouteSend, routeRecords } from '../src/db/routing.ts';
import type { Awaitable } from '../src/detection/series.ts';
import type { AlertPayload } from '../src/types.ts';

/** The intents of each of the brand's mentions named (src/db/routing.ts reads them from the database). */
export type IntentsReader = (brand: string, ids: readonly string[]) => Awaitable<string[][]>;

/**
 * Puts an alert in the outbox for the channels of the routes it matches, leaving out routes still
 * in their cooldown for this incident, and records what each named route had. Call inside the
 * transaction that changed the incident. Replay passes the intents it keeps in memory.
 */
export async function writeAlert(
  store: Store,
  config: Config,
  alert: AlertPayload,
  now: number,
  intents: IntentsReader = (brand, ids) => intentsOf(store, brand, ids),
): Promise<void> {
  const payload = await withIntents(alert, intents);
  const had = await routeRecords(store, payload.incident_id);
  const routes = matchingRoutes(payload, config.routes).filter(
    (r) => !r.name || passesCooldown(r, had.get(r.name), payload, now),
  );
  await writeAlertTo(store, payload, channelsOf(routes, new Set(Object.keys(config.channels))), now);
  for (const r of routes)
    if (r.name) await rememberRouteSend(store, payload.incident_id, r.name, payload.severity, now);
}

/** Puts an alert in the outbox for these channels, numbered within its incident. */
export async function writeAlertTo(
  store: Store,
  alert: AlertPayload,
  channels: string[],
  now: number,
): Promise<string> {
  const id = `${alert.incident_id}-${(await alertCount(store, alert.incident_id)) + 1}`;
  await enqueueAlert(store, id, alert, channels, now);
  return id;
}

/** Detectors may name the intents themselves; otherwise they are read from the incident's mentions. */
async function withIntents(alert: AlertPayload, read: IntentsReader): Promise<AlertPayload> {
  if (alert.intents !== undefined || alert.mention_ids.length === 0) return alert;
  const intents = dominantIntents(await read(alert.brand, alert.mention_ids));
  return intents.length > 0 ? { ...alert, intents } : alert;
}
