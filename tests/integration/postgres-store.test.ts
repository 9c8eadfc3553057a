import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { analyzeMention } from '../../src/analysis/index.ts';
import { connectStore, PgStore, storageFault, type Store } from '../../src/db/client.ts';
import { claimDigest, incidentsDuring, tally, topPosts, unansweredSince } from '../../src/db/digests.ts';
import { getIncident, insertIncident, updateIncident } from '../../src/db/incidents.ts';
import { getCursor, recordPollFailure, recordReadings, storePoll } from '../../src/db/mentions.ts';
import { deliveryToSend, enqueueAlert, markRelayed, recordDelivery, unrelayed } from '../../src/db/outbox.ts';
import { prune } from '../../src/db/retention.ts';
import { hourlyCounts, labelledMentions, sourceCounts, windowCounts } from '../../src/db/series.ts';
import { beginBackfill, getBackfill, storeBackfillPage } from '../../src/db/backfills.ts';
import { rescore } from '../../jobs/twins.ts';
import type { DigestReport } from '../../src/digest/types.ts';
import { tempDir } from '../helpers/cli.ts';
import { freshPostgres, PG_TEST_SERVER } from '../helpers/db.ts';

// The same writes and reads on a SQLite file and on a fresh PostgreSQL database must give the same
// answers: every query of src/db is one text for both, or a phrase chosen per dialect.

const stores: Store[] = [];
const made: string[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
afterAll(async () => {
  const admin = new pg.Client({ connectionString: `${PG_TEST_SERVER}/postgres` });
  await admin.connect();
  for (const url of made)
    await admin.query(`drop database if exists "${new URL(url).pathname.slice(1)}" with (force)`);
  await admin.end();
});

async function open(kind: 'sqlite' | 'postgres'): Promise<Store> {
  let location: string;
  if (kind === 'postgres') made.push((location = freshPostgres()));
  else {
    const tmp = tempDir();
    location = `${tmp.dir}/earshot.db`;
  }
  const s = await connectStore(location);
  stores.push(s);
  return s;
}

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-02T12:00:00Z');
// A tweet id beyond 2^53: it must come back exactly as written.
const BIG_ID = 'x:1583926354983718912';

function mentions(n: number, at: number) {
  const texts = ['acme lost my bag, never again', 'acme crew were lovely, thanks!', 'flying acme today'];
  return Array.from({ length: n }, (_, i) =>
    analyzeMention(
      {
        id: i === 0 ? BIG_ID : `x:${i}`,
        source: i % 2 ? 'x' : 'reddit',
        text: `${texts[i % 3]} ${i}`,
        createdAt: new Date(at - i * 60_000),
        metrics: { likes: i, reposts: i % 3 },
        author: { handle: `u${i % 4}`, followers: 100 * i, verified: i % 5 === 0 },
      },
      'acme',
      new Date(at),
    ),
  );
}

/** A day of work through every module; returns what each read gave. */
async function exercise(s: Store): Promise<unknown[]> {
  const out: unknown[] = [];
  const list = mentions(40, NOW);
  out.push(
    await storePoll(s, {
      brand: 'acme',
      sourceKey: 'x',
      source: 'x',
      mentions: list,
      cursor: { since: 7 },
      at: NOW,
    }),
  );
  // Seen again with more likes: snapshots, rescored virality.
  const again = list.slice(0, 10).map((m) => ({ ...m, metrics: { likes: 50, reposts: 5 } }));
  out.push(
    await storePoll(s, {
      brand: 'acme',
      sourceKey: 'x',
      source: 'x',
      mentions: again,
      cursor: 8,
      at: NOW + 1,
      rescore,
    }),
  );
  out.push(
    await recordReadings(
      s,
      'acme',
      [{ id: BIG_ID, metrics: { likes: 70 }, answeredAt: new Date(NOW) }],
      NOW + 2,
      rescore,
    ),
  );
  out.push(await getCursor(s, 'acme', 'x'));
  out.push(
    await recordPollFailure(s, { brand: 'acme', sourceKey: 'y', source: 'x', error: 'down', at: NOW }),
  );
  out.push(
    await recordPollFailure(s, { brand: 'acme', sourceKey: 'y', source: 'x', error: 'still', at: NOW + 1 }),
  );
  out.push(await windowCounts(s, 'acme', NOW - 2 * HOUR, NOW + 1));
  out.push(await windowCounts(s, 'acme', NOW - 2 * HOUR, NOW + 1, true));
  out.push(await hourlyCounts(s, 'acme', NOW - 2 * HOUR, NOW + HOUR));
  out.push([...(await sourceCounts(s, 'acme', NOW - 2 * HOUR, NOW + HOUR, true))]);
  out.push(await labelledMentions(s, 'acme', 'negative', NOW - 2 * HOUR, NOW + 1, 5));
  await insertIncident(s, {
    id: 'acme-spike',
    brand: 'acme',
    kind: 'volume_spike',
    polarity: 'negative',
    severity: 'warning',
    status: 'open',
    title: 'spike',
    openedAt: NOW,
    updatedAt: NOW,
    lastActivityAt: NOW,
    mentionCount: 2,
    mentionIds: [BIG_ID, 'x:3'],
    evidence: { ratio: 4.5 },
  });
  await updateIncident(s, 'acme-spike', { severity: 'critical', updatedAt: NOW + 1 });
  out.push(await getIncident(s, 'acme-spike'));
  out.push(await tally(s, 'acme', NOW - 2 * HOUR, NOW + 1));
  out.push(await topPosts(s, 'acme', 'negative', NOW - 2 * HOUR, NOW + 1));
  out.push(await unansweredSince(s, 'acme', NOW - 2 * HOUR, NOW + 1));
  out.push(await incidentsDuring(s, 'acme', NOW - 2 * HOUR, NOW + HOUR));
  const alert = {
    at: new Date(NOW).toISOString(),
    brand: 'acme',
    kind: 'volume_spike',
    polarity: 'negative' as const,
    severity: 'critical' as const,
    incident_id: 'acme-spike',
    title: 'spike',
    mention_ids: [BIG_ID],
    evidence: {},
  };
  await s.tx(async () => {
    await enqueueAlert(s, 'acme-spike-1', alert, ['hook', 'mail'], NOW);
    await enqueueAlert(s, 'acme-spike-2', { ...alert, title: 'again' }, ['hook'], NOW + 1);
  });
  out.push(await unrelayed(s));
  await markRelayed(s, ['acme-spike-1', 'acme-spike-2'], NOW + 2);
  // The second alert waits for the first on the same channel (it came later).
  out.push(await deliveryToSend(s, 'acme-spike-2', 'hook'));
  await recordDelivery(s, 'acme-spike-1', 'hook', { status: 'sent', at: NOW + 3, attempts: 1 });
  out.push(await deliveryToSend(s, 'acme-spike-2', 'hook'));
  const report = {
    id: 'digest-acme-day-2026-03-02',
    brand: 'acme',
    period: 'day',
    date: '2026-03-02',
    timezone: 'UTC',
  };
  out.push(await claimDigest(s, report as DigestReport, null, alert, ['hook'], NOW));
  out.push(await claimDigest(s, report as DigestReport, null, alert, ['hook'], NOW));
  await beginBackfill(s, { brand: 'acme', sourceKey: 'x', since: NOW - 9 * HOUR, until: NOW, at: NOW });
  out.push(
    await storeBackfillPage(s, {
      brand: 'acme',
      sourceKey: 'x',
      mentions: mentions(3, NOW - 5 * HOUR),
      next: { page: 2 },
      oldest: NOW - 6 * HOUR,
      at: NOW,
    }),
  );
  out.push(
    await storeBackfillPage(s, {
      brand: 'acme',
      sourceKey: 'x',
      mentions: [],
      next: null,
      oldest: null,
      at: NOW + 1,
    }),
  );
  out.push(await getBackfill(s, 'acme', 'x'));
  out.push(await prune(s, { mentionsBefore: NOW - 30 * 60_000, snapshotsBefore: NOW + 1 }, 7));
  out.push(await s.all('select id from mentions order by id'));
  return out;
}

describe('PostgreSQL as the store', () => {
  it('answers every read exactly as SQLite does, after the same writes', async () => {
    const [lite, post] = await Promise.all([open('sqlite'), open('postgres')]);
    expect(post.dialect).toBe('postgres');
    const a = await exercise(lite);
    const b = await exercise(post);
    expect(b).toEqual(a);
    // Not vacuous: the reads saw the writes.
    expect(JSON.stringify(b)).toContain(BIG_ID);
    expect(b.at(-1)).toContainEqual({ id: BIG_ID });
  });

  it('creates its database, and daemons migrating one new database at once all succeed', async () => {
    const url = freshPostgres();
    made.push(url);
    const three = await Promise.all([1, 2, 3].map(() => connectStore(url)));
    stores.push(...three);
    const applied = await three[0]!.all('select hash from drizzle.__drizzle_migrations');
    expect(applied).toHaveLength(1);
    expect(await three[2]!.get('select count(*) as n from mentions')).toEqual({ n: 0 });
  });

  it('names the server it cannot reach, never the password, and the error is a storage fault', async () => {
    const store = new PgStore('postgres://earshot:s3cret-pw@127.0.0.1:1/earshot', { connectWaitMs: 600 });
    stores.push(store);
    expect(store.describe).toBe('postgres://earshot:***@127.0.0.1:1/earshot');
    const err = (await store.ready().catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /^cannot use PostgreSQL at 127\.0\.0\.1:1 \(database earshot\): .*ECONNREFUSED/,
    );
    expect(err.message).not.toContain('s3cret-pw');
    expect(storageFault(err.cause, store.describe)).toMatch(
      /^PostgreSQL at postgres:\/\/earshot:\*\*\*@127\.0\.0\.1:1\/earshot is not answering/,
    );
  });

  it('rolls a failed transaction back whole, and other statements wait for a transaction to end', async () => {
    for (const kind of ['sqlite', 'postgres'] as const) {
      const s = await open(kind);
      await expect(
        s.tx(async () => {
          await s.run(
            "insert into digests (id, brand, period, date, timezone, created_at, report) values ('d1', 'a', 'day', 'x', 'UTC', 1, '{}')",
          );
          throw new Error('midway');
        }),
      ).rejects.toThrow('midway');
      expect(await s.get('select count(*) as n from digests')).toEqual({ n: 0 });
      const order: string[] = [];
      let inside!: () => void;
      let readDone!: () => void;
      const readerDone = new Promise<void>((r) => (readDone = r));
      const entered = new Promise<void>((r) => (inside = r));
      const tx = s.tx(async () => {
        await s.run(
          "insert into digests (id, brand, period, date, timezone, created_at, report) values ('d2', 'a', 'day', 'y', 'UTC', 1, '{}')",
        );
        inside();
        // SQLite: the reader outside waits for this commit, so the transaction must not wait for
        // the reader. PostgreSQL: the reader answers at once, and the transaction ends after it.
        if (kind === 'postgres') await readerDone;
        else await new Promise((r) => setImmediate(r));
        order.push('tx');
      });
      await entered;
      const seen = await s.get<{ n: number }>('select count(*) as n from digests');
      order.push('outside');
      readDone();
      await tx;
      // SQLite makes the outside reader wait for the commit; PostgreSQL shows it the last commit.
      expect(seen).toEqual({ n: kind === 'sqlite' ? 1 : 0 });
      expect(order).toEqual(kind === 'sqlite' ? ['tx', 'outside'] : ['outside', 'tx']);
    }
  });

  it('finds its transaction again in each of many in turn (SQLite lets its async context go between them)', async () => {
    const s = await open('sqlite');
    const insert = (id: string) =>
      s.run(
        `insert into digests (id, brand, period, date, timezone, created_at, report) values ('${id}', 'a', 'day', '${id}', 'UTC', 1, '{}')`,
      );
    for (let i = 0; i < 3; i++)
      await s.tx(async () => {
        await insert(`t${i}`);
        await new Promise((r) => setImmediate(r));
        // Nested, after an await: still inside, so it neither waits for itself nor commits early.
        await s.tx(() => insert(`n${i}`));
      });
    // Statements outside, between and after, run at once.
    expect(await s.get('select count(*) as n from digests')).toEqual({ n: 6 });
  });
});
