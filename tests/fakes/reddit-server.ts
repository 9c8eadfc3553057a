import { listenLocal, scriptedAnswers } from './listen.ts';

export interface FakeThing {
  kind: 't1' | 't3';
  id: string;
  sub: string;
  author: string;
  text: string;
  title?: string;
  created: number;
  score?: number;
  /** For comments: the fullname replied to. */
  parent?: string;
}

/**
 * A local Reddit (sources-reference §3): /search and /r/{sub}/comments listings newest first,
 * `after` paging with fullnames, 100 a page at most, X-Ratelimit-* headers (float remaining,
 * reset in seconds), the app-only token endpoint with Basic auth, and JSON errors, 429 in a 200
 * included. With `credentials`, calls need the bearer token; anonymous calls use the .json form.
 */
export async function startRedditServer(opts: { credentials?: { id: string; secret: string } } = {}) {
  const things: FakeThing[] = [];
  const script = scriptedAnswers();
  const requests: { path: string; ua: string | undefined; auth: string | undefined }[] = [];
  let tokensIssued = 0;
  const server = await listenLocal((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({
      path: url.pathname + url.search,
      ua: req.headers['user-agent'],
      auth: req.headers.authorization,
    });
    const headers = {
      'content-type': 'application/json; charset=UTF-8',
      'x-ratelimit-used': '1',
      'x-ratelimit-remaining': '99.0',
      'x-ratelimit-reset': '300',
    };
    if (url.pathname === '/api/v1/access_token') {
      const c = opts.credentials;
      const expected = c ? `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}` : null;
      if (!expected || req.headers.authorization !== expected) {
        res.writeHead(401, headers).end('{"message": "Unauthorized", "error": 401}');
        return;
      }
      tokensIssued++;
      res.writeHead(200, headers).end(
        JSON.stringify({
          access_token: `tok${tokensIssued}`,
          token_type: 'bearer',
          expires_in: 86_400,
          scope: '*',
        }),
      );
      return;
    }
    if (script.answer(res, headers)) return;
    if (opts.credentials && !/^bearer tok\d+$/.test(req.headers.authorization ?? '')) {
      res.writeHead(401, headers).end('{"message": "Unauthorized", "error": 401}');
      return;
    }
    const path = url.pathname.replace(/\.json$/, '');
    const p = url.searchParams;
    let list: FakeThing[];
    const sub = /^\/r\/(\w+)\/comments$/.exec(path)?.[1];
    const user = /^\/user\/([\w-]+)\/comments$/.exec(path)?.[1];
    if (user) {
      list = things.filter((t) => t.kind === 't1' && t.author === user);
    } else if (path === '/api/info') {
      const names = (p.get('id') ?? '').split(',');
      list = things.filter((t) => names.includes(`${t.kind}_${t.id}`));
    } else if (path === '/search') {
      const words = (p.get('q') ?? '').toLowerCase().split(/\s+/);
      list = things.filter(
        (t) => t.kind === 't3' && words.every((w) => `${t.title ?? ''} ${t.text}`.toLowerCase().includes(w)),
      );
    } else if (sub) {
      list = things.filter((t) => t.kind === 't1' && t.sub === sub);
    } else {
      res.writeHead(404, headers).end('{"message": "Not Found", "error": 404}');
      return;
    }
    list.sort((a, b) => b.created - a.created);
    const after = p.get('after');
    const start = after ? list.findIndex((t) => `${t.kind}_${t.id}` === after) + 1 : 0;
    const limit = Math.min(100, Number(p.get('limit') ?? 25));
    const page = list.slice(start, start + limit);
    const children = page.map((t) => ({
      kind: t.kind,
      data: {
        id: t.id,
        name: `${t.kind}_${t.id}`,
        author: t.author,
        subreddit: t.sub,
        created_utc: t.created,
        score: t.score ?? 1,
        permalink: `/r/${t.sub}/comments/${t.id}/x/`,
        ...(t.kind === 't3'
          ? { title: t.title ?? '', selftext: t.text, num_comments: 0, is_self: true }
          : {
              body: t.text,
              link_id: 't3_parent',
              link_title: 'A thread',
              parent_id: t.parent ?? 't3_parent',
            }),
      },
    }));
    const more = start + limit < list.length;
    res.writeHead(200, headers).end(
      JSON.stringify({
        kind: 'Listing',
        data: {
          after: more ? children.at(-1)?.data.name : null,
          before: null,
          dist: children.length,
          modhash: '',
          children,
        },
      }),
    );
  });
  return {
    things,
    requests,
    base: server.base,
    tokensIssued: () => tokensIssued,
    fail(status: number, body: string, headers?: Record<string, string>) {
      script.push({ status, body, ...(headers ? { headers } : {}) });
    },
    close: () => server.close(),
  };
}
