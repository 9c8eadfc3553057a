import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AlertPayload } from '../types.ts';
import type Database from 'better-sqlite3';
import type { Store } from './client.ts';
import { alerts, deliveries, incidents } from './schema.ts';

export type IncidentRow = typeof incidents.$inferSelect;

const openStatements = new WeakMap<
  Database.Database,
  Database.Statement<
    [string, string],
    { id: string; severity: IncidentRow['severity']; last_activity_at: number; mention_ids: string }
  >
>();

/** The brand's open (or acknowledged) incident of a kind: asked on every detection tick, so prepared once. */
export function getOpenIncident(
  store: Store,
  brand: string,
  kind: string,
): Pick<IncidentRow, 'id' | 'severity' | 'lastActivityAt' | 'mentionIds'> | undefined {
  let stmt = openStatements.get(store.sqlite);
  if (!stmt) {
    stmt = store.sqlite.prepare(
      `select id, severity, last_activity_at, mention_ids from incidents where brand = ? and kind = ? and status != 'resolved'`,
    );
    openStatements.set(store.sqlite, stmt);
  }
  const row = stmt.get(brand, kind);
  return (
    row && {
      id: row.id,
      severity: row.severity,
      lastActivityAt: row.last_activity_at,
      mentionIds: JSON.parse(row.mention_ids) as string[],
    }
  );
}

export function insertIncident(store: Store, row: typeof incidents.$inferInsert): void {
  store.db.insert(incidents).values(row).run();
}

export function updateIncident(store: Store, id: string, set: Partial<typeof incidents.$inferInsert>): void {
  store.db.update(incidents).set(set).where(eq(incidents.id, id)).run();
}

export function resolveIncident(store: Store, id: string, at: number): void {
  store.db
    .update(incidents)
    .set({ status: 'resolved', resolvedAt: at, updatedAt: at })
    .where(eq(incidents.id, id))
    .run();
}

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
  store.db
    .insert(alerts)
    .values({
      id,
      incidentId: alert.incident_id,
      brand: alert.brand,
      kind: alert.kind,
      severity: alert.severity,
      createdAt: at,
      payload: alert,
    })
    .run();
  for (const channel of channels) {
    store.db
      .insert(deliveries)
      .values({ alertId: id, channel, status: 'pending', createdAt: at, updatedAt: at })
      .onConflictDoNothing()
      .run();
  }
}

export interface OutboxEntry {
  alertId: string;
  /** Deliveries still to send, with how many times each was retried by hand (part of its job id). */
  deliveries: { channel: string; retries: number }[];
}

/** Alerts not yet handed to the queue, oldest first, with their pending deliveries. */
export function unrelayed(store: Store, limit = 500): OutboxEntry[] {
  const rows = store.db
    .select({ id: alerts.id })
    .from(alerts)
    .where(isNull(alerts.relayedAt))
    .orderBy(asc(alerts.createdAt), asc(alerts.id))
    .limit(limit)
    .all();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // 'failed' too: after a restart, a delivery between two tries has lost its job in the embedded queue.
  const pend = store.db
    .select({ alertId: deliveries.alertId, channel: deliveries.channel, retries: deliveries.retries })
    .from(deliveries)
    .where(and(inArray(deliveries.alertId, ids), inArray(deliveries.status, ['pending', 'failed'])))
    .all();
  return ids.map((alertId) => ({
    alertId,
    deliveries: pend
      .filter((p) => p.alertId === alertId)
      .map((p) => ({ channel: p.channel, retries: p.retries })),
  }));
}

export function markRelayed(store: Store, alertId: string, at: number): void {
  store.db.update(alerts).set({ relayedAt: at }).where(eq(alerts.id, alertId)).run();
}

export function getAlertPayload(store: Store, alertId: string): AlertPayload | undefined {
  return store.db.select({ payload: alerts.payload }).from(alerts).where(eq(alerts.id, alertId)).get()
    ?.payload as AlertPayload | undefined;
}

export type DeliveryRow = typeof deliveries.$inferSelect;

export function getDelivery(store: Store, alertId: string, channel: string): DeliveryRow | undefined {
  return store.db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.alertId, alertId), eq(deliveries.channel, channel)))
    .get();
}

export function recordDelivery(
  store: Store,
  alertId: string,
  channel: string,
  outcome: { status: 'sent' | 'failed' | 'dead'; error?: string; at: number; attempts: number },
): void {
  store.db
    .update(deliveries)
    .set({
      status: outcome.status,
      lastError: outcome.error ?? null,
      attempts: outcome.attempts,
      updatedAt: outcome.at,
      ...(outcome.status === 'sent' ? { sentAt: outcome.at } : {}),
    })
    .where(and(eq(deliveries.alertId, alertId), eq(deliveries.channel, channel)))
    .run();
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
