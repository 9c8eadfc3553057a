import { and, asc, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { AlertPayload } from '../types.ts';
import type { Db } from './client.ts';
import { alerts, deliveries, incidents } from './schema.ts';

export type IncidentRow = typeof incidents.$inferSelect;

export function getOpenIncident(db: Db, brand: string, kind: string): IncidentRow | undefined {
  return db
    .select()
    .from(incidents)
    .where(and(eq(incidents.brand, brand), eq(incidents.kind, kind), ne(incidents.status, 'resolved')))
    .get();
}

export function insertIncident(db: Db, row: typeof incidents.$inferInsert): void {
  db.insert(incidents).values(row).run();
}

export function updateIncident(db: Db, id: string, set: Partial<typeof incidents.$inferInsert>): void {
  db.update(incidents).set(set).where(eq(incidents.id, id)).run();
}

export function resolveIncident(db: Db, id: string, at: number): void {
  db.update(incidents)
    .set({ status: 'resolved', resolvedAt: at, updatedAt: at })
    .where(eq(incidents.id, id))
    .run();
}

/** The count of alerts an incident has had, to number the next one. */
export function alertCount(db: Db, incidentId: string): number {
  return db.select({ id: alerts.id }).from(alerts).where(eq(alerts.incidentId, incidentId)).all().length;
}

/** Puts an alert in the outbox with one pending delivery per channel (same transaction as the caller's). */
export function enqueueAlert(db: Db, id: string, alert: AlertPayload, channels: string[], at: number): void {
  db.insert(alerts)
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
    db.insert(deliveries)
      .values({ alertId: id, channel, status: 'pending', createdAt: at, updatedAt: at })
      .onConflictDoNothing()
      .run();
  }
}

export interface OutboxEntry {
  alertId: string;
  channels: string[];
}

/** Alerts not yet handed to the queue, oldest first, with their pending deliveries. */
export function unrelayed(db: Db, limit = 500): OutboxEntry[] {
  const rows = db
    .select({ id: alerts.id })
    .from(alerts)
    .where(isNull(alerts.relayedAt))
    .orderBy(asc(alerts.createdAt), asc(alerts.id))
    .limit(limit)
    .all();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const pend = db
    .select({ alertId: deliveries.alertId, channel: deliveries.channel })
    .from(deliveries)
    .where(and(inArray(deliveries.alertId, ids), eq(deliveries.status, 'pending')))
    .all();
  return ids.map((alertId) => ({
    alertId,
    channels: pend.filter((p) => p.alertId === alertId).map((p) => p.channel),
  }));
}

export function markRelayed(db: Db, alertId: string, at: number): void {
  db.update(alerts).set({ relayedAt: at }).where(eq(alerts.id, alertId)).run();
}

export function getAlertPayload(db: Db, alertId: string): AlertPayload | undefined {
  return db.select({ payload: alerts.payload }).from(alerts).where(eq(alerts.id, alertId)).get()?.payload as
    AlertPayload | undefined;
}

export type DeliveryRow = typeof deliveries.$inferSelect;

export function getDelivery(db: Db, alertId: string, channel: string): DeliveryRow | undefined {
  return db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.alertId, alertId), eq(deliveries.channel, channel)))
    .get();
}

export function recordDelivery(
  db: Db,
  alertId: string,
  channel: string,
  outcome: { status: 'sent' | 'failed' | 'dead'; error?: string; at: number; attempts: number },
): void {
  db.update(deliveries)
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
