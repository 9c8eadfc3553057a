import type { Config } from '../config.ts';
import type { Store } from '../db/client.ts';
import { jsonText } from '../db/dialect.ts';
import { retryDeliveries } from '../db/outbox.ts';

interface Row {
  id: string;
  brand: string;
  kind: string;
  severity: string;
  created_at: number;
  title: string | null;
  channel: string | null;
  status: string | null;
  attempts: number | null;
  retries: number | null;
  last_error: string | null;
  sent_at: number | null;
}

/**
 * `earshot alerts`: the latest alerts, newest first, each with how every channel fared (sent,
 * waiting, failed and retrying, or given up with the reason). Reads the database only.
 */
export async function listAlerts(store: Store, opts: { limit: number; brand?: string }): Promise<string> {
  const rows = await store.all<Row>(
    `select a.id, a.brand, a.kind, a.severity, a.created_at, ${jsonText(store.dialect, 'a.payload', 'title')} as title,
              d.channel, d.status, d.attempts, d.retries, d.last_error, d.sent_at
       from (select * from alerts where (cast(? as text) is null or brand = ?) order by created_at desc, id desc limit ?) a
       left join deliveries d on d.alert_id = a.id
       order by a.created_at desc, a.id desc, d.channel`,
    [opts.brand ?? null, opts.brand ?? null, opts.limit],
  );
  if (rows.length === 0) return opts.brand ? `no alerts for ${opts.brand} yet\n` : 'no alerts yet\n';
  const out: string[] = [];
  let last = '';
  for (const r of rows) {
    if (r.id !== last) {
      last = r.id;
      out.push(
        `${new Date(r.created_at).toISOString()}  ${r.severity.padEnd(8)} ${r.brand}  ${r.kind}  ${r.id}`,
        `    ${(r.title ?? '').replace(/\s+/g, ' ').slice(0, 160)}`,
      );
    }
    if (!r.channel) continue;
    const how =
      r.status === 'sent'
        ? `sent ${r.sent_at ? new Date(r.sent_at).toISOString() : ''}`.trim()
        : r.status === 'dead'
          ? `GAVE UP after ${r.attempts} attempt(s): ${r.last_error ?? ''}`
          : r.status === 'failed'
            ? `retrying (${r.attempts} attempt(s) so far): ${r.last_error ?? ''}`
            : 'waiting to be sent';
    const byHand = r.retries ? ` (retried by hand ${r.retries}×)` : '';
    out.push(`    → ${r.channel}: ${how}${byHand}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * `earshot alerts retry ID [--channel C]`: the alert's given-up deliveries go back to the outbox,
 * where the daemon's relay (any daemon on this database) picks them up. Throws a one-line reason.
 */
export async function retryAlert(
  store: Store,
  config: Config,
  alertId: string,
  channel?: string,
): Promise<string> {
  if (channel && !config.channels[channel])
    throw new Error(`no channel is named "${channel}" in ${config.file ?? 'the configuration'}`);
  const again = await retryDeliveries(store, alertId, {
    ...(channel ? { channel } : {}),
    configured: Object.keys(config.channels),
  });
  return `alert ${alertId}: ${again.join(', ')} queued again; the running daemon sends it within seconds\n`;
}
