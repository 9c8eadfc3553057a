import type { Config } from '../src/config.ts';
import type { Store } from '../src/db/client.ts';
import {
  channelsOfIncident,
  getIncident,
  latestAlert,
  markAcknowledged,
  type Incident,
} from '../src/db/routing.ts';
import type { AlertPayload } from '../src/types.ts';
import { writeAlertTo } from './outbox.ts';

export type AckOutcome =
  | { outcome: 'acknowledged'; incident: Incident; told: string[] }
  | { outcome: 'already'; incident: Incident }
  | { outcome: 'resolved'; incident: Incident }
  | { outcome: 'unknown' };

/** Channels that follow an incident's state on their side, and so hear of its acknowledgement. */
const FOLLOWS_STATE = new Set(['pagerduty']);

/**
 * Acknowledges an open incident: escalation stops (it only takes open incidents), and channels
 * that keep their own incident, PagerDuty, get an `acknowledged` alert through the outbox, in the
 * same transaction, so its delivery is as sure as any alert's.
 */
export function acknowledge(
  store: Store,
  config: Config,
  id: string,
  by: string,
  now: number,
): Promise<AckOutcome> {
  return store.tx(async (): Promise<AckOutcome> => {
    const incident = await getIncident(store, id);
    if (!incident) return { outcome: 'unknown' };
    if (incident.status === 'resolved') return { outcome: 'resolved', incident };
    if (incident.status === 'acknowledged') return { outcome: 'already', incident };
    const who = personName(by);
    await markAcknowledged(store, id, who, now);
    const told = (await channelsOfIncident(store, id)).filter((c) =>
      FOLLOWS_STATE.has(config.channels[c]?.type ?? ''),
    );
    const last = await latestAlert(store, id);
    if (told.length > 0 && last) await writeAlertTo(store, acknowledgedAlert(last, who, now), told, now);
    const after = (await getIncident(store, id)) ?? incident;
    return { outcome: 'acknowledged', incident: after, told };
  });
}

function acknowledgedAlert(last: AlertPayload, by: string, now: number): AlertPayload {
  const { escalated: _escalated, ...rest } = last;
  return {
    ...rest,
    at: new Date(now).toISOString(),
    update: true,
    status: 'acknowledged',
    acknowledged_by: by,
  };
}

/** Whoever a link or the command line names, as one short printable line. */
export function personName(by: string): string {
  const clean = by
    .replace(/[\p{C}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
  return clean || 'someone';
}
