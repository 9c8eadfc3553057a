import { listenLocal, scriptedAnswers } from './listen.ts';

export interface FakeTweet {
  id: string;
  text: string;
  username: string;
  followers: number;
  verified?: boolean;
  created: Date;
  likes?: number;
  /** The post this one replies to. */
  replyTo?: string;
}

/**
 * A local X API v2 (sources-reference §1): recent search newest first with since_id, start_time
 * (within the last 7 days, else 400), end_time and next_token paging, `includes.users`, `{"meta":{"result_count":0}}` when empty, tweet lookup
 * by ids with partial errors, x-rate-limit-* headers (unix reset) and RFC 7807 problem bodies.
 * The search matches tweets containing every plain word of the query (operators are ignored).
 */
export async function startXServer(token = 'AAAA-test-bearer-token') {
  const tweets: FakeTweet[] = [];
  const script = scriptedAnswers();
  const queries: URLSearchParams[] = [];
  const lookups: string[][] = [];
  const server = await listenLocal((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'x-rate-limit-limit': '450',
      'x-rate-limit-remaining': '449',
      'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 900),
    };
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) =>
      res.writeHead(status, { ...headers, ...extra }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    if (script.answer(res, headers)) return;
    const p = url.searchParams;
    const view = (t: FakeTweet) => ({
      id: t.id,
      text: t.text,
      created_at: t.created.toISOString(),
      author_id: `u-${t.username}`,
      lang: 'en',
      public_metrics: {
        retweet_count: 0,
        reply_count: 0,
        like_count: t.likes ?? 0,
        quote_count: 0,
        bookmark_count: 0,
        impression_count: 10 * (t.likes ?? 0),
      },
      edit_history_tweet_ids: [t.id],
      ...(t.replyTo ? { referenced_tweets: [{ type: 'replied_to', id: t.replyTo }] } : {}),
    });
    const users = (list: FakeTweet[]) => [
      ...new Map(
        list.map((t) => [
          t.username,
          {
            id: `u-${t.username}`,
            name: t.username,
            username: t.username,
            verified: t.verified ?? false,
            public_metrics: {
              followers_count: t.followers,
              following_count: 1,
              tweet_count: 1,
              listed_count: 0,
            },
          },
        ]),
      ).values(),
    ];
    if (url.pathname === '/2/tweets/search/recent') {
      queries.push(p);
      const words = (p.get('query') ?? '')
        .split(/\s+/)
        .filter((w) => /^[\p{L}\p{N}]+$/u.test(w))
        .map((w) => w.toLowerCase());
      const from = /from:(\w+)/.exec(p.get('query') ?? '')?.[1];
      const since = p.get('since_id');
      const start = p.get('start_time');
      const end = p.get('end_time');
      if (start && Date.parse(start) < Date.now() - 7 * 86_400_000)
        return send(400, {
          errors: [
            {
              parameters: { start_time: [start] },
              message: `Invalid 'start_time':'${start}'. 'start_time' must be on or after ${new Date(Date.now() - 7 * 86_400_000).toISOString()}`,
            },
          ],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      const all = tweets
        .filter((t) => (from ? t.username === from : words.every((w) => t.text.toLowerCase().includes(w))))
        .filter(
          (t) =>
            (!since || BigInt(t.id) > BigInt(since)) &&
            (!start || t.created.toISOString() >= start) &&
            (!end || t.created.toISOString() < end),
        )
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      if (all.length === 0) return send(200, { meta: { result_count: 0 } });
      const per = Number(p.get('max_results') ?? 10);
      const offset = Number(p.get('next_token')?.replace('tok', '') ?? 0);
      const page = all.slice(offset, offset + per);
      const more = offset + per < all.length;
      return send(200, {
        data: page.map(view),
        includes: { users: users(page) },
        meta: {
          newest_id: page[0]?.id,
          oldest_id: page.at(-1)?.id,
          result_count: page.length,
          ...(more ? { next_token: `tok${offset + per}` } : {}),
        },
      });
    }
    if (url.pathname === '/2/tweets') {
      const ids = (p.get('ids') ?? '').split(',');
      lookups.push(ids);
      const found = tweets.filter((t) => ids.includes(t.id));
      const missing = ids.filter((id) => !found.some((t) => t.id === id));
      return send(200, {
        ...(found.length ? { data: found.map(view), includes: { users: users(found) } } : {}),
        ...(missing.length
          ? {
              errors: missing.map((id) => ({
                resource_id: id,
                resource_type: 'tweet',
                title: 'Not Found Error',
                detail: `Could not find tweet with id: [${id}].`,
                type: 'https://api.x.com/2/problems/resource-not-found',
              })),
            }
          : {}),
      });
    }
    send(404, { title: 'Not Found', type: 'about:blank', status: 404, detail: 'Not Found' });
  });
  return {
    tweets,
    queries,
    /** The ids of each lookup call (engagement refresh). */
    lookups,
    apiUrl: `${server.base}/`,
    token,
    fail(status: number, body: string, headers?: Record<string, string>) {
      script.push({ status, body, ...(headers ? { headers } : {}) });
    },
    close: () => server.close(),
  };
}
