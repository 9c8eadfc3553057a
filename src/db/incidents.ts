import { eq } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Store } from './client.ts';
import { incidents } from './schema.ts';

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
