import type { AlertPayload, Severity } from '../types.ts';

const KIND_WORDS: Record<string, string> = {
  volume_spike: 'Negative volume spike',
  negative_shift: 'Sentiment souring',
  viral_post: 'Viral post',
  crisis_post: 'Crisis post',
  opportunity: 'Opportunity',
  source_silent: 'Source silent',
  unanswered_complaint: 'Unanswered complaint',
};

/** `volume_spike` → "Negative volume spike"; unknown kinds become words. */
export function kindInWords(kind: string): string {
  return KIND_WORDS[kind] ?? capitalize(kind.replace(/[_-]+/g, ' '));
}

/** `negatives_in_window` → "Negatives in window". */
export function humanize(key: string): string {
  return capitalize(key.replace(/[_-]+/g, ' '));
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
};

/** Scalar evidence entries, for people: at most `max`, numbers rounded. */
export function evidenceLines(alert: AlertPayload, max = 6): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(alert.evidence)) {
    if (out.length >= max) break;
    if (typeof v === 'number')
      out.push([humanize(k), Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)))]);
    else if (typeof v === 'string' || typeof v === 'boolean') out.push([humanize(k), String(v)]);
  }
  return out;
}

/** One plain line: what a phone notification shows. */
export function headline(alert: AlertPayload): string {
  return `${alert.update ? 'Update: ' : ''}[${alert.severity}] ${alert.brand}: ${kindInWords(alert.kind)} — ${alert.title}`;
}
