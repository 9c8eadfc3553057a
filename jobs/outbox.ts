import { channelsFor } from '../src/alerts/routes.ts';
import type { Config } from '../src/config.ts';
import type { Store } from '../src/db/client.ts';
import { alertCount, enqueueAlert } from '../src/db/outbox.ts';
import type { AlertPayload } from '../src/types.ts';

/**
 * Puts an alert in the outbox for the channels its routes name, numbered within its incident.
 * Call inside the transaction that changed the incident.
 */
export function writeAlert(store: Store, config: Config, alert: AlertPayload, now: number): void {
  const channels = channelsFor(alert, config.routes, new Set(Object.keys(config.channels)));
  enqueueAlert(
    store,
    `${alert.incident_id}-${alertCount(store, alert.incident_id) + 1}`,
    alert,
    channels,
    now,
  );
}
