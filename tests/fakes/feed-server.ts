import { createHash } from 'node:crypto';
import type http from 'node:http';
import { listenLocal } from './listen.ts';

export interface FeedItem {
  id: string;
  title: string;
  body: string;
  link: string;
  published: Date;
  author?: string;
}

type Route =
  | { kind: 'feed'; feed: 'rss' | 'atom'; items: FeedItem[] }
  | { kind: 'raw'; status: number; body: string; headers: Record<string, string> }
  | { kind: 'hang' };

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** RSS 2.0 the way news sites write it: RFC 822 dates, HTML body in CDATA. */
export function renderRss(items: FeedItem[]): string {
  const entries = items
    .map(
      (it) => `    <item>
      <title>${esc(it.title)}</title>
      <link>${esc(it.link)}</link>
      <guid isPermaLink="false">${esc(it.id)}</guid>
      <pubDate>${it.published.toUTCString()}</pubDate>
      ${it.author ? `<dc:creator>${esc(it.author)}</dc:creator>` : ''}
      <description><![CDATA[<p>${it.body.replaceAll(']]>', ']]]]><![CDATA[>')}</p>]]></description>
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Fake news</title>
    <link>https://news.example/</link>
    <description>Test feed</description>
    <language>en-us</language>
${entries}
  </channel>
</rss>`;
}

/** Atom with escaped HTML content, as Google Alerts and blogs write it. */
export function renderAtom(items: FeedItem[]): string {
  const entries = items
    .map(
      (it) => `  <entry>
    <id>tag:social.example,2026:${esc(it.id)}</id>
    <title type="html">${esc(it.title)}</title>
    <link href="${esc(it.link)}" rel="alternate"/>
    <published>${it.published.toISOString()}</published>
    <updated>${it.published.toISOString()}</updated>
    <content type="html">${esc(`<b>${it.body}</b>`)}</content>
    <author><name>${esc(it.author ?? '')}</name></author>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>tag:social.example,2026:feed</id>
  <title>Fake social search</title>
  <updated>${new Date(Math.max(0, ...items.map((i) => i.published.getTime()))).toISOString()}</updated>
${entries}
</feed>`;
}

export interface FeedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** When it arrived (epoch ms). */
  at: number;
  /** Who sent it, as `clientOf` named the connection it came on. */
  client?: string;
  /** False while it is held (`hold`). */
  answered: boolean;
}

/**
 * A local feed host for tests: serves RSS/Atom with an ETag and a Last-Modified (answering 304 to
 * either, If-None-Match first as RFC 9110 says), raw answers, or hangs. Every request is recorded,
 * with the name `clientOf` gives its connection (asked once per connection, while it is open).
 */
export async function startFeedServer(
  opts: { clientOf?: (peer: { port: number; serverPort: number }) => string | undefined } = {},
) {
  const routes = new Map<string, Route>();
  const requests: FeedRequest[] = [];
  const held = new Map<string, { which: (r: FeedRequest) => boolean; waiting: (() => void)[] }>();
  const clients = new WeakMap<object, string | undefined>();
  const clientOf = (req: http.IncomingMessage): string | undefined => {
    if (!opts.clientOf) return undefined;
    const s = req.socket;
    if (!clients.has(s))
      clients.set(s, opts.clientOf({ port: s.remotePort ?? 0, serverPort: s.localPort ?? 0 }));
    return clients.get(s);
  };
  const server = await listenLocal((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const client = clientOf(req);
    const record: FeedRequest = {
      path,
      headers: req.headers,
      at: Date.now(),
      ...(client ? { client } : {}),
      answered: true,
    };
    requests.push(record);
    const hold = held.get(path);
    if (hold?.which(record)) {
      record.answered = false;
      hold.waiting.push(() => {
        record.answered = true;
        serve(req, res, path);
      });
      return;
    }
    serve(req, res, path);
  });
  function serve(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } else if (route.kind === 'hang') {
      // never answers: the client's timeout must fire
    } else if (route.kind === 'raw') {
      res.writeHead(route.status, route.headers).end(route.body);
    } else {
      const body = route.feed === 'rss' ? renderRss(route.items) : renderAtom(route.items);
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
      const newest = Math.max(0, ...route.items.map((i) => i.published.getTime()));
      const lastModified = new Date(Math.floor(newest / 1000) * 1000).toUTCString();
      const since = Date.parse(req.headers['if-modified-since'] ?? '');
      const inm = req.headers['if-none-match'];
      if (inm !== undefined ? inm === etag : !Number.isNaN(since) && newest < since + 1000) {
        res.writeHead(304, { etag, 'last-modified': lastModified }).end();
        return;
      }
      res
        .writeHead(200, {
          'content-type': route.feed === 'rss' ? 'application/rss+xml' : 'application/atom+xml',
          etag,
          'last-modified': lastModified,
        })
        .end(body);
    }
  }
  const port = server.port;
  return {
    requests,
    /** From now on requests to `path` (those `which` picks) wait, unanswered, until `release(path)`. */
    hold(path: string, which: (r: FeedRequest) => boolean = () => true) {
      held.set(path, { which, waiting: held.get(path)?.waiting ?? [] });
    },
    /** Answers the requests held on `path` (as the feed is then) and stops holding it. */
    release(path: string) {
      const waiting = held.get(path)?.waiting ?? [];
      held.delete(path);
      for (const answer of waiting) answer();
    },
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    setFeed(path: string, feed: { kind: 'rss' | 'atom'; items: FeedItem[] }) {
      routes.set(path, { kind: 'feed', feed: feed.kind, items: feed.items });
    },
    setRaw(
      path: string,
      status: number,
      body: string,
      headers: Record<string, string> = { 'content-type': 'text/plain' },
    ) {
      routes.set(path, { kind: 'raw', status, body, headers });
    },
    setHang(path: string) {
      routes.set(path, { kind: 'hang' });
    },
    close: () => server.close(),
  };
}
