import { acknowledge } from '../../jobs/acknowledge.ts';
import type { JobContext } from '../../jobs/context.ts';
import { checkAck } from '../alerts/ack-link.ts';
import type { HttpResponse, HttpRoute } from './server.ts';

/**
 * `GET /ack/:incident?by=…&exp=…&sig=…`: the link in every alert. Refuses a forged or expired link
 * with 403, acknowledges once, and says so in a small page either way.
 */
export function ackRoute(ctx: JobContext, secret: string): HttpRoute {
  return {
    method: 'GET',
    path: '/ack/:incident',
    async handle(req) {
      const id = req.params.incident ?? '';
      const q = req.url.searchParams;
      const now = ctx.clock.now().getTime();
      const check = checkAck(secret, id, q.get('exp'), q.get('sig'), now);
      if (!check.ok) {
        ctx.log.warn({ incident: id, reason: check.reason }, `refused an acknowledge link: ${check.reason}`);
        return check.reason === 'expired'
          ? page(
              403,
              'Link expired',
              'This acknowledge link has expired. Use a newer alert, or run: earshot ack ' + id,
            )
          : page(
              403,
              'Link not valid',
              'This acknowledge link was not signed by this Earshot, or it was changed.',
            );
      }
      const r = await acknowledge(ctx.store, ctx.config, id, q.get('by') ?? 'link', now);
      switch (r.outcome) {
        case 'unknown':
          return page(404, 'No such incident', `Earshot has no incident ${id}.`);
        case 'resolved':
          return page(
            200,
            'Already resolved',
            `Incident ${id} is resolved: there is nothing to acknowledge.`,
          );
        case 'already':
          return page(
            200,
            'Already acknowledged',
            `Incident ${id} was already acknowledged${by(r.incident.acknowledgedBy)}${at(r.incident.acknowledgedAt)}.`,
          );
        case 'acknowledged':
          ctx.log.info(
            { incident: id, by: r.incident.acknowledgedBy },
            `incident ${id} acknowledged by link`,
          );
          return page(
            200,
            'Acknowledged',
            `Incident ${id} is acknowledged${by(r.incident.acknowledgedBy)}. Escalation has stopped.`,
          );
      }
    },
  };
}

const by = (who: string | null) => (who ? ` by ${who}` : '');
const at = (ms: number | null) => (ms === null ? '' : ` at ${new Date(ms).toISOString()}`);

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(status: number, title: string, text: string): HttpResponse {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      // The address holds a working signature: keep it out of caches and other sites' logs.
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-robots-tag': 'noindex',
    },
    body: `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)} · Earshot</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:48px auto;color:#1d1d1f"><h1 style="font-size:22px">${esc(title)}</h1><p>${esc(text)}</p></body></html>
`,
  };
}
