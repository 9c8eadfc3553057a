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
      teams: [],
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

  it("reads a team's digest: the time zone its brands share, digest.time, only channels that are on", () => {
    const c = buildConfig(
      {
        brands: [
          { name: 'acme', query: 'acme', timezone: 'Europe/London' },
          { name: 'acme-cargo', query: 'cargo', timezone: 'Europe/London', digest: false },
          { name: 'rival', query: 'rival', timezone: 'America/New_York' },
        ],
        channels: {
          con: { type: 'console' },
          team: { type: 'slack', webhook_url: '${NO_SUCH_HOOK}', optional: true },
        },
        digest: {
          time: '07:30',
          teams: [
            {
              name: 'pr',
              display_name: 'PR team',
              brands: ['acme', 'acme-cargo'],
              channels: ['con', 'team'],
            },
            { name: 'all', brands: ['acme', 'rival'], timezone: 'Asia/Tokyo', time: '09:00' },
          ],
        },
      },
      {},
    );
    expect(c.digest.teams).toEqual([
      {
        name: 'pr',
        displayName: 'PR team',
        brands: ['acme', 'acme-cargo'],
        timezone: 'Europe/London',
        time: '07:30',
        channels: ['con'],
      },
      {
        name: 'all',
        displayName: 'all',
        brands: ['acme', 'rival'],
        timezone: 'Asia/Tokyo',
        time: '09:00',
        channels: [],
      },
    ]);
    // A brand in a team keeps its own report unless it says digest: false.
    expect(c.brands.map((b) => b.digest)).toEqual([true, false, true]);
  });

  it("names each problem of a team's digest: brands, channels, time zones, names", () => {
    expect(
      problemsOf({
        brands: [
          { name: 'acme', query: 'acme', timezone: 'Europe/London' },
          { name: 'rival', query: 'rival', timezone: 'America/New_York' },
          { name: 'team-ops', query: 'ops' },
        ],
        channels: {
          oncall: { type: 'pagerduty', routing_key: 'k'.repeat(32) },
          con: { type: 'console' },
        },
        digest: {
          teams: [
            { name: 'pr', brands: ['acme', 'ghost', 'acme'], channels: ['con', 'nowhere', 'oncall'] },
            { name: 'pr', brands: ['acme', 'rival'] },
            { name: 'ops', brands: ['acme'], timezone: 'Mars/Olympus', time: '25:00' },
            { name: 'Sales Team', brands: [] },
          ],
        },
      }),
    ).toEqual([
      'digest.teams[2].time: write the time as HH:MM, 24-hour',
      expect.stringMatching(/^digest\.teams\[3\]\.name: /),
      'digest.teams[3].brands: name at least one brand',
      'digest.teams[0].brands[1]: no brand is named "ghost"',
      'digest.teams[0].brands[2]: "acme" is listed twice',
      'digest.teams[0].channels[1]: no channel is named "nowhere" under channels',
      'digest.teams[0].channels[2]: "oncall" is a pagerduty channel, which cannot carry a digest (use console, email, slack)',
      'digest.teams[1].name: "pr" is used by another team',
      "digest.teams[1].timezone: the team's brands are in different time zones (acme: Europe/London, rival: America/New_York); name the team's own, like timezone: Europe/London",
      'digest.teams[2].name: team "ops" and brand "team-ops" would save their reports under the same names (team-ops-<date>.html); rename one',
      'digest.teams[2].timezone: "Mars/Olympus" is not a time zone (use names like Europe/London)',
    ]);
  });
});
