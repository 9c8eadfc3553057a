import type { DetectionSettings } from '../config.ts';
import type { Severity } from '../types.ts';
import type { Finding } from './volume-spike.ts';

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

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

/**
 * What a finding does to the brand's open incident of the same kind: one incident, one alert,
 * then updates; a new alert only when the severity rises; resolved after a quiet period.
 */
export function decide(
  open: OpenIncident | null,
  finding: Finding | null,
  now: number,
  s: DetectionSettings,
): Decision {
  if (finding && !open) return { action: 'open', severity: finding.severity, alert: true };
  if (finding && open) {
    const rises = RANK[finding.severity] > RANK[open.severity];
    return { action: 'update', severity: rises ? finding.severity : open.severity, alert: rises };
  }
  if (open && now - open.lastActivityAt >= s.quiet_period) return { action: 'resolve' };
  return { action: 'none' };
}

/** A readable, stable id: the same history replayed gives the same ids. */
export function incidentId(brand: string, kind: string, openedAt: number): string {
  const stamp = new Date(openedAt).toISOString().replace(/[-:]/g, '').slice(0, 13);
  return `${brand}-${kind.replace(/_/g, '-')}-${stamp}`;
}
