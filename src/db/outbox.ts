import type { AlertPayload } from '../types.ts';
import { GroupCommit } from './group-commit.ts';
import type { deliveries } from './schema.ts';
import type { Dialect, Sql } from './sql.ts';

// The outbox (alerts) and its deliveries. Every delivery reads and writes here once or twice: each
// text is prepared once per connection by the store.

/** The count of alerts an incident has had, to number the next one. */
export async function alertCount(db: Sql, incidentId: string): Promise<number> {
  return (
    (await db.get<{ n: number }>('select count(*) as n from alerts where incident_id = ?', [incidentId]))
      ?.n ?? 0
  );
}

/** Puts an alert in the outbox with one pending delivery per channel (same transaction as the caller's). */
export async function enqueueAlert(
  db: Sql,
  id: string,
  alert: AlertPayload,
  channels: string[],
  at: number,
): Promise<void> {
  await db.run(Q.insertAlert, [
    id,
    alert.incident_id,
    alert.brand,
    alert.kind,
    alert.severity,
    at,
    JSON.stringify(alert),
  ]);
  for (const channel of channels) await db.run(Q.insertDelivery, [id, channel, at, at]);
}

export interface OutboxEntry {
  alertId: string;
  /** Deliveries still to send, with how many times each was retried by hand (part of its job id). */
  deliveries: { channel: string; retries: number }[];
}

/** Alerts not yet handed to the queue, oldest first, with their deliveries still to send. */
export async function unrelayed(db: Sql, limit = 500): Promise<OutboxEntry[]> {
  const out: OutboxEntry[] = [];
  const rows = await db.all<{ id: string; channel: string | null; retries: number | null }>(Q.unrelayed, [
    limit,
  ]);
  for (const r of rows) {
    let entry = out.at(-1);
    if (entry?.alertId !== r.id) out.push((entry = { alertId: r.id, deliveries: [] }));
    if (r.channel !== null) entry.deliveries.push({ channel: r.channel, retries: r.retries ?? 0 });
  }
  return out;
}

/** One transaction for the whole batch the relay has just queued. */
export async function markRelayed(db: Sql, alertIds: string[], at: number): Promise<void> {
  if (alertIds.length === 0) return;
  await db.tx(async () => {
    for (let i = 0; i < alertIds.length; i += 500) {
      const slice = alertIds.slice(i, i + 500);
      await db.run(`update alerts set relayed_at = ? where id in (${slice.map(() => '?').join(', ')})`, [
        at,
        ...slice,
      ]);
    }
  });
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

const Q = {
  insertAlert: `insert into alerts (id, incident_id, brand, kind, severity, created_at, payload) values (?, ?, ?, ?, ?, ?, ?)`,
  insertDelivery: `insert into deliveries (alert_id, channel, status, created_at, updated_at) values (?, ?, 'pending', ?, ?)
     on conflict do nothing`,
  // 'failed' too: after a restart, a delivery between two tries has lost its job in the embedded queue.
  unrelayed: `select a.id, d.channel, d.retries
     from (select id, created_at from alerts where relayed_at is null order by created_at, id limit ?) a
     left join deliveries d on d.alert_id = a.id and d.status in ('pending', 'failed')
     order by a.created_at, a.id, d.id`,
  record: `update deliveries set status = ?, last_error = ?, attempts = ?, updated_at = ?,
            sent_at = coalesce(cast(? as bigint), sent_at)
     where alert_id = ? and channel = ?`,
};

/** An earlier alert of the same incident: SQLite knows the order rows were written in, PostgreSQL by time and id. */
const EARLIER: Record<Dialect, string> = {
  sqlite: 'e.rowid < a.rowid',
  postgres: '(e.created_at < a.created_at or (e.created_at = a.created_at and e.id < a.id))',
};
const toSend = (d: Dialect) => `select d.status, d.attempts, a.payload,
        (select e.id from alerts e join deliveries f on f.alert_id = e.id and f.channel = d.channel
         where e.incident_id = a.incident_id and ${EARLIER[d]} and f.status in ('pending', 'failed')
         limit 1) as waits_for
 from deliveries d left join alerts a on a.id = d.alert_id
 where d.alert_id = ? and d.channel = ?`;
const TO_SEND: Record<Dialect, string> = { sqlite: toSend('sqlite'), postgres: toSend('postgres') };

/** The delivery row of (alert, channel) and the alert it carries, in one read. */
export async function deliveryToSend(
  db: Sql,
  alertId: string,
  channel: string,
): Promise<DeliveryToSend | undefined> {
  const row = await db.get<{
    status: DeliveryStatus;
    attempts: number;
    payload: string | null;
    waits_for: string | null;
  }>(TO_SEND[db.dialect], [alertId, channel]);
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

const recorders = new WeakMap<Sql, GroupCommit<{ alertId: string; channel: string } & DeliveryOutcome>>();

/** Resolves once the outcome is committed, together with those of the deliveries finishing with it. */
export function recordDelivery(
  db: Sql,
  alertId: string,
  channel: string,
  outcome: DeliveryOutcome,
): Promise<void> {
  let recorder = recorders.get(db);
  if (!recorder) {
    recorder = new GroupCommit(db, async (o) => {
      await db.run(Q.record, [
        o.status,
        o.error ?? null,
        o.attempts,
        o.at,
        o.status === 'sent' ? o.at : null,
        o.alertId,
        o.channel,
      ]);
    });
    recorders.set(db, recorder);
  }
  return recorder.add({ alertId, channel, ...outcome });
}

/**
 * Puts an alert's given-up deliveries (or the one to `channel`) back in the outbox, each with a new
 * retry number. Returns the channels put back; throws a one-line reason when there is none.
 */
export function retryDeliveries(
  db: Sql,
  alertId: string,
  opts: { channel?: string; configured: string[] },
): Promise<string[]> {
  const { channel } = opts;
  return db.tx(async () => {
    const exists = await db.get('select id from alerts where id = ?', [alertId]);
    if (!exists) throw new Error(`no alert ${alertId} (earshot alerts lists them)`);
    const rows = (
      await db.all<{ channel: string; status: DeliveryStatus }>(
        'select channel, status from deliveries where alert_id = ? order by id',
        [alertId],
      )
    ).filter((r) => !channel || r.channel === channel);
    if (channel && rows.length === 0) throw new Error(`alert ${alertId} never went to ${channel}`);
    const given = rows.filter((r) => r.status === 'dead').map((r) => r.channel);
    if (given.length === 0) {
      const how = rows.map((r) => `${r.channel} ${r.status}`).join(', ');
      throw new Error(`alert ${alertId} has no given-up delivery to retry (${how || 'no channel'})`);
    }
    const dead = given.filter((c) => opts.configured.includes(c));
    if (dead.length === 0)
      throw new Error(`alert ${alertId} gave up on ${given.join(', ')}, no longer in the configuration`);
    await db.run(
      `update deliveries set status = 'pending', retries = retries + 1, last_error = null, updated_at = ?
       where alert_id = ? and channel in (${dead.map(() => '?').join(', ')})`,
      [Date.now(), alertId, ...dead],
    );
    await db.run('update alerts set relayed_at = null where id = ?', [alertId]);
    return dead;
  });
}

/** The stored payload of one alert. */
export async function getAlertPayload(db: Sql, alertId: string): Promise<AlertPayload | undefined> {
  const row = await db.get<{ payload: string }>('select payload from alerts where id = ?', [alertId]);
  return row && (JSON.parse(row.payload) as AlertPayload);
}
