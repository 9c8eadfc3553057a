import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
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

export interface OpenIncidentRow {
  id: string;
  kind: string;
  subject: string;
  severity: IncidentRow['severity'];
  lastActivityAt: number;
  mentionIds: string[];
}

const allOpenStatements = new WeakMap<
  Database.Database,
  Database.Statement<
    [string],
    {
      id: string;
      kind: string;
      subject: string;
      severity: IncidentRow['severity'];
      last_activity_at: number;
      mention_ids: string;
    }
  >
>();

/** Every open (or acknowledged) incident of the brand: read once per detection tick. */
export function getOpenIncidents(store: Store, brand: string): OpenIncidentRow[] {
  let stmt = allOpenStatements.get(store.sqlite);
  if (!stmt) {
    stmt = store.sqlite.prepare(
      `select id, kind, subject, severity, last_activity_at, mention_ids from incidents where brand = ? and status != 'resolved'`,
    );
    allOpenStatements.set(store.sqlite, stmt);
  }
  return stmt.all(brand).map((r) => ({
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    severity: r.severity,
    lastActivityAt: r.last_activity_at,
    mentionIds: JSON.parse(r.mention_ids) as string[],
  }));
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
  channels: string[];
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
  const pend = store.db
    .select({ alertId: deliveries.alertId, channel: deliveries.channel })
    .from(deliveries)
    .where(and(inArray(deliveries.alertId, ids), eq(deliveries.status, 'pending')))
    .all();
  return ids.map((alertId) => ({
    alertId,
    channels: pend.filter((p) => p.alertId === alertId).map((p) => p.channel),
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
