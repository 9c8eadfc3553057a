import { describe, expect, it } from 'vitest';
import { replayObservations, type ReplayResult, type Entry } from '../../src/commands/replay.ts';
import { buildConfig } from '../../src/config.ts';
import { shardsOf } from '../../src/replay/parallel.ts';
import { simulateAll } from '../../src/simulate/index.ts';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';

// Replay splits its brands over threads (src/replay/parallel.ts); whatever the split, it must say
// what one thread says: the same alerts in the same order, the same incidents, the same report.

const START = Date.parse('2026-01-05T00:00:00Z');
// A mixed stream of eight brands; the two Acme brands lose their `brand` and are matched by their
// queries instead, which both match every Acme post: an observation of brands in two shards. A
// "twin" brand gets a copy of each Acme post, so that brands of different shards alert at the
// same simulated minute, where one thread gives them in the order it first met the brands.
const { observations } = simulateAll({ scenario: 'mixed', brands: 8, days: 4, seed: 2, start: START });
const lines = observations.flatMap((o) => {
  const { brand, ...rest } = o as typeof o & { brand?: string };
  if (!brand?.startsWith('acme-air')) return [JSON.stringify(o)];
  return [JSON.stringify(rest), JSON.stringify({ ...rest, id: `${rest.id}-twin`, brand: 'twin' })];
});
const config = buildConfig(
  {
    brands: [
      { name: 'acme-air', query: 'acme' },
      { name: 'acme-air-2', query: 'acme' },
    ],
  },
  {},
);

describe('replay over threads', () => {
  it('gives what one thread gives, with two and with three threads', async () => {
    const one = await replayObservations(lines, config, { threads: 1 });
    expect(one.threads).toBe(1);
    // A comparison of empty results would prove nothing: this stream has incidents of many brands.
    expect(one.alerts.length).toBeGreaterThan(5);
    expect(new Set(one.alerts.map((a) => a.brand)).size).toBeGreaterThan(2);
    expect(one.alerts.some((a) => a.brand.startsWith('acme-air'))).toBe(true);
    const at = (brand: string) => new Set(one.alerts.filter((a) => a.brand === brand).map((a) => a.at));
    expect([...at('twin')].some((t) => at('acme-air').has(t))).toBe(true);
    for (const threads of [2, 3]) {
      const many: ReplayResult = await replayObservations(lines, config, { threads });
      expect(many.threads).toBe(threads);
      expect(many.alerts).toEqual(one.alerts);
      expect(many.incidents).toEqual(one.incidents);
      expect(many.report).toBe(one.report);
    }
  }, 120_000);

  it('splits whole brands, busiest first, and gives an observation of two shards to each', () => {
    const entry = (index: number, names: string[]): Entry => ({
      index,
      at: index,
      obs: { id: `x:${index}`, text: names.join(' '), created_at: new Date(index).toISOString() },
      names,
    });
    const all = [
      ...Array.from({ length: 6 }, (_, i) => entry(i, ['big'])),
      ...Array.from({ length: 3 }, (_, i) => entry(6 + i, ['mid'])),
      entry(9, ['small', 'big']),
      entry(10, []),
    ];
    const shards = shardsOf(all, 2);
    expect(shards.map((s) => s.map((e) => `${e.index}:${e.names.join('+')}`))).toEqual([
      ['0:big', '1:big', '2:big', '3:big', '4:big', '5:big', '9:big'],
      ['6:mid', '7:mid', '8:mid', '9:small'],
    ]);
    expect(shardsOf(all.slice(0, 6), 4)).toHaveLength(1);
  });

  it('the CLI splits by EARSHOT_REPLAY_THREADS and refuses a bad value as a configuration problem', async () => {
    const tmp = tempDir();
    try {
      const file = tmp.file(
        'config.yaml',
        'brands:\n  - name: acme-air\n    query: acme\n  - name: acme-air-2\n    query: acme\n',
      );
      const input = `${lines.join('\n')}\n`;
      const run = (threads: string, text = input) =>
        runCli(['replay', '--config', file, '--report'], {
          env: cleanEnv({ EARSHOT_REPLAY_THREADS: threads }),
          input: text,
          timeoutMs: 90_000,
        });
      const [one, two] = [await run('1'), await run('2')];
      expect(one.code, one.stderr).toBe(0);
      expect(two.code, two.stderr).toBe(0);
      expect(one.stdout.split('\n').length).toBeGreaterThan(5);
      expect(two.stdout).toBe(one.stdout);
      expect(two.stderr).toBe(one.stderr);
      const bad = await run('many', '');
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim()).toBe(
        `earshot: ${file}: 1 problem(s) in the configuration:\n  EARSHOT_REPLAY_THREADS: "many" is not a whole number of threads, 1 or more`,
      );
    } finally {
      tmp.cleanup();
    }
  }, 180_000);
});
