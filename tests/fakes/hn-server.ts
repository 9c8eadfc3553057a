import { listenLocal, scriptedAnswers } from './listen.ts';

export interface FakeHit {
  objectID: string;
  kind: 'story' | 'comment';
  author: string;
  text: string;
  title?: string;
  points?: number;
  num_comments?: number;
  created_at_i: number;
}

/**
 * A local stand-in for hn.algolia.com/api/v1/search_by_date (sources-reference §4): words AND-ed,
 * `tags` as an OR group, `numericFilters` on created_at_i, 0-based pages, newest first, and the
 * 1,000-hit pagination limit. `fail` queues raw answers (status, body) for the next requests.
 */
export async function startHnServer() {
  const hits: FakeHit[] = [];
  const script = scriptedAnswers();
  const requests: URLSearchParams[] = [];
  /** When each request arrived (epoch ms), in order. */
  const arrivals: number[] = [];
  let holdFrom = Infinity;
  let onHeld = () => {};
  const server = await listenLocal((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.searchParams);
    arrivals.push(Date.now());
    // Left unanswered: the client is stopped (killed) while it waits.
    if (requests.length > holdFrom) return onHeld();
    if (script.answer(res, { 'content-type': 'application/json' })) return;
    if (url.pathname === '/api/v1/search') {
      const wanted = new Set(
        [...(url.searchParams.get('tags') ?? '').matchAll(/story_(\d+)/g)].map((m) => m[1]),
      );
      const found = hits.filter((h) => h.kind === 'story' && wanted.has(h.objectID));
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          hits: found.map((h) => ({
            objectID: h.objectID,
            _tags: ['story', `author_${h.author}`, `story_${h.objectID}`],
            author: h.author,
            title: h.title ?? h.text,
            story_text: h.text,
            points: h.points ?? 1,
            num_comments: h.num_comments ?? 0,
            created_at_i: h.created_at_i,
          })),
          page: 0,
          nbPages: 1,
          nbHits: found.length,
          hitsPerPage: 100,
        }),
      );
      return;
    }
    if (url.pathname !== '/api/v1/search_by_date') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    const p = url.searchParams;
    const words = (p.get('query') ?? '').toLowerCase().match(/"[^"]+"|\S+/g) ?? [];
    const tags = (p.get('tags') ?? '').replace(/[()]/g, '').split(',').filter(Boolean);
    const min = Number(/created_at_i>=(\d+)/.exec(p.get('numericFilters') ?? '')?.[1] ?? 0);
    const max = Number(/created_at_i<(\d+)/.exec(p.get('numericFilters') ?? '')?.[1] ?? Infinity);
    const per = Number(p.get('hitsPerPage') ?? 20);
    const page = Number(p.get('page') ?? 0);
    if (per * (page + 1) > 1_000) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"message":"you can only fetch the 1000 hits for this query"}');
      return;
    }
    const matching = hits
      .filter(
        (h) => (tags.length === 0 || tags.includes(h.kind)) && h.created_at_i >= min && h.created_at_i < max,
      )
      .filter((h) =>
        words.every((w) => `${h.title ?? ''} ${h.text}`.toLowerCase().includes(w.replace(/"/g, ''))),
      )
      .sort((a, b) => b.created_at_i - a.created_at_i);
    const body = {
      hits: matching.slice(page * per, (page + 1) * per).map((h) => ({
        objectID: h.objectID,
        _tags: [h.kind, `author_${h.author}`],
        author: h.author,
        created_at: new Date(h.created_at_i * 1000).toISOString(),
        created_at_i: h.created_at_i,
        ...(h.kind === 'story'
          ? {
              title: h.title ?? h.text,
              url: null,
              story_text: h.text,
              comment_text: null,
              points: h.points ?? 1,
              num_comments: h.num_comments ?? 0,
            }
          : {
              comment_text: `<p>${h.text}</p>`,
              story_text: null,
              points: null,
              story_title: 'Some story',
              story_id: 1,
            }),
      })),
      page,
      nbHits: matching.length,
      nbPages: Math.ceil(matching.length / per),
      hitsPerPage: per,
      processingTimeMS: 1,
      query: p.get('query'),
      params: p.toString(),
    };
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  });
  return {
    hits,
    requests,
    arrivals,
    apiUrl: `${server.base}/api/v1`,
    fail(status: number, body: string, headers?: Record<string, string>) {
      script.push({ status, body, ...(headers ? { headers } : {}) });
    },
    /** Requests after the next `n` are never answered; resolves when the first of them arrives. */
    holdAfter(n: number): Promise<void> {
      holdFrom = requests.length + n;
      return new Promise<void>((resolve) => (onHeld = resolve));
    },
    release() {
      holdFrom = Infinity;
    },
    close: () => server.close(),
  };
}
