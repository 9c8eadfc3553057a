import { z } from 'zod';
import type { AlertPayload, Severity } from '../../types.ts';
import { kindInWords, truncate } from '../format.ts';
import { credentialKey, pace } from '../../sources/pace.ts';
import { judge, postJson } from './post.ts';
import type { Channel } from './types.ts';

const options = z.object({
  /** The integration's routing key, 32 characters (a secret: write ${PAGERDUTY_ROUTING_KEY}). */
  routing_key: z.string().regex(/^[A-Za-z0-9]{32}$/, 'a PagerDuty routing key is 32 letters and digits'),
  /** For tests and proxies. */
  api_url: z.url().default('https://events.pagerduty.com/v2/enqueue'),
});
export type PagerDutyOptions = z.infer<typeof options>;

/** Events API v2 (sources-reference §10.2); `routing_key` is added at send time, never rendered. */
export interface PagerDutyEvent {
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  links?: { href: string; text: string }[];
  client: string;
  client_url?: string;
}

const SEVERITY: Record<Severity, 'critical' | 'warning' | 'info'> = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
};

/** One PagerDuty incident per Earshot incident: its updates, acknowledgement and end follow it. */
export const dedupKey = (alert: AlertPayload) => truncate(`earshot:${alert.brand}:${alert.incident_id}`, 255);

export const pagerduty: Channel<PagerDutyOptions, PagerDutyEvent> = {
  id: 'pagerduty',
  description:
    'PagerDuty Events API v2: trigger, acknowledge and resolve, one PagerDuty incident per Earshot incident. Settings: routing_key.',
  options,
  render(alert, ctx) {
    const action =
      alert.status === 'resolved' ? 'resolve' : alert.status === 'acknowledged' ? 'acknowledge' : 'trigger';
    const event: PagerDutyEvent = { event_action: action, dedup_key: dedupKey(alert), client: 'Earshot' };
    if (ctx.ackUrl) event.client_url = ctx.ackUrl;
    if (action !== 'trigger') return event;
    const top = (alert.top_mentions ?? []).filter((m) => m.url && /^https?:\/\//i.test(m.url)).slice(0, 5);
    event.payload = {
      summary: truncate(
        `${alert.update ? 'Update: ' : ''}[${alert.brand}] ${kindInWords(alert.kind)}: ${alert.title}`,
        1_024,
      ),
      source: 'earshot',
      severity: SEVERITY[alert.severity],
      timestamp: alert.at,
      component: alert.brand,
      group: alert.kind,
      class: alert.polarity,
      custom_details: {
        mentions: alert.mention_ids.length,
        ...alert.evidence,
        top_posts: top.map((m) => `${m.author ?? 'someone'}: ${truncate(m.text, 200)}`),
      },
    };
    const links = top.map((m, i) => ({
      href: m.url ?? '',
      text: `Post ${i + 1}${m.author ? ` by ${m.author}` : ''}`,
    }));
    if (ctx.ackUrl) links.unshift({ href: ctx.ackUrl, text: 'Acknowledge in Earshot' });
    if (links.length > 0) event.links = links;
    return event;
  },
  // About 120 events a minute per integration key (§10.2).
  pace: (o) => ({ key: credentialKey('pagerduty', o.routing_key), everyMs: 500 }),
  async send(event, o, ctx) {
    if (!ctx.slotTaken) await pace(credentialKey('pagerduty', o.routing_key), 500);
    const res = await postJson(
      'pagerduty',
      o.api_url,
      JSON.stringify({ routing_key: o.routing_key, ...event }),
      {},
      ctx,
    );
    // PagerDuty's advice on 429: wait about 30 seconds (§10.2).
    judge('pagerduty', res, o.api_url, 30_000);
  },
};
