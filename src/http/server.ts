import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.ts';

export interface HttpRequest {
  method: string;
  url: URL;
  /** The `:name` parts of the route's path, decoded. */
  params: Record<string, string>;
  headers: http.IncomingHttpHeaders;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/**
 * One endpoint of the daemon. Adding one (health, metrics) is one of these in the list given to
 * `startHttpServer`; `path` is literal segments and `:name` placeholders, like `/ack/:incident`.
 */
export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(req: HttpRequest): HttpResponse | Promise<HttpResponse>;
}

export interface HttpServer {
  /** `http://host:port` as bound (the port is known here when 0 was asked for). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The daemon's small HTTP server: plain node:http, no framework, answers only its routes. */
export async function startHttpServer(opts: {
  host: string;
  port: number;
  routes: readonly HttpRoute[];
  log: Logger;
}): Promise<HttpServer> {
  const server = http.createServer((req, res) => {
    void answer(req, opts.routes, opts.log).then((r) => {
      res.writeHead(r.status, { 'content-type': 'text/plain; charset=utf-8', ...r.headers });
      res.end(req.method === 'HEAD' ? undefined : r.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => opts.log.error(`http server: ${errorMessage(err)}`));
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(
  req: http.IncomingMessage,
  routes: readonly HttpRoute[],
  log: Logger,
): Promise<HttpResponse> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
  // Paths only: a query may carry a signature, and logs must never hold a working link.
  const where = { method: req.method, path: url.pathname };
  let allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, url.pathname);
    if (!params) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    // A HEAD (link previews) must not act: it is answered without running the handler.
    if (req.method === 'HEAD') return { status: 200, body: '' };
    try {
      const res = await route.handle({ method, url, params, headers: req.headers });
      log.debug({ ...where, status: res.status }, `http ${method} ${url.pathname} ${res.status}`);
      return res;
    } catch (err) {
      log.error(where, `http ${method} ${url.pathname} failed: ${errorMessage(err)}`);
      return { status: 500, body: 'Earshot could not answer this request; the log says why.\n' };
    }
  }
  if (allowed.length > 0) {
    allowed = [...new Set(allowed)];
    return { status: 405, headers: { allow: allowed.join(', ') }, body: 'method not allowed\n' };
  }
  return { status: 404, body: 'not found\n' };
}

/** `/ack/:incident` against a path: the decoded placeholders, or null when it does not fit. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return params;
}
