import { readFile } from 'node:fs/promises';
import type { JobContext } from '../../jobs/context.ts';
import { ackSignature, checkAck } from '../alerts/ack-link.ts';
import { digestFile } from '../db/digests.ts';
import type { HttpRoute } from './server.ts';

// The web copy of a digest, behind a signed link like the acknowledge links: a report tells what
// people said about the brand and is not for whoever guesses its address.

const subject = (id: string) => `digest:${id}`;

export function digestUrl(base: string, secret: string, id: string, exp: number): string {
  const q = new URLSearchParams({ exp: String(exp), sig: ackSignature(secret, subject(id), exp) });
  return `${base}/digests/${encodeURIComponent(id)}?${q.toString()}`;
}

const text = (status: number, body: string) => ({ status, body, headers: { 'cache-control': 'no-store' } });

/** `GET /digests/:id?exp=…&sig=…`: the saved HTML page of the digest. */
export function digestRoute(ctx: JobContext, secret: string): HttpRoute {
  return {
    method: 'GET',
    path: '/digests/:id',
    async handle(req) {
      const id = req.params.id ?? '';
      const q = req.url.searchParams;
      const check = checkAck(secret, subject(id), q.get('exp'), q.get('sig'), ctx.clock.now().getTime());
      if (!check.ok)
        return text(
          403,
          check.reason === 'expired' ? 'This report link has expired.' : 'This report link is not valid.',
        );
      const file = await digestFile(ctx.store, id);
      if (!file) return text(404, `Earshot has no report ${id}.`);
      try {
        return {
          status: 200,
          body: await readFile(file, 'utf8'),
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
            'referrer-policy': 'no-referrer',
          },
        };
      } catch {
        return text(404, `The saved copy of report ${id} is gone from the server.`);
      }
    },
  };
}
