import { describe, expect, it } from 'vitest';
import { replayObservations, type ReplayResult } from '../../src/commands/replay.ts';
import { buildConfig } from '../../src/config.ts';
import { connectStore } from '../../src/db/client.ts';
import { storedSeries } from '../../src/db/series-reader.ts';
import { totalsOf } from '../../src/detection/baseline.ts';
import type { SeriesReader } from '../../src/detection/series.ts';
import type { DetectedMention } from '../../src/detection/types.ts';
import { simulate, type SimulateOptions } from '../../src/simulate/index.ts';

// Replay keeps detection's series in memory; the daemon reads them from SQLite. Both must give the
// same answers, in the same order, for the same stream: compared here query by query on every tick,
// and alert by alert over whole replays.
const HOUR = 3_600_000;
const MINUTE = 60_000;
const START = Date.parse('2026-10-05T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
const config = buildConfig({ brands: [{ name: 'acme', query: 'acme' }] }, {});
const s = config.detection;

const WORDS = `oslo paris lima rome cairo tokyo dublin quito seoul berlin monday tuesday friday sunday
  morning evening noon midnight terminal gate lounge shuttle taxi train bus window aisle row seat`.split(
  /\s+/,
);
let rng = 11;
const word = () => WORDS[((rng = (rng * 1103515245 + 12345) % 2 ** 31) >> 8) % WORDS.length];
const own = (text: string) => `${text} ${word()} ${word()} ${word()} ${word()} ${word()}`;
const NEGATIVE = 'acme lost my bag, never again, terrible service';

interface Obs {
  id: string;
  text: string;
  created_at: string;
  observed_at?: string;
  source?: string;
  brand: string;
  author?: { handle: string; followers: number };
  metrics?: Record<string, number>;
}

/**
 * Two days of ordinary talk on three sources, then what makes order matter: posts made in the same
 * millisecond by equally followed authors (ties on reach and time), posts seen long after they were
 * made (out of order), a copy-paste campaign (copies, and originals rescored), and posts growing
 * alike (ties on virality).
 */
function stream(): Obs[] {
  const out: Obs[] = [];
  const sources = ['x', 'reddit', 'rss'];
  for (let h = 0; h < 48; h++)
    for (let i = 0; i < 8; i++)
      out.push({
        id: `q${h}-${i}`,
        brand: 'acme',
        source: sources[i % 3],
        text: own(i === 0 ? NEGATIVE : 'acme flight AC12 departs from gate 4'),
        created_at: iso(START + h * HOUR + i * 7 * MINUTE),
      });
  const at = START + 48 * HOUR;
  for (let i = 0; i < 12; i++)
    out.push({
      id: `x:tie${i}`,
      brand: 'acme',
      source: 'x',
      text: own('acme cancelled my flight and nobody answers, still waiting, awful'),
      created_at: iso(at),
      author: { handle: `voice${i}`, followers: 400_000 },
    });
  for (let i = 0; i < 10; i++)
    out.push({
      id: `late${i}`,
      brand: 'acme',
      source: 'reddit',
      text: own(NEGATIVE),
      created_at: iso(at - 3 * HOUR + i * MINUTE),
      observed_at: iso(at + 20 * MINUTE),
    });
  for (let i = 0; i < 40; i++)
    out.push({
      id: `x:copy${i}`,
      brand: 'acme',
      source: 'x',
      text: 'Disgusting treatment at acme, they dragged a passenger off. Boycott!',
      created_at: iso(at + 30 * MINUTE + i * 45_000),
      author: { handle: `c${i}`, followers: 50 + i },
      metrics: { likes: i % 4 },
    });
  for (const id of ['x:grow1', 'x:grow2', 'x:grow3'])
    for (let i = 0; i < 12; i++)
      out.push({
        id,
        brand: 'acme',
        source: 'x',
        text: id === 'x:grow3' ? 'acme crew found my ring, wonderful people' : NEGATIVE,
        created_at: iso(at + HOUR),
        observed_at: iso(at + HOUR + (i + 1) * 10 * MINUTE),
        author: { handle: 'small', followers: 300 },
        metrics: { likes: 8 * (i + 1) * (i + 1), reposts: 2 * (i + 1) * (i + 1) },
      });
  // Read twice within one tick (two readings at one time), then again: ties among its readings.
  for (const [seen, likes] of [
    [0, 5],
    [20_000, 40],
    [30 * MINUTE, 90],
  ] as const)
    out.push({
      id: 'x:twice',
      brand: 'acme',
      source: 'x',
      text: own('acme gate agent was rude to my mother, appalling'),
      created_at: iso(at + 3 * HOUR),
      observed_at: iso(at + 3 * HOUR + 5_000 + seen),
      author: { handle: 'twice', followers: 800 },
      metrics: { likes, reposts: likes / 5 },
    });
  for (let h = 0; h < 8; h++)
    for (let i = 0; i < 8; i++)
      out.push({
        id: `after${h}-${i}`,
        brand: 'acme',
        source: sources[i % 3],
        text: own(i < 3 ? NEGATIVE : 'acme flight AC12 departs from gate 4'),
        created_at: iso(at + 2 * HOUR + h * HOUR + i * 7 * MINUTE),
      });
  return out;
}

const lines = (obs: readonly object[]) => obs.map((o) => JSON.stringify(o));

function simulated(opts: Omit<SimulateOptions, 'start'>): string[] {
  const out: string[] = [];
  const it = simulate({ ...opts, start: START });
  for (let r = it.next(); !r.done; r = it.next()) out.push(JSON.stringify(r.value));
  return out;
}

interface Seen {
  ticks: number;
  mentions: number;
  tiedPairs: number;
  viral: number;
  unanswered: number;
}

/** Every read detection makes at `now` (and a few more), asked of both series. */
async function compareAt(
  memory: SeriesReader,
  db: SeriesReader,
  brand: string,
  now: number,
  seen: Seen,
): Promise<void> {
  const ask = async <T>(what: string, read: (r: SeriesReader) => T | Promise<T>): Promise<T> => {
    const m = await read(memory);
    expect(m, `${what} of ${brand} at ${iso(now)}`).toEqual(await read(db));
    return m;
  };
  const list = async (
    what: string,
    read: (r: SeriesReader) => DetectedMention[] | Promise<DetectedMention[]>,
  ) => {
    const got = await ask(what, read);
    seen.mentions += got.length;
    for (let i = 1; i < got.length; i++) {
      const [a, b] = [got[i - 1] as DetectedMention, got[i] as DetectedMention];
      if (a.reach === b.reach && a.createdAt === b.createdAt) seen.tiedPairs++;
    }
    return got;
  };
  seen.ticks++;
  for (const from of [now - s.window, now - s.shift_window, now - s.drop_window, now - 30 * 24 * HOUR]) {
    await ask('window counts', (r) => r.windowCounts(brand, from, now + 1));
    await ask('volume counts', (r) => r.windowCounts(brand, from, now + 1, true));
    await ask('source counts', (r) => r.sourceCounts(brand, from, now + 1));
    const end = Math.floor(from / HOUR) * HOUR;
    await ask('hourly counts', (r) => r.hourlyCounts(brand, end - 28 * 24 * HOUR, end));
    // The memory copy's totals against what the database's hourly counts add up to.
    for (const start of [end - 28 * 24 * HOUR, end - 3 * HOUR])
      expect(await memory.hourTotals?.(brand, start, end), `hour totals of ${brand} at ${iso(now)}`).toEqual(
        totalsOf(await db.hourlyCounts(brand, start, end), start, end),
      );
    await ask('source hours', (r) => r.sourceCounts(brand, end - 7 * 24 * HOUR, end, true));
    for (const label of ['negative', 'positive'] as const)
      await list(`${label} mentions`, (r) => r.labelledMentions(brand, label, from, now + 1, 100));
  }
  await ask('history start', (r) => r.historyStart(brand));
  seen.viral += (await list('viral', (r) => r.viralMentions(brand, s.viral_score, now - 48 * HOUR))).length;
  await list('somewhat viral', (r) => r.viralMentions(brand, 0.1, now - 48 * HOUR));
  seen.unanswered += (
    await list('unanswered', (r) =>
      r.unansweredComplaints(brand, now - 48 * HOUR, now - s.unanswered_after, s.unanswered_reach),
    )
  ).length;
  await list('complaints', (r) => r.unansweredComplaints(brand, now - 48 * HOUR, now, 0));
}

/** Compares on every tick, or on every `every`-th minute (a long stream's lists are long to compare). */
async function compareTicks(input: string[], every = 1): Promise<Seen> {
  const store = await connectStore(':memory:');
  const seen: Seen = { ticks: 0, mentions: 0, tiedPairs: 0, viral: 0, unanswered: 0 };
  try {
    await replayObservations(input, config, {
      store,
      onTick: async (brand, now, series) => {
        if ((now / MINUTE) % every === 0) await compareAt(series, storedSeries(store), brand, now, seen);
      },
    });
  } finally {
    await store.close();
  }
  return seen;
}

async function bothWays(input: string[]): Promise<[ReplayResult, ReplayResult]> {
  return [
    await replayObservations(input, config),
    await replayObservations(input, config, { storedSeries: true }),
  ];
}

describe("replay's series in memory", () => {
  it('answers every read of every tick as SQLite does, ties and late posts included', async () => {
    const seen = await compareTicks(lines(stream()));
    expect(seen.ticks).toBeGreaterThan(500);
    // The stream does reach what it was written for: orders with ties, viral and waiting posts.
    expect(seen.tiedPairs).toBeGreaterThan(0);
    expect(seen.viral).toBeGreaterThan(0);
    expect(seen.unanswered).toBeGreaterThan(0);
  });

  it('answers as SQLite does on simulated scenarios', async () => {
    for (const scenario of ['outrage', 'unanswered'] as const) {
      const seen = await compareTicks(simulated({ scenario, brands: 1, days: 2, seed: 2 }), 15);
      expect(seen.mentions, scenario).toBeGreaterThan(0);
    }
  });

  it('gives the same alerts and incidents as reading SQLite on every tick', async () => {
    for (const input of [lines(stream()), simulated({ scenario: 'mixed', brands: 3, days: 3, seed: 5 })]) {
      const [memory, db] = await bothWays(input);
      expect(memory.alerts.length).toBeGreaterThan(0);
      expect(memory.alerts).toEqual(db.alerts);
      expect(memory.incidents).toEqual(db.incidents);
      expect(memory.report).toBe(db.report);
    }
  });

  it('leaves the database as storing every batch there does, written at once or tick by tick', async () => {
    const tables = async (input: string[], hooks: Parameters<typeof replayObservations>[2] = {}) => {
      const store = await connectStore(':memory:');
      try {
        await replayObservations(input, config, { ...hooks, store });
        return {
          mentions: await store.all('select * from mentions order by rowid'),
          snapshots: await store.all('select * from metric_snapshots order by id'),
          counts: await store.all('select * from mention_counts order by brand, label, hour'),
          sources: await store.all('select * from source_counts order by brand, source, hour'),
        };
      } finally {
        await store.close();
      }
    };
    for (const input of [lines(stream()), simulated({ scenario: 'mixed', brands: 3, days: 3, seed: 5 })]) {
      const db = await tables(input, { storedSeries: true });
      // The stream does change rows after their first reading: copies, refreshes, answers.
      expect(db.snapshots.length).toBeGreaterThan(100);
      expect(await tables(input)).toEqual(db);
      // Written before every tick (what a test's onTick asks for), in many small transactions.
      expect(await tables(input, { onTick: () => undefined })).toEqual(db);
    }
  });

  it('runs a quiet minute before the next observation only while an incident is open; quarter hours always', async () => {
    const ticks = async (obs: Obs[]) => {
      const at: string[] = [];
      const r = await replayObservations(lines(obs), config, {
        onTick: (_brand, now) => void at.push(iso(now).slice(11, 16)),
      });
      return { at, kinds: r.alerts.map((a) => a.kind) };
    };
    const post = (id: string, minute: number): Obs => ({
      id,
      brand: 'acme',
      source: 'x',
      text: 'acme flight AC12 departs from gate 4',
      created_at: iso(START + minute * MINUTE),
    });
    expect(await ticks([post('a', 1), post('b', 7)])).toEqual({ at: ['00:02', '00:08'], kinds: [] });
    expect((await ticks([post('a', 1), post('b', 40)])).at).toEqual(['00:02', '00:15', '00:30', '00:41']);
    // An incident opened at 00:02 is still open at 00:07, where a daemon could resolve it: that tick runs.
    const witness: Obs = {
      ...post('c', 1),
      text: 'acme staff assaulted my mother at the gate, she was injured and we are suing them',
      author: { handle: 'witness', followers: 200_000 },
    };
    expect(await ticks([witness, post('b', 7)])).toEqual({
      at: ['00:02', '00:07', '00:08'],
      kinds: ['crisis_post'],
    });
  });

  it('reads SQLite when the database it replays into already holds mentions', async () => {
    const store = await connectStore(':memory:');
    try {
      await replayObservations(lines(stream().slice(0, 200)), config, { store });
      const kinds = new Set<string>();
      await replayObservations(lines(stream().slice(200)), config, {
        store,
        onTick: (_brand, _now, series) =>
          void kinds.add(series === storedSeries(store) ? 'stored' : 'memory'),
      });
      expect([...kinds]).toEqual(['stored']);
    } finally {
      await store.close();
    }
  });
});
