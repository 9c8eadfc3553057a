import { z } from 'zod';
import { channelsOf } from '../src/alerts/routes.ts';
import type { Config, Route } from '../src/config.ts';
import type { Store } from '../src/db/client.ts';
import {
  dueEscalations,
  getIncident,
  latestAlert,
  type Incident,
  rememberRouteSend,
  routeRecords,
} from '../src/db/routing.ts';
import { formatDuration } from '../src/duration.ts';
import { jobIdFor } from '../src/queue/index.ts';
import type { AlertPayload } from '../src/types.ts';
import type { JobContext } from './context.ts';
import { writeAlertTo } from './outbox.ts';

export const escalatePayload = z.object({ incident: z.string(), from: z.string(), to: z.string() });
export type EscalatePayload = z.infer<typeof escalatePayload>;

type Escalating = Route & { name: string; escalate_after: number; escalate_to: string };

const escalating = (config: Config): Escalating[] =>
  config.routes.filter(
    (r): r is Escalating => !!r.name && r.escalate_after !== undefined && r.escalate_to !== undefined,
  );

/**
 * One job per (incident, route escalated to): daemons that see the same escalation due queue the
 * same id, and the handler checks again in its transaction, so each step happens once.
 */
export const escalateJob = {
  queue: 'escalate' as const,
  attempts: 3,
  backoffMs: 2_000,
  /** How often the schedule looks for escalations due: the most an escalation can be late. */
  everyMs: 30_000,
  jobId: (incident: string, to: string) => jobIdFor('escalate', incident, to),
  async handle(ctx: JobContext, data: EscalatePayload): Promise<AlertPayload | null> {
    const alert = await escalate(ctx.store, ctx.config, data, ctx.clock.now().getTime());
    if (alert)
      ctx.log.info(
        { incident: alert.incident_id, from: data.from, to: data.to },
        `escalated ${alert.incident_id} from route ${data.from} to ${data.to}`,
      );
    return alert;
  },
};

/** True when some route escalates: only then does the daemon look for escalations due. */
export const escalates = (config: Config): boolean => escalating(config).length > 0;

/** The schedule's tick: queues one job per escalation due at `now`. Returns how many were due. */
export async function queueDueEscalations(ctx: JobContext, now: number): Promise<number> {
  let due = 0;
  for (const r of escalating(ctx.config)) {
    for (const incident of await dueEscalations(ctx.store, r.name, r.escalate_to, now - r.escalate_after)) {
      due++;
      await ctx.queue.add(
        'escalate',
        { incident, from: r.name, to: r.escalate_to },
        {
          jobId: escalateJob.jobId(incident, r.escalate_to),
          attempts: escalateJob.attempts,
          backoffMs: escalateJob.backoffMs,
        },
      );
    }
  }
  return due;
}

/**
 * Sends a critical incident nobody acknowledged to the next route's channels, in one transaction
 * with the record that the route had it (its own escalation, if any, waits from now).
 */
export async function escalate(
  store: Store,
  config: Config,
  step: EscalatePayload,
  now: number,
): Promise<AlertPayload | null> {
  const from = escalating(config).find((r) => r.name === step.from && r.escalate_to === step.to);
  const to = config.routes.find((r) => r.name === step.to);
  if (!from || !to) return null;
  return store.tx(async () => {
    const incident = await getIncident(store, step.incident);
    if (!incident || incident.status !== 'open' || incident.severity !== 'critical') return null;
    const had = await routeRecords(store, incident.id);
    const since = had.get(from.name)?.criticalAt;
    if (since == null || since > now - from.escalate_after) return null;
    if (had.get(step.to)?.criticalAt != null) return null;
    const alert = escalationAlert(await latestAlert(store, incident.id), incident, from.escalate_after, now);
    await writeAlertTo(store, alert, channelsOf([to], new Set(Object.keys(config.channels))), now);
    await rememberRouteSend(store, incident.id, step.to, 'critical', now, true);
    return alert;
  });
}

function escalationAlert(
  last: AlertPayload | undefined,
  incident: Incident,
  waitedMs: number,
  now: number,
): AlertPayload {
  // The latest alert carries the top posts and evidence; the incident row has the current state.
  const base: AlertPayload = last ?? {
    at: '',
    brand: incident.brand,
    kind: incident.kind,
    polarity: incident.polarity,
    severity: incident.severity,
    incident_id: incident.id,
    title: incident.title,
    mention_ids: incident.mentionIds,
    evidence: incident.evidence,
  };
  const { update: _update, status: _status, acknowledged_by: _by, ...rest } = base;
  return {
    ...rest,
    at: new Date(now).toISOString(),
    severity: incident.severity,
    title: `Escalated, not acknowledged in ${formatDuration(waitedMs)}: ${incident.title}`,
    escalated: true,
  };
}
