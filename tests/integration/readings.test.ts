import { afterEach, describe, expect, it } from 'vitest';
import { rescore } from '../../jobs/twins.ts';
import { analyzeMention } from '../../src/analysis/index.ts';
import type { Store } from '../../src/db/client.ts';
import { recordReadings, storePoll } from '../../src/db/mentions.ts';
import { tempDir } from '../helpers/cli.ts';
import { testStore } from '../helpers/db.ts';

// A mention's first reading lives in its own row until a second one comes; then both are
// snapshots, and the history a virality score reads is the same as if every reading had been one.

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const T0 = Date.parse('2026-03-02T12:00:00Z');

async function open(): Promise<Store> {
  const s = await testStore(tempDir().dir);
  stores.push(s);
  return s;
}

const post = (id: string, likes: number) =>
  analyzeMention(
    { id, source: 'x', text: `acme lost my bag ${id}`, createdAt: new Date(T0 - 60_000), metrics: { likes } },
    'acme',
    new Date(T0),
  );

const poll = (s: Store, list: ReturnType<typeof post>[], at: number) =>
  storePoll(s, { brand: 'acme', sourceKey: 'x', source: 'x', mentions: list, cursor: null, at, rescore });

const readings = async (s: Store) =>
  (
    await s.all<{ mention_id: string; at: number; metrics: string }>(
      'select mention_id, at, metrics from metric_snapshots order by id',
    )
  ).map((r) => [r.mention_id, Number(r.at), JSON.parse(r.metrics) as Record<string, number>]);

describe('metric readings', () => {
  it('keeps a mention read once in its row, and both readings once it is read again', async () => {
    const s = await open();
    await poll(s, [post('x:1', 3), post('x:2', 5)], T0);
    expect(await readings(s)).toEqual([]);
    const stored = await s.get<{ metrics: string }>('select metrics from mentions where id = ?', ['x:1']);
    expect(JSON.parse(stored?.metrics ?? '')).toEqual({ likes: 3 });

    await poll(s, [post('x:1', 40), post('x:2', 5)], T0 + 600_000);
    expect(await readings(s)).toEqual([
      ['x:1', T0, { likes: 3 }],
      ['x:1', T0 + 600_000, { likes: 40 }],
    ]);
    // Growth from 3 to 40 likes in ten minutes: rescored from both readings, not from the last alone.
    const v = await s.get<{ virality: number }>('select virality from mentions where id = ?', ['x:1']);
    expect(v?.virality).toBeGreaterThan(0);

    await recordReadings(s, 'acme', [{ id: 'x:1', metrics: { likes: 90 } }], T0 + 1_200_000, rescore);
    expect((await readings(s)).map((r) => r[1])).toEqual([T0, T0 + 600_000, T0 + 1_200_000]);
  });

  it('does not copy the first reading again when it is already a snapshot', async () => {
    const s = await open();
    await poll(s, [post('x:1', 3)], T0);
    // As a database written before first readings were kept in the row holds it.
    await s.run('insert into metric_snapshots (brand, mention_id, at, metrics) values (?, ?, ?, ?)', [
      'acme',
      'x:1',
      T0,
      '{"likes":3}',
    ]);
    await poll(s, [post('x:1', 8)], T0 + 60_000);
    expect(await readings(s)).toEqual([
      ['x:1', T0, { likes: 3 }],
      ['x:1', T0 + 60_000, { likes: 8 }],
    ]);
  });

  it('keeps the first reading when copies are the first change', async () => {
    const s = await open();
    await poll(s, [post('x:1', 3)], T0);
    const copy = { ...post('x:9', 0), duplicateOf: 'x:1' };
    await poll(s, [copy], T0 + 60_000);
    expect(await readings(s)).toEqual([
      ['x:1', T0, { likes: 3 }],
      ['x:1', T0 + 60_000, { likes: 3, copies: 1 }],
    ]);
  });
});
