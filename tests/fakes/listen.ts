import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Bodies of GET answers with status 200, while a test records them (see `recordAnswers`). */
let recorder: string[] | null = null;

/**
 * Records the body of every GET answered 200 by any fake of this process until `stop` is called:
 * the documented answers, whichever client read them.
 */
export function recordAnswers(): { bodies: string[]; stop(): void } {
  const bodies: string[] = [];
  recorder = bodies;
  return {
    bodies,
    stop() {
      if (recorder === bodies) recorder = null;
    },
  };
}

function recording(handler: http.RequestListener): http.RequestListener {
  return (req, res) => {
    if (recorder && req.method === 'GET') {
      const into = recorder;
      const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
      res.end = ((...args: unknown[]) => {
        const body = args[0];
        if (res.statusCode === 200 && (typeof body === 'string' || Buffer.isBuffer(body)))
          into.push(String(body));
        return end(...args);
      }) as typeof res.end;
    }
    handler(req, res);
  };
}

/**
 * Serves `handler` on 127.0.0.1 at a free port. `close()` also cuts open connections, so a fake
 * that was told to hang cannot keep a test waiting.
 */
export async function listenLocal(
  handler: http.RequestListener,
): Promise<{ port: number; base: string; close(): Promise<void> }> {
  const server = http.createServer(recording(handler));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ScriptedAnswer {
  /** 0 leaves the request unanswered: a hang, for timeouts. */
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Answers queued by a test (errors, quirks, hangs), served before the fake's normal behaviour. */
export function scriptedAnswers() {
  const queue: ScriptedAnswer[] = [];
  return {
    push(a: ScriptedAnswer) {
      queue.push(a);
    },
    /** True when the request was taken by the script. */
    answer(res: http.ServerResponse, headers: Record<string, string>): boolean {
      const next = queue.shift();
      if (!next) return false;
      if (next.status !== 0) res.writeHead(next.status, { ...headers, ...next.headers }).end(next.body);
      return true;
    },
  };
}
