import { listenLocal, scriptedAnswers } from './listen.ts';

export interface FakeReview {
  id: string;
  unit: string;
  stars: number;
  title: string;
  text: string;
  created: Date;
  replyAt?: Date;
}

/**
 * A local Trustpilot business-units API (sources-reference §9.2): `apikey` header, reviews
 * newest first with 1-based pages of at most 100 (past the end: an empty list), company replies.
 */
export async function startTrustpilotServer(key = 'tp-test-key-123') {
  const reviews: FakeReview[] = [];
  const script = scriptedAnswers();
  const server = await listenLocal((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const headers = { 'content-type': 'application/json; charset=utf-8' };
    if (script.answer(res, headers)) return;
    if (req.headers.apikey !== key) {
      res.writeHead(401, headers).end('{"message":"Unauthorized","errorCode":401}');
      return;
    }
    const m = /^\/v1\/business-units\/([^/]+)(\/reviews)?$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404, headers).end('{"message":"Not found"}');
      return;
    }
    const unit = decodeURIComponent(m[1] ?? '');
    if (!m[2]) {
      res
        .writeHead(200, headers)
        .end(JSON.stringify({ id: unit, displayName: 'Acme', score: { trustScore: 3.2, stars: 3 } }));
      return;
    }
    const per = Math.min(100, Number(url.searchParams.get('perPage') ?? 20));
    const page = Number(url.searchParams.get('page') ?? 1);
    const list = reviews
      .filter((r) => r.unit === unit)
      .sort((a, b) => b.created.getTime() - a.created.getTime());
    const out = list.slice((page - 1) * per, page * per).map((r) => ({
      id: r.id,
      stars: r.stars,
      title: r.title,
      text: r.text,
      language: 'en',
      createdAt: r.created.toISOString(),
      consumer: { id: `c${r.id}`, displayName: `Customer ${r.id}` },
      businessUnit: { id: unit },
      ...(r.replyAt
        ? { companyReply: { text: 'Thanks for telling us', createdAt: r.replyAt.toISOString() } }
        : {}),
    }));
    res.writeHead(200, headers).end(
      JSON.stringify({
        reviews: out,
        links: [{ href: `${url.origin}${url.pathname}?page=${page + 1}`, method: 'GET', rel: 'next-page' }],
      }),
    );
  });
  return {
    reviews,
    key,
    apiUrl: server.base,
    fail(status: number, body: string, headers?: Record<string, string>) {
      script.push({ status, body, ...(headers ? { headers } : {}) });
    },
    close: () => server.close(),
  };
}
