import type http from 'node:http';
import { listenLocal } from './listen.ts';

export interface SlackAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * A local stand-in for a Slack incoming webhook (sources-reference §10.1): `ok` on success,
 * plain-text error codes, 429 with Retry-After, and Slack's own payload checks.
 */
export async function startSlackServer() {
  const received: { body: unknown; headers: http.IncomingHttpHeaders }[] = [];
  const answers: SlackAnswer[] = [];
  let hanging = false;
  const server = await listenLocal((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      if (hanging) return;
      const next = answers.shift();
      if (next) {
        res.writeHead(next.status, { 'content-type': 'text/plain', ...next.headers }).end(next.body ?? '');
        return;
      }
      if (req.method !== 'POST' || !req.url?.startsWith('/services/')) {
        res.writeHead(404, { 'content-type': 'text/html' }).end('no_service');
        return;
      }
      let body: { text?: unknown; blocks?: unknown[] };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        res.writeHead(400, { 'content-type': 'text/html' }).end('invalid_payload');
        return;
      }
      if (!String(req.headers['content-type']).includes('application/json') || (!body.text && !body.blocks)) {
        res
          .writeHead(400, { 'content-type': 'text/html' })
          .end(body.text || body.blocks ? 'invalid_payload' : 'no_text');
        return;
      }
      if (Array.isArray(body.blocks) && body.blocks.length > 50) {
        res.writeHead(400, { 'content-type': 'text/html' }).end('invalid_blocks');
        return;
      }
      received.push({ body, headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
    });
  });
  const port = server.port;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXXXXXXXXXXXXXX`,
    received,
    /** Answers for the next requests, in order; after them, normal behaviour. */
    respondWith(...next: SlackAnswer[]) {
      answers.push(...next);
    },
    hang(on: boolean) {
      hanging = on;
    },
    async waitFor(n: number, timeoutMs = 10_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until)
          throw new Error(`fake Slack got ${received.length} message(s), expected ${n}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => server.close(),
  };
}
