import { listenLocal, scriptedAnswers } from './listen.ts';

export interface FakePost {
  rkey: string;
  handle: string;
  text: string;
  created: Date;
  likes?: number;
  followers?: number;
}

/**
 * A local Bluesky PDS (sources-reference §5): createSession with an app password, searchPosts
 * that needs the bearer token (403 AuthMissing without it), `since` and `until` on indexedAt, opaque cursors,
 * getProfiles for at most 25 actors, RateLimit-* headers with a unix reset, XRPC error bodies.
 */
export async function startBlueskyServer(
  account = { handle: 'brand.bsky.social', password: 'abcd-efgh-ijkl-mnop' },
) {
  const posts: FakePost[] = [];
  const script = scriptedAnswers();
  const calls: string[] = [];
  let sessions = 0;
  const server = await listenLocal((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = url.pathname.replace('/xrpc/', '');
    calls.push(method);
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'ratelimit-limit': '3000',
      'ratelimit-remaining': '2999',
      'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 300),
      'ratelimit-policy': '3000;w=300',
    };
    const send = (status: number, body: unknown) => res.writeHead(status, headers).end(JSON.stringify(body));
    if (method === 'com.atproto.server.createSession') {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const b = JSON.parse(raw || '{}') as { identifier?: string; password?: string };
        if (b.identifier !== account.handle || b.password !== account.password)
          return send(401, { error: 'AuthenticationRequired', message: 'Invalid identifier or password' });
        sessions++;
        send(200, {
          accessJwt: `jwt-${sessions}`,
          refreshJwt: `refresh-${sessions}`,
          handle: account.handle,
          did: 'did:plc:brand',
        });
      });
      return;
    }
    if (script.answer(res, headers)) return;
    if (req.headers.authorization !== `Bearer jwt-${sessions}`)
      return send(
        sessions ? 400 : 403,
        sessions
          ? { error: 'ExpiredToken', message: 'Token has expired' }
          : { error: 'AuthMissing', message: 'Authentication Required' },
      );
    const view = (p: FakePost) => ({
      uri: `at://did:plc:${p.handle.split('.')[0]}/app.bsky.feed.post/${p.rkey}`,
      cid: `bafy${p.rkey}`,
      author: { did: `did:plc:${p.handle.split('.')[0]}`, handle: p.handle, displayName: p.handle },
      record: {
        $type: 'app.bsky.feed.post',
        text: p.text,
        createdAt: p.created.toISOString(),
        langs: ['en'],
      },
      replyCount: 0,
      repostCount: 0,
      likeCount: p.likes ?? 0,
      quoteCount: 0,
      indexedAt: new Date(p.created.getTime() + 1_000).toISOString(),
      labels: [],
    });
    if (method === 'app.bsky.feed.searchPosts') {
      const words = (url.searchParams.get('q') ?? '').toLowerCase().split(/\s+/);
      const since = url.searchParams.get('since') ?? '';
      const until = url.searchParams.get('until') ?? '\uffff';
      const all = posts
        .map(view)
        .filter(
          (v) =>
            v.indexedAt >= since &&
            v.indexedAt < until &&
            words.every((w) => v.record.text.toLowerCase().includes(w.replace(/"/g, ''))),
        )
        .sort((a, b) => (a.indexedAt < b.indexedAt ? 1 : -1));
      const limit = Number(url.searchParams.get('limit') ?? 25);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const page = all.slice(start, start + limit);
      return send(200, {
        posts: page,
        ...(start + limit < all.length ? { cursor: String(start + limit) } : {}),
        hitsTotal: all.length,
      });
    }
    if (method === 'app.bsky.feed.getPosts') {
      const uris = url.searchParams.getAll('uris');
      if (uris.length > 25)
        return send(400, { error: 'InvalidRequest', message: 'uris must not have more than 25 elements' });
      return send(200, { posts: posts.map(view).filter((v) => uris.includes(v.uri)) });
    }
    if (method === 'app.bsky.actor.getProfiles') {
      const actors = url.searchParams.getAll('actors');
      if (actors.length > 25)
        return send(400, { error: 'InvalidRequest', message: 'actors must not have more than 25 elements' });
      return send(200, {
        profiles: actors.map((did) => ({
          did,
          handle: `${did.slice(8)}.bsky.social`,
          followersCount: posts.find((p) => did.endsWith(p.handle.split('.')[0] ?? ''))?.followers ?? 0,
        })),
      });
    }
    send(404, { error: 'MethodNotImplemented', message: 'Method Not Implemented' });
  });
  return {
    posts,
    calls,
    service: server.base,
    sessions: () => sessions,
    /** The next calls' tokens are refused as expired, as after two hours. */
    expireSessions: () => void (sessions += 1000),
    fail(status: number, body: string, headers?: Record<string, string>) {
      script.push({ status, body, ...(headers ? { headers } : {}) });
    },
    close: () => server.close(),
  };
}
