import { gzipSync } from 'node:zlib';
import { listenLocal, scriptedAnswers } from './listen.ts';

export interface FakeReview {
  id: string;
  author: string;
  title: string;
  content: string;
  rating: number;
  updated: Date;
}

/**
 * A local stand-in for Apple's customer-reviews JSON feed (sources-reference §7): 50 reviews a
 * page, most recent first, 10 pages deep (page 11 is a gzipped plain-text 400), values wrapped in
 * {label}, one review as an object, no `entry` key when there is none, an app-metadata entry first,
 * and `last` links pointing at /xml.
 */
export async function startAppStoreServer() {
  const apps = new Map<string, FakeReview[]>();
  const script = scriptedAnswers();
  const emptyOnce = new Set<number>();
  const requests: string[] = [];
  const server = await listenLocal((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    if (script.answer(res, { 'content-type': 'application/json' })) return;
    const m = /^\/(\w\w)\/rss\/customerreviews\/page=(\d+)\/id=(\d+)\/sortby=mostrecent\/json$/.exec(path);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const [, cc, pageText, app] = m;
    const page = Number(pageText);
    if (page > 10) {
      res
        .writeHead(400, { 'content-type': 'text/plain', 'content-encoding': 'gzip' })
        .end(gzipSync('CustomerReviews RSS page depth is limited to 10'));
      return;
    }
    const all = [...(apps.get(`${cc}/${app}`) ?? [])].sort(
      (a, b) => b.updated.getTime() - a.updated.getTime(),
    );
    const last = Math.max(1, Math.min(10, Math.ceil(all.length / 50)));
    const slice = emptyOnce.delete(page) ? [] : all.slice((page - 1) * 50, page * 50);
    const entries = slice.map((r) => ({
      author: {
        uri: { label: `https://itunes.apple.com/${cc}/reviews/id1` },
        name: { label: r.author },
        label: '',
      },
      updated: { label: r.updated.toISOString().replace('Z', '-00:00') },
      'im:rating': { label: String(r.rating) },
      'im:version': { label: '3.4.3' },
      id: { label: r.id },
      title: { label: r.title },
      content: { label: r.content, attributes: { type: 'text' } },
      link: {
        attributes: {
          rel: 'related',
          href: `https://itunes.apple.com/${cc}/review?id=${app}&type=Purple%20Software`,
        },
      },
      'im:voteSum': { label: '2' },
      'im:voteCount': { label: '3' },
    }));
    const metadata = {
      'im:name': { label: 'Acme' },
      'im:price': { label: 'Free' },
      id: { label: `https://apps.apple.com/app/id${app}` },
    };
    const list = page === 1 && entries.length > 0 ? [metadata, ...entries] : entries;
    const feed: Record<string, unknown> = {
      author: { name: { label: 'iTunes Store' } },
      updated: { label: new Date().toISOString() },
      link: [
        {
          attributes: {
            rel: 'self',
            href: `https://itunes.apple.com/${cc}/rss/customerreviews/id=${app}/sortBy=mostRecent/page=${page}/json`,
          },
        },
        {
          attributes: {
            rel: 'last',
            href: `https://itunes.apple.com/${cc}/rss/customerreviews/page=${last}/id=${app}/sortby=mostrecent/xml?urlDesc=/customerreviews/id=${app}/sortBy=mostRecent/page=${page}/json`,
          },
        },
      ],
    };
    if (list.length === 1) feed.entry = list[0];
    else if (list.length > 1) feed.entry = list;
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(JSON.stringify({ feed }));
  });
  return {
    requests,
    base: server.base,
    reviews(country: string, app: string): FakeReview[] {
      const key = `${country}/${app}`;
      if (!apps.has(key)) apps.set(key, []);
      return apps.get(key) as FakeReview[];
    },
    emptyOnce: (page: number) => void emptyOnce.add(page),
    fail(status: number, body: string, headers?: Record<string, string>) {
      script.push({ status, body, ...(headers ? { headers } : {}) });
    },
    close: () => server.close(),
  };
}
