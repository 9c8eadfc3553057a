import { and, eq, inArray, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { AlertPayload } from '../types.ts';
import type { Store } from './client.ts';
import { GroupCommit } from './group-commit.ts';
import { alerts, deliveries } from './schema.ts';

// The outbox (alerts) and its deliveries. Every delivery reads and writes here once or twice, so
// those statements are prepared once per database rather than built by drizzle on each call.

/** The count of alerts an incident has had, to number the next one. */
export function alertCount(store: Store, incidentId: string): number {
  return store.db.select({ id: alerts.id }).from(alerts).where(eq(alerts.incidentId, incidentId)).all()
    .length;
}

/** Puts an alert in the outbox with one pending delivery per channel (same transaction as the caller's). */
export function enqueueAlert(
  store: Store,
  id: string,
  alert: AlertPayload,
  channels: string[],
  at: number,
): void {
  const s = prepared(store);
  s.insertAlert.run(
    id,
    alert.incident_id,
    alert.brand,
    alert.kind,
    alert.severity,
    at,
    JSON.stringify(alert),
  );
  for (const channel of channels) s.insertDelivery.run(id, channel, at, at);
}

export interface OutboxEntry {
  alertId: string;
  /** Deliveries still to send, with how many times each was retried by hand (part of its job id). */
  deliveries: { channel: string; retries: number }[];
}

/** Alerts not yet handed to the queue, oldest first, with their deliveries still to send. */
export function unrelayed(store: Store, limit = 500): OutboxEntry[] {
  const out: OutboxEntry[] = [];
  for (const r of prepared(store).unrelayed.all(limit)) {
    let entry = out.at(-1);
    if (entry?.alertId !== r.id) out.push((entry = { alertId: r.id, deliveries: [] }));
    if (r.channel !== null) entry.deliveries.push({ channel: r.channel, retries: r.retries ?? 0 });
  }
  return out;
}

/** One transaction for the whole batch the relay has just queued. */
export function markRelayed(store: Store, alertIds: string[], at: number): void {
  if (alertIds.length === 0) return;
  store.sqlite.transaction(() => {
    for (let i = 0; i < alertIds.length; i += 500)
      store.db
        .update(alerts)
        .set({ relayedAt: at })
        .where(inArray(alerts.id, alertIds.slice(i, i + 500)))
        .run();
  })();
}

export type DeliveryStatus = (typeof deliveries.$inferSelect)['status'];

export interface DeliveryToSend {
  status: DeliveryStatus;
  attempts: number;
  /** Absent when the alert row is gone. */
  alert?: AlertPayload;
  /** An earlier alert of the same incident whose delivery to this channel is not finished yet. */
  waitsFor?: string;
}

interface Statements {
  insertAlert: Database.Statement<[string, string, string, string, string, number, string]>;
  insertDelivery: Database.Statement<[string, string, number, number]>;
  unrelayed: Database.Statement<[number], { id: string; channel: string | null; retries: number | null }>;
  toSend: Database.Statement<
    [string, string],
    { status: DeliveryStatus; attempts: number; payload: string | null; waits_for: string | null }
  >;
  record: Database.Statement<[DeliveryStatus, string | null, number, number, number | null, string, string]>;
}
const statements = new WeakMap<Database.Database, Statements>();

function prepared(store: Store): Statements {
  let s = statements.get(store.sqlite);
  if (!s) {
    s = {
      insertAlert: store.sqlite.prepare(
        `insert into alerts (id, incident_id, brand, kind, severity, created_at, payload) values (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertDelivery: store.sqlite.prepare(
        `insert into deliveries (alert_id, channel, status, created_at, updated_at) values (?, ?, 'pending', ?, ?)
         on conflict do nothing`,
      ),
      // 'failed' too: after a restart, a delivery between two tries has lost its job in the embedded queue.
      unrelayed: store.sqlite.prepare(
        `select a.id, d.channel, d.retries
         from (select id, created_at from alerts where relayed_at is null order by created_at, id limit ?) a
         left join deliveries d on d.alert_id = a.id and d.status in ('pending', 'failed')
         order by a.created_at, a.id, d.id`,
      ),
      toSend: store.sqlite.prepare(
        `select d.status, d.attempts, a.payload,
                (select e.id from alerts e join deliveries f on f.alert_id = e.id and f.channel = d.channel
                 where e.incident_id = a.incident_id and e.rowid < a.rowid and f.status in ('pending', 'failed')
                 limit 1) as waits_for
         from deliveries d left join alerts a on a.id = d.alert_id
         where d.alert_id = ? and d.channel = ?`,
      ),
      record: store.sqlite.prepare(
        `update deliveries set status = ?, last_error = ?, attempts = ?, updated_at = ?,
                sent_at = coalesce(?, sent_at)
         where alert_id = ? and channel = ?`,
      ),
    };
    statements.set(store.sqlite, s);
  }
  return s;
}

/** The delivery row of (alert, channel) and the alert it carries, in one read. */
export function deliveryToSend(store: Store, alertId: string, channel: string): DeliveryToSend | undefined {
  const row = prepared(store).toSend.get(alertId, channel);
  if (!row) return undefined;
  return {
    status: row.status,
    attempts: row.attempts,
    ...(row.payload !== null ? { alert: JSON.parse(row.payload) as AlertPayload } : {}),
    ...(row.waits_for !== null ? { waitsFor: row.waits_for } : {}),
  };
}

export interface DeliveryOutcome {
  status: 'sent' | 'failed' | 'dead';
  error?: string;
  at: number;
  attempts: number;
}

const recorders = new WeakMap<
  Database.Database,
  GroupCommit<{ alertId: string; channel: string } & DeliveryOutcome>
>();

/** Resolves once the outcome is committed, together with those of the deliveries finishing with it. */
export function recordDelivery(
  store: Store,
  alertId: string,
  channel: string,
  outcome: DeliveryOutcome,
): Promise<void> {
  let recorder = recorders.get(store.sqlite);
  if (!recorder) {
    const record = prepared(store).record;
    recorder = new GroupCommit(store.sqlite, (o) =>
      record.run(
        o.status,
        o.error ?? null,
        o.attempts,
        o.at,
        o.status === 'sent' ? o.at : null,
        o.alertId,
        o.channel,
      ),
    );
    recorders.set(store.sqlite, recorder);
  }
  return recorder.add({ alertId, channel, ...outcome });
}

/**
 * Puts an alert's given-up deliveries (or the one to `channel`) back in the outbox, each with a new
 * retry number. Returns the channels put back; throws a one-line reason when there is none.
 */
export function retryDeliveries(
  store: Store,
  alertId: string,
  opts: { channel?: string; configured: string[] },
): string[] {
  const { channel } = opts;
  return store.sqlite.transaction(() => {
    const exists = store.db.select({ id: alerts.id }).from(alerts).where(eq(alerts.id, alertId)).get();
    if (!exists) throw new Error(`no alert ${alertId} (earshot alerts lists them)`);
    const rows = store.db
      .select({ channel: deliveries.channel, status: deliveries.status })
      .from(deliveries)
      .where(eq(deliveries.alertId, alertId))
      .all()
      .filter((r) => !channel || r.channel === channel);
    if (channel && rows.length === 0) throw new Error(`alert ${alertId} never went to ${channel}`);
    const given = rows.filter((r) => r.status === 'dead').map((r) => r.channel);
    if (given.length === 0) {
      const how = rows.map((r) => `${r.channel} ${r.status}`).join(', ');
      throw new Error(`alert ${alertId} has no given-up delivery to retry (${how || 'no channel'})`);
    }
    const dead = given.filter((c) => opts.configured.includes(c));
    if (dead.length === 0)
      throw new Error(`alert ${alertId} gave up on ${given.join(', ')}, no longer in the configuration`);
    const now = Date.now();
    store.db
      .update(deliveries)
      .set({ status: 'pending', retries: sql`${deliveries.retries} + 1`, lastError: null, updatedAt: now })
      .where(and(eq(deliveries.alertId, alertId), inArray(deliveries.channel, dead)))
      .run();
    store.db.update(alerts).set({ relayedAt: null }).where(eq(alerts.id, alertId)).run();
    return dead;
  })();
}

/** The stored payload of one alert. */
export function getAlertPayload(store: Store, alertId: string): AlertPayload | undefined {
  return store.db.select({ payload: alerts.payload }).from(alerts).where(eq(alerts.id, alertId)).get()
    ?.payload as AlertPayload | undefined;
}
