import { afterEach, describe, expect, it } from 'vitest';
import { connectStore, type Store } from '../../src/db/client.ts';
import {
  getOpenIncidents,
  hasOpenIncidents,
  insertIncident,
  keepOpenIncidents,
  resolveIncident,
  updateIncident,
} from '../../src/db/incidents.ts';
import { markAcknowledged } from '../../src/db/routing.ts';
import { tempDir } from '../helpers/cli.ts';

// Replay keeps a private database's open incidents in memory between changes; every change made
// through the project's own functions must be seen by the next read, as a read of the table sees it.

const stores: Store[] = [];
const dirs: { cleanup: () => void }[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) d.cleanup();
});

async function twoStores(): Promise<{ kept: Store; plain: Store }> {
  const dir = tempDir();
  dirs.push(dir);
  const kept = await connectStore(`${dir.dir}/kept.db`);
  const plain = await connectStore(`${dir.dir}/plain.db`);
  stores.push(kept, plain);
  keepOpenIncidents(kept);
  return { kept, plain };
}

const incident = (id: string, brand: string, kind: string) => ({
  id,
  brand,
  kind,
  polarity: 'negative' as const,
  severity: 'warning' as const,
  status: 'open' as const,
  title: id,
  openedAt: 1,
  updatedAt: 1,
  lastActivityAt: 1,
  mentionCount: 1,
  mentionIds: ['x:1'],
  evidence: {},
});

describe('open incidents kept in memory', () => {
  it('answers as the table does after every insert, update, acknowledgement and resolution', async () => {
    const { kept, plain } = await twoStores();
    const steps: ((s: Store) => Promise<void>)[] = [
      (s) => insertIncident(s, incident('a1', 'acme', 'volume_spike')),
      (s) => insertIncident(s, incident('a2', 'acme', 'viral_post')),
      (s) => insertIncident(s, incident('b1', 'bolt', 'volume_spike')),
      (s) => updateIncident(s, 'a1', { severity: 'critical', lastActivityAt: 5, mentionIds: ['x:1', 'x:2'] }),
      (s) => markAcknowledged(s, 'a2', 'dana', 6),
      (s) => resolveIncident(s, 'a1', 7),
      (s) => resolveIncident(s, 'b1', 8),
    ];
    for (const step of steps) {
      for (const s of [kept, plain]) await step(s);
      for (const brand of ['acme', 'bolt', 'none']) {
        // Read twice: the second read of the kept store comes from memory.
        for (let i = 0; i < 2; i++) {
          expect(await getOpenIncidents(kept, brand)).toEqual(await getOpenIncidents(plain, brand));
          expect(await hasOpenIncidents(kept, brand)).toBe(await hasOpenIncidents(plain, brand));
        }
      }
    }
    expect((await getOpenIncidents(kept, 'acme')).map((o) => o.id)).toEqual(['a2']);
    expect(await hasOpenIncidents(kept, 'bolt')).toBe(false);
  });

  it('reads again only the brand a change touched, and every brand when the incident was not kept', async () => {
    const { kept, plain } = await twoStores();
    for (const s of [kept, plain]) {
      await insertIncident(s, incident('a1', 'acme', 'volume_spike'));
      await insertIncident(s, incident('b1', 'bolt', 'volume_spike'));
      await resolveIncident(s, 'a1', 2);
    }
    expect((await getOpenIncidents(kept, 'bolt')).map((o) => o.severity)).toEqual(['warning']);
    // Behind the functions' back: a read of bolt that goes to the table would see it.
    await kept.run("update incidents set severity = 'critical' where id = 'b1'");
    await updateIncident(kept, 'b1', { lastActivityAt: 3 });
    expect((await getOpenIncidents(kept, 'bolt')).map((o) => o.severity)).toEqual(['critical']);
    await kept.run("update incidents set severity = 'info' where id = 'b1'");
    await insertIncident(kept, incident('a2', 'acme', 'viral_post'));
    await getOpenIncidents(kept, 'acme');
    await updateIncident(kept, 'a2', { lastActivityAt: 4 });
    // acme's changes left bolt's list as it was kept.
    expect((await getOpenIncidents(kept, 'bolt')).map((o) => o.severity)).toEqual(['critical']);
    // a1 is resolved, in no kept list: opening it again makes every brand read again.
    await updateIncident(kept, 'a1', { status: 'open' });
    await updateIncident(plain, 'a1', { status: 'open' });
    expect((await getOpenIncidents(kept, 'bolt')).map((o) => o.severity)).toEqual(['info']);
    expect((await getOpenIncidents(kept, 'acme')).map((o) => o.id).sort()).toEqual(['a1', 'a2']);
    expect((await getOpenIncidents(plain, 'acme')).map((o) => o.id).sort()).toEqual(['a1']);
  });

  it('hands out copies: a caller that changes its list does not change the next answer', async () => {
    const { kept } = await twoStores();
    await insertIncident(kept, incident('a1', 'acme', 'volume_spike'));
    (await getOpenIncidents(kept, 'acme')).splice(0);
    expect((await getOpenIncidents(kept, 'acme')).map((o) => o.id)).toEqual(['a1']);
  });
});
