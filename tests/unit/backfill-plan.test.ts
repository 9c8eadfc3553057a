import { describe, expect, it } from 'vitest';
import { parseSince, planBackfill } from '../../src/commands/backfill.ts';
import { buildConfig } from '../../src/config.ts';
import { UsageError } from '../../src/errors.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const config = buildConfig(
  {
    brands: [
      {
        name: 'acme',
        query: 'acme',
        sources: [{ source: 'hackernews' }, { source: 'rss', feeds: ['https://example.com/feed.xml'] }],
      },
    ],
  },
  {},
);

const refusal = (brand: string, since: string, source?: string): string => {
  try {
    planBackfill(config, { brand, since, ...(source ? { source } : {}) }, NOW);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  return 'accepted';
};

describe('what earshot backfill accepts', () => {
  it('reads dates, times and durations back from now', () => {
    expect(parseSince('2026-11-01', NOW)).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(parseSince('2026-11-01T08:30:00+02:00', NOW)).toBe(Date.parse('2026-11-01T06:30:00Z'));
    expect(parseSince('30d', NOW)).toBe(NOW - 30 * 86_400_000);
    expect(planBackfill(config, { brand: 'acme', since: '7d' }, NOW).entries.map((e) => e.key)).toEqual([
      'hackernews',
      'rss',
    ]);
    expect(
      planBackfill(config, { brand: 'acme', since: '7d', source: 'hackernews' }, NOW).entries,
    ).toHaveLength(1);
  });

  it('refuses, in one line each, what it cannot do', () => {
    expect(refusal('acme', 'last tuesday')).toMatch(
      /^--since "last tuesday": not a date; write it like 2026-10-01/,
    );
    expect(refusal('acme', '2026-13-45')).toMatch(/^--since "2026-13-45": not a date/);
    expect(refusal('acme', '2027-01-01')).toBe('--since 2027-01-01 is in the future');
    expect(refusal('acme', '2026-01-01')).toBe(
      '--since 2026-01-01 is older than retention.mentions (90d): such mentions would be pruned within the hour; use 2026-09-03 or later',
    );
    expect(refusal('nobody', '7d')).toBe('no brand is named "nobody" in the configuration (brands: acme)');
    expect(refusal('acme', '7d', 'x')).toBe('brand acme has no source "x" (its sources: hackernews, rss)');
    expect(refusal('acme', '7d', 'rss')).toBe(
      'rss: the rss source cannot fetch past mentions by date (see the README, "earshot backfill"); its first poll reaches back 1d',
    );
  });
});
