import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';

const problemsOf = (raw: unknown): string[] => {
  try {
    buildConfig(raw, {});
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('digest settings', () => {
  it('defaults to 08:00, no channel, no weekly report, three days of catch-up', () => {
    expect(buildConfig({}, {}).digest).toEqual({
      time: '08:00',
      channels: [],
      weekly: 'off',
      catchUpDays: 3,
    });
  });

  it('names a digest channel that does not exist or cannot carry a digest, and a bad weekday', () => {
    expect(
      problemsOf({
        channels: { oncall: { type: 'pagerduty', routing_key: 'k'.repeat(32) } },
        digest: { time: '8am', channels: ['oncall', 'nowhere'], weekly: 'someday' },
      }),
    ).toEqual([
      'digest.time: write the time as HH:MM, 24-hour',
      expect.stringMatching(/^digest\.weekly: /),
      'digest.channels[0]: "oncall" is a pagerduty channel, which cannot carry a digest (use console, email, slack)',
      'digest.channels[1]: no channel is named "nowhere" under channels',
    ]);
  });

  it('leaves out a digest channel switched off for a missing secret, and warns of a competitor that is not a brand', () => {
    const c = buildConfig(
      {
        brands: [
          { name: 'acme', query: 'acme', competitors: ['rival', 'ghost'] },
          { name: 'rival', query: 'rival', digest: false },
        ],
        channels: {
          con: { type: 'console' },
          team: { type: 'slack', webhook_url: '${NO_SUCH_HOOK}', optional: true },
        },
        digest: { channels: ['con', 'team'] },
      },
      {},
    );
    expect(c.digest.channels).toEqual(['con']);
    expect(c.brands.map((b) => b.digest)).toEqual([true, false]);
    expect(c.disabled).toContain(
      'brands[0].competitors[1]: "ghost" is not a configured brand, so the digest leaves it out of share of voice (add it under brands, with digest: false if it needs no report)',
    );
  });
});
