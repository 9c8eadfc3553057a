import type { Route } from '../config.ts';
import type { AlertPayload } from '../types.ts';

/** The channels that should receive an alert: every route that matches contributes its channels. */
export function channelsFor(
  alert: AlertPayload,
  routes: readonly Route[],
  enabled: ReadonlySet<string>,
): string[] {
  const out = new Set<string>();
  for (const r of routes) {
    if (!matches(r.brands, alert.brand) || !matches(r.kinds, alert.kind)) continue;
    if (!r.severities.includes(alert.severity) || !r.polarities.includes(alert.polarity)) continue;
    for (const c of r.channels) if (enabled.has(c)) out.add(c);
  }
  return [...out].sort();
}

function matches(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}
