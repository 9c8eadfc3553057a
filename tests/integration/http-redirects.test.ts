import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { SourceResponseError } from '../../src/errors.ts';
import { createHttp, getJson } from '../../src/sources/http.ts';
import { listenLocal } from '../fakes/listen.ts';

/** getJson follows redirects itself (axios runs without its redirect layer): the same rules. */
describe('getJson redirects', () => {
  let server: Awaited<ReturnType<typeof listenLocal>>;
  const seen: { path: string; auth: string | undefined }[] = [];
  const ctx = { http: createHttp({ timeoutMs: 2_000, userAgent: 'earshot-test' }), clock: systemClock };

  beforeAll(async () => {
    server = await listenLocal((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ path: url.pathname + url.search, auth: req.headers.authorization });
      const to = url.searchParams.get('to');
      if (url.pathname === '/loop') res.writeHead(302, { location: '/loop' }).end();
      else if (to) res.writeHead(301, { location: to }).end();
      else if (url.pathname === '/no-location') res.writeHead(302).end('moved, somewhere');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  afterAll(() => server.close());

  it('follows a relative Location on the same host, credentials kept', async () => {
    seen.length = 0;
    const { body } = await getJson(ctx, 'test', `${server.base}/start?to=${encodeURIComponent('/end?x=1')}`, {
      headers: { Authorization: 'Bearer t0ken' },
    });
    expect(body).toEqual({ ok: true });
    expect(seen).toEqual([
      { path: '/start?to=%2Fend%3Fx%3D1', auth: 'Bearer t0ken' },
      { path: '/end?x=1', auth: 'Bearer t0ken' },
    ]);
  });

  it('drops credentials on a move to another host', async () => {
    seen.length = 0;
    const elsewhere = `http://localhost:${server.port}/end`;
    await getJson(ctx, 'test', `${server.base}/start?to=${encodeURIComponent(elsewhere)}`, {
      headers: { Authorization: 'Bearer t0ken' },
    });
    expect(seen.map((s) => s.auth)).toEqual(['Bearer t0ken', undefined]);
  });

  it('gives up after five redirects with a named error', async () => {
    seen.length = 0;
    const err = await getJson(ctx, 'test', `${server.base}/loop`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceResponseError);
    expect((err as Error).message).toMatch(/^test: .*\/loop: too many redirects$/);
    expect(seen.length).toBe(6);
  });

  it('reports a redirect without a Location as the status it is', async () => {
    const err = await getJson(ctx, 'test', `${server.base}/no-location`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceResponseError);
    expect((err as Error).message).toMatch(/^test: 302 from /);
  });
});
