import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { SourceResponseError } from '../../src/errors.ts';
import { createHttp, getJson } from '../../src/sources/http.ts';
import { listenLocal } from '../fakes/listen.ts';

const BODY = JSON.stringify({
  statuses: Array.from({ length: 50 }, (_, i) => ({ id: String(i), text: 'acme ✈ café' })),
});
const encoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b),
};

/** getJson reads with node's own client (axios only behind a proxy): what axios did, it must do. */
describe('getJson on node’s own client', () => {
  let server: Awaited<ReturnType<typeof listenLocal>>;
  const seen: http.IncomingHttpHeaders[] = [];
  const ctx = { http: createHttp({ timeoutMs: 1_000, userAgent: 'earshot-test/1' }), clock: systemClock };

  beforeAll(async () => {
    server = await listenLocal((req, res) => {
      seen.push(req.headers);
      const path = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
      const json = { 'content-type': 'application/json' };
      const encode = encoders[path];
      if (encode) res.writeHead(200, { ...json, 'content-encoding': path }).end(encode(Buffer.from(BODY)));
      else if (path === 'corrupt')
        res.writeHead(200, { ...json, 'content-encoding': 'gzip' }).end(Buffer.from('not gzip at all'));
      else if (path === 'huge') res.writeHead(200, json).end('['.padEnd(11 * 1024 * 1024, ' ') + ']');
      else if (path === 'hang') res.writeHead(200, json).write('{"statuses":');
      else res.writeHead(200, json).end(BODY);
    });
  });
  afterAll(() => server.close());
  afterEach(() => {
    delete process.env.HTTP_PROXY;
  });

  it('asks for compressed answers and decodes gzip, deflate and brotli', async () => {
    for (const enc of Object.keys(encoders)) {
      seen.length = 0;
      const { body, headers } = await getJson(ctx, 'test', `${server.base}/${enc}`);
      expect(body, enc).toEqual(JSON.parse(BODY));
      // The body handed on is decoded, and the headers say so.
      expect(headers['content-encoding'], enc).toBeUndefined();
      expect(seen[0]!['accept-encoding']).toContain(enc);
    }
  });

  it('sends the client’s User-Agent and the caller’s headers', async () => {
    seen.length = 0;
    await getJson(ctx, 'test', `${server.base}/plain`, { headers: { Authorization: 'Bearer t0ken' } });
    expect(seen[0]).toMatchObject({
      'user-agent': 'earshot-test/1',
      authorization: 'Bearer t0ken',
      accept: 'application/json',
    });
  });

  it('names a body that does not decode, one past the size limit, a hang and a cancel', async () => {
    const failure = async (path: string, signal?: AbortSignal) => {
      const err = await getJson(
        { ...ctx, ...(signal ? { signal } : {}) },
        'test',
        `${server.base}/${path}`,
      ).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(SourceResponseError);
      return (err as Error).message;
    };
    expect(await failure('corrupt')).toBe(
      `test: ${server.base}/corrupt: response unreadable (bad compression)`,
    );
    expect(await failure('huge')).toBe(`test: ${server.base}/huge: response too large or unreadable`);
    expect(await failure('hang')).toBe(`test: ${server.base}/hang: timed out after 1s`);
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 50);
    expect(await failure('hang', cancel.signal)).toBe(`test: ${server.base}/hang: cancelled`);
  });

  it('goes through the proxy the environment names', async () => {
    const proxied: string[] = [];
    // A forward proxy sees the absolute URL in the request line, and here answers itself.
    const proxy = await listenLocal((req, res) => {
      proxied.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"via":"proxy"}');
    });
    try {
      process.env.HTTP_PROXY = proxy.base;
      const { body } = await getJson(ctx, 'test', `${server.base}/plain`);
      expect(body).toEqual({ via: 'proxy' });
      expect(proxied).toEqual([`${server.base}/plain`]);
    } finally {
      await proxy.close();
    }
  });
});
