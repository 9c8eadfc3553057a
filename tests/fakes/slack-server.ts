import type http from 'node:http';
import { listenLocal } from './listen.ts';

export interface SlackAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface SlackRequest {
  body: unknown;
  headers: http.IncomingHttpHeaders;
}

type Block = { type?: unknown; text?: { text?: unknown }; fields?: { text?: unknown }[] };

/** Slack's own checks on a parsed payload (sources-reference §10.1): the error code, or null. */
function refusal(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'invalid_payload';
  const { text, blocks } = body as { text?: unknown; blocks?: unknown };
  if (text === undefined && blocks === undefined) return 'no_text';
  if (text !== undefined && typeof text !== 'string') return 'invalid_payload';
  if (blocks === undefined) return text ? null : 'no_text';
  if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks';
  const len = (v: unknown) => (typeof v === 'string' ? v.length : Infinity);
  for (const b of blocks as Block[]) {
    if (typeof b !== 'object' || b === null || typeof b.type !== 'string') return 'invalid_blocks';
    if (b.type === 'header' && len(b.text?.text) > 150) return 'invalid_blocks';
    if (b.type === 'section') {
      if (b.text !== undefined && len(b.text.text) > 3_000) return 'invalid_blocks';
      if (b.fields !== undefined && (b.fields.length > 10 || b.fields.some((f) => len(f.text) > 2_000)))
        return 'invalid_blocks';
    }
  }
  return null;
}

/**
 * A local stand-in for a Slack incoming webhook: `ok` on success, plain-text error codes, 429 with
 * Retry-After when told to, and Slack's own payload checks. `received` holds only the messages it
 * accepted, so a test can count what a channel would have shown.
 */
export async function startSlackServer() {
  const received: SlackRequest[] = [];
  /** Every request, accepted or not, for tests about retries. */
  const requests: SlackRequest[] = [];
  const answers: SlackAnswer[] = [];
  let hanging = false;
  const server = await listenLocal((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      let body: unknown = raw;
      let parsed = true;
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        parsed = false;
      }
      const seen = { body, headers: req.headers };
      requests.push(seen);
      if (hanging) return;
      const reply = (status: number, text: string, headers: Record<string, string> = {}) => {
        if (status >= 200 && status < 300) received.push(seen);
        res.writeHead(status, { 'content-type': 'text/html', ...headers }).end(text);
      };
      const next = answers.shift();
      if (next) return reply(next.status, next.body ?? '', { 'content-type': 'text/plain', ...next.headers });
      if (req.method !== 'POST' || !req.url?.startsWith('/services/')) return reply(404, 'no_service');
      if (!String(req.headers['content-type']).includes('application/json') || !parsed)
        return reply(400, 'invalid_payload');
      const code = refusal(body);
      return code ? reply(400, code) : reply(200, 'ok');
    });
  });
  return {
    url: `http://127.0.0.1:${server.port}/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX`,
    received,
    requests,
    /** Answers for the next requests, in order (as arguments or one array); then normal behaviour. */
    respondWith(...next: (SlackAnswer | SlackAnswer[])[]) {
      answers.push(...next.flat());
    },
    /** While on, requests are read and never answered: for timeouts. */
    hang(on: boolean) {
      hanging = on;
    },
    async waitFor(n: number, timeoutMs = 10_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until)
          throw new Error(`fake Slack accepted ${received.length} message(s), expected ${n}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => server.close(),
  };
}
