import type { Route } from '../config.ts';
import type { AlertPayload, Severity } from '../types.ts';

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** The routes whose filters an alert passes; routes that only take escalations are left out. */
export function matchingRoutes(alert: AlertPayload, routes: readonly Route[]): Route[] {
  return routes.filter(
    (r) =>
      !r.escalation_only &&
      matches(r.brands, alert.brand) &&
      matches(r.kinds, alert.kind) &&
      r.severities.includes(alert.severity) &&
      r.polarities.includes(alert.polarity) &&
      matchesAny(r.intents, alert.intents ?? []),
  );
}

/** The channels of these routes that are switched on, each once, sorted. */
export function channelsOf(routes: readonly Route[], enabled: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const r of routes) for (const c of r.channels) if (enabled.has(c)) out.add(c);
  return [...out].sort();
}

/** The channels that should receive an alert: every route that matches contributes its channels. */
export function channelsFor(
  alert: AlertPayload,
  routes: readonly Route[],
  enabled: ReadonlySet<string>,
): string[] {
  return channelsOf(matchingRoutes(alert, routes), enabled);
}

/** What a route last got of one incident (kept in the database per incident and route). */
export interface RouteMemory {
  lastSentAt: number;
  lastSeverity: Severity;
}

/**
 * Whether a route hears of an incident again: always the first time, and for a rise in severity;
 * otherwise only once its cooldown since the last alert it got has passed. The end of an incident
 * (acknowledged, resolved) is news, never held back.
 */
export function passesCooldown(
  route: Pick<Route, 'cooldown'>,
  memory: RouteMemory | undefined,
  alert: Pick<AlertPayload, 'severity' | 'status'>,
  now: number,
): boolean {
  if (!memory || route.cooldown === undefined || alert.status) return true;
  if (RANK[alert.severity] > RANK[memory.lastSeverity]) return true;
  return now - memory.lastSentAt >= route.cooldown;
}

/**
 * The intents carried by at least a quarter of an incident's mentions, most common first (at
 * most three): what the story is about, not what one post in it said.
 */
export function dominantIntents(perMention: readonly (readonly string[])[]): string[] {
  if (perMention.length === 0) return [];
  const counts = new Map<string, number>();
  for (const names of perMention) for (const n of new Set(names)) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n * 4 >= perMention.length)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([name]) => name);
}

/**
 * Every escalation loop among the routes, each once, as the names along it with the first
 * repeated at the end (`a → b → a`).
 */
export function escalationLoops(routes: readonly { name?: string; escalate_to?: string }[]): string[][] {
  const next = new Map<string, string>();
  for (const r of routes) if (r.name && r.escalate_to) next.set(r.name, r.escalate_to);
  const loops: string[][] = [];
  const seen = new Set<string>();
  for (const start of next.keys()) {
    const path: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && !seen.has(at) && !path.includes(at)) {
      path.push(at);
      at = next.get(at);
    }
    if (at !== undefined && path.includes(at)) loops.push([...path.slice(path.indexOf(at)), at]);
    for (const n of path) seen.add(n);
  }
  return loops;
}

function matches(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

function matchesAny(list: readonly string[], values: readonly string[]): boolean {
  return list.includes('*') || values.some((v) => list.includes(v));
}
