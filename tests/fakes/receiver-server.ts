import type http from 'node:http';
import { listenLocal, scriptedAnswers, type ScriptedAnswer } from './listen.ts';

export interface Received {
  path: string;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** When it was read (epoch ms). */
  at: number;
}

/**
 * A local HTTP receiver for alert channels: records every request, answers what the test queued
 * (statuses, Retry-After, a hang with status 0) and otherwise what `answer` decides.
 */
export async function startReceiver(
  answer: (r: Received) => ScriptedAnswer = () => ({ status: 200, body: 'ok' }),
) {
  const requests: Received[] = [];
  /** What each request got, in the order of `requests`, and when (epoch ms). */
  const answered: { status: number; at: number }[] = [];
  const script = scriptedAnswers();
  let decide = answer;
  let delayMs = 0;
  const server = await listenLocal((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const r = { path: req.url ?? '/', body, headers: req.headers, at: Date.now() };
      const i = requests.push(r) - 1;
      const reply = () => {
        if (script.answer(res, { 'content-type': 'application/json' })) return;
        const a = decide(r);
        answered[i] = { status: a.status, at: Date.now() };
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body);
      };
      if (delayMs > 0) setTimeout(reply, delayMs);
      else reply();
    });
  });
  return {
    requests,
    answered,
    /** From now on, what `answer` would have decided is decided by `fn`. */
    answerWith(fn: (r: Received) => ScriptedAnswer) {
      decide = fn;
    },
    /** Reads each request at once and answers it `ms` later: deliveries stay in flight that long. */
    slow(ms: number) {
      delayMs = ms;
    },
    url: (path = '/hook') => `${server.base}${path}`,
    /** The next answer: a status (0 hangs), a body, headers. */
    queue: (a: ScriptedAnswer) => script.push(a),
    close: () => server.close(),
  };
}

/** PagerDuty's Events API v2 as documented (sources-reference §10.2): 202, or 400 with the reasons. */
export function pagerDutyAnswer(r: Received): ScriptedAnswer {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    return invalid(['Event object is not JSON']);
  }
  const errors: string[] = [];
  if (typeof e.routing_key !== 'string' || e.routing_key.length !== 32)
    errors.push("'routing_key' is invalid");
  if (!['trigger', 'acknowledge', 'resolve'].includes(String(e.event_action)))
    errors.push("'event_action' is invalid");
  if (e.dedup_key !== undefined && (typeof e.dedup_key !== 'string' || e.dedup_key.length > 255))
    errors.push("'dedup_key' is invalid");
  if (e.event_action !== 'trigger' && typeof e.dedup_key !== 'string') errors.push("'dedup_key' is missing");
  if (e.event_action === 'trigger') {
    const p = (e.payload ?? {}) as Record<string, unknown>;
    if (typeof p.summary !== 'string' || p.summary.length > 1024) errors.push("'payload.summary' is invalid");
    if (typeof p.source !== 'string') errors.push("'payload.source' is missing");
    if (!['critical', 'error', 'warning', 'info'].includes(String(p.severity)))
      errors.push("'payload.severity' is invalid");
  }
  if (errors.length) return invalid(errors);
  return {
    status: 202,
    body: JSON.stringify({
      status: 'success',
      message: 'Event processed',
      dedup_key: e.dedup_key ?? 'generated',
    }),
  };
}

const invalid = (errors: string[]): ScriptedAnswer => ({
  status: 400,
  body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }),
});
