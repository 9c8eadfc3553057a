import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { RouteMemory } from '../alerts/routes.ts';
import type { AlertPayload, Severity } from '../types.ts';
import type { Store } from './client.ts';
import { alerts, deliveries, incidentRoutes, incidents, mentions } from './schema.ts';

export interface RouteRecord extends RouteMemory {
  criticalAt: number | null;
}

/** What each named route has had of one incident, by route name. */
export function routeRecords(store: Store, incidentId: string): Map<string, RouteRecord> {
  const rows = store.db.select().from(incidentRoutes).where(eq(incidentRoutes.incidentId, incidentId)).all();
  return new Map(
    rows.map((r) => [
      r.route,
      { lastSentAt: r.lastSentAt, lastSeverity: r.lastSeverity, criticalAt: r.criticalAt },
    ]),
  );
}

/** Records that a route had an alert of the incident; its escalation clock starts at its first critical. */
export function rememberRouteSend(
  store: Store,
  incidentId: string,
  route: string,
  severity: Severity,
  at: number,
  escalated = false,
): void {
  const criticalAt = severity === 'critical' ? at : null;
  store.db
    .insert(incidentRoutes)
    .values({
      incidentId,
      route,
      lastSentAt: at,
      lastSeverity: severity,
      criticalAt,
      escalatedAt: escalated ? at : null,
    })
    .onConflictDoUpdate({
      target: [incidentRoutes.incidentId, incidentRoutes.route],
      set: {
        lastSentAt: at,
        lastSeverity: severity,
        criticalAt: sql`coalesce(${incidentRoutes.criticalAt}, ${criticalAt})`,
        ...(escalated ? { escalatedAt: sql`coalesce(${incidentRoutes.escalatedAt}, ${at})` } : {}),
      },
    })
    .run();
}

/**
 * Open critical incidents that `route` has had as critical since `before` or earlier, and that
 * `target` has not had as critical yet: the escalations due.
 */
export function dueEscalations(store: Store, route: string, target: string, before: number): string[] {
  return store.sqlite
    .prepare<[string, number, string], { id: string }>(
      `select r.incident_id id from incident_routes r join incidents i on i.id = r.incident_id
       where r.route = ? and r.critical_at <= ? and i.status = 'open' and i.severity = 'critical'
         and not exists (select 1 from incident_routes t where t.incident_id = r.incident_id
                         and t.route = ? and t.critical_at is not null)
       order by r.critical_at`,
    )
    .all(route, before, target)
    .map((r) => r.id);
}

/** The intents of each of the brand's mentions named, for an incident's dominant intents. */
export function intentsOf(store: Store, brand: string, ids: readonly string[]): string[][] {
  if (ids.length === 0) return [];
  return store.db
    .select({ intents: mentions.intents })
    .from(mentions)
    .where(and(eq(mentions.brand, brand), inArray(mentions.id, [...ids])))
    .all()
    .map((m) => m.intents.map((i) => i.name));
}

export type Incident = typeof incidents.$inferSelect;

export function getIncident(store: Store, id: string): Incident | undefined {
  return store.db.select().from(incidents).where(eq(incidents.id, id)).get();
}

export function markAcknowledged(store: Store, id: string, by: string, at: number): void {
  store.db
    .update(incidents)
    .set({ status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by, updatedAt: at })
    .where(eq(incidents.id, id))
    .run();
}

/** The incident's latest alert, the one a follow-up (escalation, acknowledgement) is made from. */
export function latestAlert(store: Store, incidentId: string): AlertPayload | undefined {
  return store.db
    .select({ payload: alerts.payload })
    .from(alerts)
    .where(eq(alerts.incidentId, incidentId))
    .orderBy(desc(alerts.createdAt), desc(alerts.id))
    .limit(1)
    .get()?.payload as AlertPayload | undefined;
}

/** Every channel that any alert of the incident was addressed to. */
export function channelsOfIncident(store: Store, incidentId: string): string[] {
  return store.db
    .selectDistinct({ channel: deliveries.channel })
    .from(deliveries)
    .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
    .where(eq(alerts.incidentId, incidentId))
    .all()
    .map((r) => r.channel)
    .sort();
}
