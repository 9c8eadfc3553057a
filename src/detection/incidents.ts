import { createHash } from 'node:crypto';
import type { DetectionSettings } from '../config.ts';
import type { Severity } from '../types.ts';
import { RANK, type Finding } from './types.ts';

export interface OpenIncident {
  id: string;
  severity: Severity;
  lastActivityAt: number;
}

export type Decision =
  | { action: 'none' }
  | { action: 'open'; severity: Severity; alert: true }
  | { action: 'update'; severity: Severity; alert: boolean }
  | { action: 'resolve' };

/** Kinds whose incident ends as soon as the finding does (a complaint answered, volume back). */
const ENDS_WITH_FINDING = new Set(['unanswered_complaint', 'volume_drop']);

/**
 * What a finding does to the brand's open incident of the same kind and subject: one incident, one
 * alert, then updates; a new alert only when the severity rises (it never falls while open);
 * resolved after a quiet period, or at once for kinds that end with their finding.
 */
export function decide(
  open: OpenIncident | null,
  finding: Pick<Finding, 'severity'> | null,
  now: number,
  s: Pick<DetectionSettings, 'quiet_period'>,
  kind = '',
): Decision {
  if (finding && !open) return { action: 'open', severity: finding.severity, alert: true };
  if (finding && open) {
    const rises = RANK[finding.severity] > RANK[open.severity];
    return { action: 'update', severity: rises ? finding.severity : open.severity, alert: rises };
  }
  if (open && (ENDS_WITH_FINDING.has(kind) || now - open.lastActivityAt >= s.quiet_period))
    return { action: 'resolve' };
  return { action: 'none' };
}

/** A readable, stable id: the same history replayed gives the same ids. */
export function incidentId(brand: string, kind: string, openedAt: number, subject = ''): string {
  const stamp = new Date(openedAt).toISOString().replace(/[-:]/g, '').slice(0, 13);
  const base = `${brand}-${kind.replace(/_/g, '-')}-${stamp}`;
  // A post's incident: a short digest of its id keeps two posts' incidents of one minute apart.
  return subject ? `${base}-${createHash('sha256').update(subject).digest('hex').slice(0, 8)}` : base;
}
