import { listenLocal, scriptedAnswers } from './listen.ts';

export interface FakeStatus {
  id: string;
  tags: string[];
  text: string;
  acct: string;
  followers: number;
  created: Date;
  favourites?: number;
  boostOf?: FakeStatus;
}

/**
 * A local Mastodon instance (sources-reference §6): tag timelines newest first with max_id,
 * since_id and min_id (the page just above min_id), limit ≤ 40, a Link header, X-RateLimit-*
 * headers with an ISO reset, status search that needs a token, and JSON errors.
 */
export async function startMastodonServer(opts: { token?: string; limit?: number } = {}) {
  const statuses: FakeStatus[] = [];
  const script = scriptedAnswers();
  const requests: URL[] = [];
  let remaining = opts.limit ?? 300;
  const big = (id: string) => BigInt(id);
  const render = (s: FakeStatus): Record<string, unknown> => ({
    id: s.id,
    uri: `https://fake.social/users/${s.acct}/statuses/${s.boostOf ? `b${s.id}` : s.id}`,
    url: s.boostOf ? null : `https://fake.social/@${s.acct}/${s.id}`,
    created_at: s.created.toISOString(),
    language: 'en',
    visibility: 'public',
    spoiler_text: '',
    content: s.boostOf
      ? ''
      : `<p>${s.text} ${s.tags.map((t) => `<a href="https://fake.social/tags/${t}" class="mention hashtag" rel="tag">#<span>${t}</span></a>`).join(' ')}</p>`,
    account: {
      id: '1',
      username: s.acct,
      acct: s.acct,
      display_name: s.acct,
      bot: false,
      followers_count: s.followers,
    },
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: s.favourites ?? 0,
    reblog: s.boostOf ? render(s.boostOf) : null,
    tags: s.tags.map((name) => ({ name })),
  });
  const server = await listenLocal((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url);
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': String(opts.limit ?? 300),
      'x-ratelimit-remaining': String(--remaining),
      'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString().replace('Z', '000Z'),
    };
    if (script.answer(res, headers)) return;
    const p = url.searchParams;
    const limit = Math.min(40, Number(p.get('limit') ?? 20));
    const page = (list: FakeStatus[]) => {
      let sorted = list.sort((a, b) => (big(b.id) > big(a.id) ? 1 : -1));
      const max = p.get('max_id');
      const since = p.get('since_id');
      const min = p.get('min_id');
      if (max) sorted = sorted.filter((s) => big(s.id) < big(max));
      if (since) sorted = sorted.filter((s) => big(s.id) > big(since));
      if (min) sorted = sorted.filter((s) => big(s.id) > big(min)).slice(-limit);
      return sorted.slice(0, limit);
    };
    const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname)?.[1];
    if (tag) {
      const out = page(statuses.filter((s) => s.tags.includes(decodeURIComponent(tag).toLowerCase())));
      const link = out.length
        ? `<${url.origin}${url.pathname}?max_id=${out.at(-1)?.id}>; rel="next", <${url.origin}${url.pathname}?min_id=${out[0]?.id}>; rel="prev"`
        : '';
      res.writeHead(200, { ...headers, ...(link ? { link } : {}) }).end(JSON.stringify(out.map(render)));
    } else if (url.pathname === '/api/v2/search') {
      if (!opts.token || req.headers.authorization !== `Bearer ${opts.token}`) {
        res.writeHead(401, headers).end('{"error":"The access token is invalid"}');
        return;
      }
      const words = (p.get('q') ?? '').toLowerCase().split(/\s+/);
      const out = page(statuses.filter((s) => words.every((w) => s.text.toLowerCase().includes(w))));
      res
        .writeHead(200, headers)
        .end(JSON.stringify({ accounts: [], statuses: out.map(render), hashtags: [] }));
    } else if (/^\/api\/v1\/statuses\/\d+$/.test(url.pathname)) {
      const found = statuses.find((st) => st.id === url.pathname.split('/').pop());
      if (found) res.writeHead(200, headers).end(JSON.stringify(render(found)));
      else res.writeHead(404, headers).end('{"error":"Record not found"}');
    } else if (url.pathname === '/api/v1/instance') {
      res.writeHead(200, headers).end('{"uri":"fake.social","title":"Fake"}');
    } else {
      res.writeHead(404, headers).end('{"error":"Record not found"}');
    }
  });
  return {
    statuses,
    requests,
    instance: server.base,
    fail(status: number, body: string, headers?: Record<string, string>) {
      script.push({ status, body, ...(headers ? { headers } : {}) });
    },
    close: () => server.close(),
  };
}
