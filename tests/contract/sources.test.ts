import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { SourceRateLimitedError, SourceResponseError } from '../../src/errors.ts';
import { createHttp } from '../../src/sources/http.ts';
import { sources } from '../../src/sources/index.ts';
import type { AnySource } from '../../src/sources/types.ts';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';
import { testStore } from '../helpers/db.ts';
import { sourceFakes, type SourceFake } from './source-fakes.ts';

/**
 * The same checks against every registered source, each through its own fake API
 * (./source-fakes.ts, which a source added to the registry must join).
 */
const clock = new ManualClock(Date.now());

describe.each(Object.entries(sources) as [keyof typeof sources, AnySource][])(
  'source contract: %s',
  (key, source) => {
    let h: SourceFake;
    const ctx = {
      http: createHttp({ timeoutMs: 2_000, userAgent: 'earshot-test' }),
      clock,
      log: pino({ level: 'silent' }),
      env: {},
    };
    const poll = () =>
      source.poll(ctx, {
        brand: { name: 'acme', query: 'acme' },
        options: source.options.parse(h.options()) as unknown,
        cursor: null,
        backfillSince: new Date(Date.now() - 86_400_000),
      });

    beforeAll(async () => {
      h = await sourceFakes[key]();
    });
    afterAll(() => h.close());

    it('is registered under its own id, with a description and its credentials', () => {
      expect(source.id).toBe(key);
      expect(source.description.length).toBeGreaterThan(20);
      expect(Array.isArray(source.credentials)).toBe(true);
    });

    it('returns items that normalize into mentions with string ids, text, a date and metrics', async () => {
      const res = await poll();
      expect(res.items.length).toBe(2);
      expect(res.cursor).toBeDefined();
      for (const raw of res.items) {
        const m = source.normalize(raw, source.options.parse(h.options()));
        expect(m).not.toBeNull();
        expect(typeof m?.id).toBe('string');
        expect(m?.id.startsWith(h.idPrefix)).toBe(true);
        expect(m?.source).toBe(key);
        expect(m?.text.length).toBeGreaterThan(0);
        expect(Number.isNaN(m?.createdAt.getTime())).toBe(false);
        expect(typeof m?.metrics).toBe('object');
      }
    });

    it('names itself in the error for a malformed answer', async () => {
      h.fail(200, '<<< not what you expected');
      const err = await poll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceResponseError);
      expect((err as Error).message.startsWith(`${key}: `)).toBe(true);
    });

    it('turns a 429 into a wait, honouring Retry-After, before the next call', async () => {
      h.fail(429, '{"message":"Too Many Requests"}', { 'retry-after': '1' });
      const err = await poll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceRateLimitedError);
      expect((err as SourceRateLimitedError).retryAfterMs).toBe(1_000);
    });

    it('gives up on an answer that never comes, naming itself and the timeout', async () => {
      h.fail(0, '');
      const quick = { ...ctx, http: createHttp({ timeoutMs: 300, userAgent: 'earshot-test' }) };
      const t0 = Date.now();
      const err = await source
        .poll(quick, {
          brand: { name: 'acme', query: 'acme' },
          options: source.options.parse(h.options()) as unknown,
          cursor: null,
          backfillSince: new Date(Date.now() - 86_400_000),
        })
        .then(
          () => null,
          (e: unknown) => e as Error,
        );
      expect(err).toBeInstanceOf(SourceResponseError);
      expect(err?.message).toMatch(new RegExp(`^${key}: .*(timed out|timeout)`, 'i'));
      expect(Date.now() - t0).toBeLessThan(5_000);
    });

    it('names a server error', async () => {
      h.fail(503, 'unavailable');
      await expect(poll()).rejects.toThrow(new RegExp(`^${key}: .*503`));
    });
  },
);

describe('every registered source in one `earshot poll --once`', () => {
  it('stores each source’s mentions through the command line', async () => {
    const keys = Object.keys(sources) as (keyof typeof sources)[];
    const hs = await Promise.all(keys.map((k) => sourceFakes[k]()));
    const tmp = tempDir();
    try {
      const entries = keys.map((source, i) => ({ source, ...(hs[i]?.options() as object) }));
      const cfg = tmp.file(
        'earshot.json',
        JSON.stringify({ brands: [{ name: 'acme', query: 'acme', sources: entries }] }),
      );
      const r = await runCli(['--config', cfg, 'poll', '--once'], {
        env: cleanEnv({ EARSHOT_DATA_DIR: tmp.dir, LOG_LEVEL: 'warn' }),
        timeoutMs: 60_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const store = await testStore(tmp.dir, { migrate: false });
      const rows = await store.all<{ source: string; n: number | string }>(
        'select source, count(*) as n from mentions group by source',
      );
      const noReach = await store.get<{ n: number | string }>(
        'select count(*) as n from mentions where reach is null or reach <= 0',
      );
      await store.close();
      // PostgreSQL returns a count as a string.
      expect(Object.fromEntries(rows.map((x) => [x.source, Number(x.n)]))).toEqual(
        Object.fromEntries(keys.map((k) => [k, 2])),
      );
      expect(Number(noReach?.n)).toBe(0);
    } finally {
      await Promise.all(hs.map((h) => h.close()));
      tmp.cleanup();
    }
  });
});
