import type { RouteMemory } from '../alerts/routes.ts';
import type { AlertPayload, Severity } from '../types.ts';
import { forgetOpenIncidents, getIncident, type IncidentRow } from './incidents.ts';
import type { Sql } from './sql.ts';

export interface RouteRecord extends RouteMemory {
  criticalAt: number | null;
}

/** What each named route has had of one incident, by route name. */
export async function routeRecords(db: Sql, incidentId: string): Promise<Map<string, RouteRecord>> {
  const rows = await db.all<{
    route: string;
    last_sent_at: number;
    last_severity: Severity;
    critical_at: number | null;
  }>('select route, last_sent_at, last_severity, critical_at from incident_routes where incident_id = ?', [
    incidentId,
  ]);
  return new Map(
    rows.map((r) => [
      r.route,
      { lastSentAt: r.last_sent_at, lastSeverity: r.last_severity, criticalAt: r.critical_at },
    ]),
  );
}

/** Records that a route had an alert of the incident; its escalation clock starts at its first critical. */
export async function rememberRouteSend(
  db: Sql,
  incidentId: string,
  route: string,
  severity: Severity,
  at: number,
  escalated = false,
): Promise<void> {
  const criticalAt = severity === 'critical' ? at : null;
  await db.run(
    `insert into incident_routes (incident_id, route, last_sent_at, last_severity, critical_at, escalated_at)
     values (?, ?, ?, ?, ?, ?)
     on conflict (incident_id, route) do update set last_sent_at = excluded.last_sent_at,
       last_severity = excluded.last_severity,
       critical_at = coalesce(incident_routes.critical_at, excluded.critical_at)${
         escalated ? ', escalated_at = coalesce(incident_routes.escalated_at, excluded.escalated_at)' : ''
       }`,
    [incidentId, route, at, severity, criticalAt, escalated ? at : null],
  );
}

/**
 * Open critical incidents that `route` has had as critical since `before` or earlier, and that
 * `target` has not had as critical yet: the escalations due.
 */
export async function dueEscalations(
  db: Sql,
  route: string,
  target: string,
  before: number,
): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    `select r.incident_id id from incident_routes r join incidents i on i.id = r.incident_id
     where r.route = ? and r.critical_at <= ? and i.status = 'open' and i.severity = 'critical'
       and not exists (select 1 from incident_routes t where t.incident_id = r.incident_id
                       and t.route = ? and t.critical_at is not null)
     order by r.critical_at`,
    [route, before, target],
  );
  return rows.map((r) => r.id);
}

/** The intents of each of the brand's mentions named, for an incident's dominant intents. */
export async function intentsOf(db: Sql, brand: string, ids: readonly string[]): Promise<string[][]> {
  const out: string[][] = [];
  // In slices: both databases limit the parameters of one statement.
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    const rows = await db.all<{ intents: string }>(
      `select intents from mentions where brand = ? and id in (${slice.map(() => '?').join(', ')})`,
      [brand, ...slice],
    );
    for (const r of rows) out.push((JSON.parse(r.intents) as { name: string }[]).map((x) => x.name));
  }
  return out;
}

export type Incident = IncidentRow;
export { getIncident };

export async function markAcknowledged(db: Sql, id: string, by: string, at: number): Promise<void> {
  forgetOpenIncidents(db, { id });
  await db.run(
    `update incidents set status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, updated_at = ? where id = ?`,
    [at, by, at, id],
  );
}

/** The incident's latest alert, the one a follow-up (escalation, acknowledgement) is made from. */
export async function latestAlert(db: Sql, incidentId: string): Promise<AlertPayload | undefined> {
  const row = await db.get<{ payload: string }>(
    'select payload from alerts where incident_id = ? order by created_at desc, id desc limit 1',
    [incidentId],
  );
  return row && (JSON.parse(row.payload) as AlertPayload);
}

/** Every channel that any alert of the incident was addressed to. */
export async function channelsOfIncident(db: Sql, incidentId: string): Promise<string[]> {
  const rows = await db.all<{ channel: string }>(
    `select distinct d.channel from deliveries d join alerts a on a.id = d.alert_id where a.incident_id = ?`,
    [incidentId],
  );
  return rows.map((r) => r.channel).sort();
}
