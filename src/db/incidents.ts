import type { Sql } from './sql.ts';
import type { incidents } from './schema.ts';

export type IncidentRow = typeof incidents.$inferSelect;
type IncidentInsert = typeof incidents.$inferInsert;

/** Each field of an incident and its column; JSON fields are stored as their text. */
const COLUMNS: Record<keyof IncidentRow, string> = {
  id: 'id',
  brand: 'brand',
  kind: 'kind',
  subject: 'subject',
  polarity: 'polarity',
  severity: 'severity',
  status: 'status',
  title: 'title',
  openedAt: 'opened_at',
  updatedAt: 'updated_at',
  lastActivityAt: 'last_activity_at',
  acknowledgedAt: 'acknowledged_at',
  acknowledgedBy: 'acknowledged_by',
  resolvedAt: 'resolved_at',
  mentionCount: 'mention_count',
  mentionIds: 'mention_ids',
  evidence: 'evidence',
};
const JSON_FIELDS = new Set<string>(['mentionIds', 'evidence']);
const FIELDS = Object.keys(COLUMNS) as (keyof IncidentRow)[];
const SELECT_ALL = FIELDS.map((f) => `${COLUMNS[f]} as "${f}"`).join(', ');

const bind = (field: string, value: unknown): unknown =>
  value === undefined ? null : JSON_FIELDS.has(field) ? JSON.stringify(value) : value;

/** A row read with SELECT_ALL, its JSON fields parsed. */
export function toIncident(row: Record<string, unknown>): IncidentRow {
  return {
    ...row,
    mentionIds: JSON.parse(row.mentionIds as string) as string[],
    evidence: JSON.parse(row.evidence as string) as Record<string, unknown>,
  } as IncidentRow;
}

export async function getIncident(db: Sql, id: string): Promise<IncidentRow | undefined> {
  const row = await db.get<Record<string, unknown>>(`select ${SELECT_ALL} from incidents where id = ?`, [id]);
  return row && toIncident(row);
}

/** The brand's open (or acknowledged) incident of a kind: asked on every detection tick. */
export async function getOpenIncident(
  db: Sql,
  brand: string,
  kind: string,
): Promise<Pick<IncidentRow, 'id' | 'severity' | 'lastActivityAt' | 'mentionIds'> | undefined> {
  const row = await db.get<{
    id: string;
    severity: IncidentRow['severity'];
    last_activity_at: number;
    mention_ids: string;
  }>(
    `select id, severity, last_activity_at, mention_ids from incidents where brand = ? and kind = ? and status != 'resolved'`,
    [brand, kind],
  );
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

/**
 * Stores whose open incidents are kept in memory between changes: replay's private databases,
 * where detection asks on every simulated minute and every change goes through this file. A
 * write forgets them all, so the next read asks the database again.
 */
const openKept = new WeakMap<Sql, Map<string, readonly OpenIncidentRow[]>>();

/** Keeps the open incidents of `db` in memory: only for a database no other process changes. */
export function keepOpenIncidents(db: Sql): void {
  openKept.set(db, new Map());
}

/**
 * Something changed incidents: what was kept is read again. Only the brand changed, when it is
 * known (by name, or as the brand whose open incidents hold `id`): replay's brands tick in turn, and
 * one brand's update made every other brand read its incidents again.
 */
export function forgetOpenIncidents(db: Sql, changed: { brand?: string; id?: string } = {}): void {
  const kept = openKept.get(db);
  if (!kept) return;
  if (changed.brand !== undefined) {
    kept.delete(changed.brand);
    return;
  }
  const id = changed.id;
  if (id !== undefined)
    for (const [brand, open] of kept)
      if (open.some((o) => o.id === id)) {
        kept.delete(brand);
        return;
      }
  // An incident none of the kept lists holds (resolved, or not read yet) may be opened again: all go.
  kept.clear();
}

/** Whether the brand has an open (or acknowledged) incident: replay asks before skipping a quiet tick. */
export async function hasOpenIncidents(db: Sql, brand: string): Promise<boolean> {
  if (openKept.has(db)) return (await getOpenIncidents(db, brand)).length > 0;
  return (
    (await db.get("select 1 as one from incidents where brand = ? and status != 'resolved' limit 1", [
      brand,
    ])) !== undefined
  );
}

/** Every open (or acknowledged) incident of the brand: read once per detection tick. */
export async function getOpenIncidents(db: Sql, brand: string): Promise<OpenIncidentRow[]> {
  const kept = openKept.get(db);
  const known = kept?.get(brand);
  // A copy of the list: callers may sort or splice theirs. The rows are only read.
  if (known) return known.slice();
  const rows = await db.all<{
    id: string;
    kind: string;
    subject: string;
    severity: IncidentRow['severity'];
    last_activity_at: number;
    mention_ids: string;
  }>(
    `select id, kind, subject, severity, last_activity_at, mention_ids from incidents where brand = ? and status != 'resolved'`,
    [brand],
  );
  const open = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    severity: r.severity,
    lastActivityAt: r.last_activity_at,
    mentionIds: JSON.parse(r.mention_ids) as string[],
  }));
  kept?.set(brand, open);
  return open.slice();
}

export async function insertIncident(db: Sql, row: IncidentInsert): Promise<void> {
  forgetOpenIncidents(db, { brand: row.brand });
  const fields = (Object.keys(row) as (keyof IncidentInsert)[]).filter((f) => row[f] !== undefined);
  await db.run(
    `insert into incidents (${fields.map((f) => COLUMNS[f]).join(', ')}) values (${fields.map(() => '?').join(', ')})`,
    fields.map((f) => bind(f, row[f])),
  );
}

export async function updateIncident(db: Sql, id: string, set: Partial<IncidentInsert>): Promise<void> {
  const fields = (Object.keys(set) as (keyof IncidentInsert)[]).filter((f) => set[f] !== undefined);
  if (fields.length === 0) return;
  forgetOpenIncidents(db, set.brand === undefined ? { id } : {});
  await db.run(`update incidents set ${fields.map((f) => `${COLUMNS[f]} = ?`).join(', ')} where id = ?`, [
    ...fields.map((f) => bind(f, set[f])),
    id,
  ]);
}

export async function resolveIncident(db: Sql, id: string, at: number): Promise<void> {
  forgetOpenIncidents(db, { id });
  await db.run(`update incidents set status = 'resolved', resolved_at = ?, updated_at = ? where id = ?`, [
    at,
    at,
    id,
  ]);
}
