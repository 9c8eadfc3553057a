import { acknowledge } from '../../jobs/acknowledge.ts';
import type { Config } from '../config.ts';
import type { Store } from '../db/client.ts';

/**
 * `earshot ack INCIDENT`: what it did, in one line. An unknown or resolved incident is an error
 * (thrown, so the command exits 1 with that line); one acknowledged before is said, not an error.
 */
export async function runAck(
  store: Store,
  config: Config,
  id: string,
  by: string,
  now: number,
): Promise<string> {
  const r = await acknowledge(store, config, id, by, now);
  switch (r.outcome) {
    case 'unknown':
      throw new Error(`no incident is named "${id}" (earshot alerts lists the latest, with their incidents)`);
    case 'resolved':
      throw new Error(
        `incident ${id} was resolved${r.incident.resolvedAt ? ` at ${iso(r.incident.resolvedAt)}` : ''}: nothing to acknowledge`,
      );
    case 'already':
      return `incident ${id} was already acknowledged${r.incident.acknowledgedBy ? ` by ${r.incident.acknowledgedBy}` : ''}${r.incident.acknowledgedAt ? ` at ${iso(r.incident.acknowledgedAt)}` : ''}; nothing changed\n`;
    case 'acknowledged': {
      const told = r.told.length > 0 ? `; acknowledgement queued for ${r.told.join(', ')}` : '';
      return `acknowledged ${id} (${r.incident.severity}, ${r.incident.brand}: ${r.incident.title}) as ${r.incident.acknowledgedBy ?? by}; escalation stopped${told}\n`;
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
