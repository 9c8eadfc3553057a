import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueDigests, dueTeamDigests } from '../../jobs/digest.ts';
import { buildConfig } from '../../src/config.ts';
import { addDays, clockLabel, dayRange, localDate, localTime } from '../../src/digest/time.ts';

const HOUR = 3_600_000;
const hours = (r: { start: number; end: number }) => (r.end - r.start) / HOUR;

describe('local days', () => {
  it('lasts 23 hours on a spring-forward day and 25 on a fall-back day', () => {
    expect(hours(dayRange('America/New_York', '2026-03-07'))).toBe(24);
    expect(hours(dayRange('America/New_York', '2026-03-08'))).toBe(23);
    expect(hours(dayRange('America/New_York', '2026-11-01'))).toBe(25);
    expect(hours(dayRange('Europe/London', '2026-03-29'))).toBe(23);
    expect(hours(dayRange('Europe/London', '2026-10-25'))).toBe(25);
    expect(hours(dayRange('UTC', '2026-03-29'))).toBe(24);
  });

  it('starts at local midnight, whatever the offset', () => {
    expect(new Date(dayRange('America/New_York', '2026-03-08').start).toISOString()).toBe(
      '2026-03-08T05:00:00.000Z',
    );
    expect(new Date(dayRange('America/New_York', '2026-03-08').end).toISOString()).toBe(
      '2026-03-09T04:00:00.000Z',
    );
    expect(new Date(dayRange('Asia/Kolkata', '2026-01-13').start).toISOString()).toBe(
      '2026-01-12T18:30:00.000Z',
    );
    expect(new Date(dayRange('Pacific/Auckland', '2026-01-13').start).toISOString()).toBe(
      '2026-01-12T11:00:00.000Z',
    );
  });

  it('moves a time skipped by the clock change forward by the gap, as calendars do', () => {
    // 02:30 does not exist in New York on 8 March 2026: the clocks go from 02:00 to 03:00 EDT, so it is read as 03:30.
    expect(new Date(localTime('America/New_York', '2026-03-08', 2, 30)).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(new Date(localTime('America/New_York', '2026-03-08', 8, 0)).toISOString()).toBe(
      '2026-03-08T12:00:00.000Z',
    );
  });

  it('labels the hours of a short day without the skipped one', () => {
    const r = dayRange('Europe/London', '2026-03-29');
    const labels = Array.from({ length: hours(r) }, (_, h) =>
      clockLabel('Europe/London', r.start + h * HOUR),
    );
    expect(labels.slice(0, 3)).toEqual(['00:00', '02:00', '03:00']);
    expect(labels).toHaveLength(23);
  });

  it('holds for any day in any zone: it begins on its date, the minute before is the day before', () => {
    const zones = [
      'America/New_York',
      'Europe/London',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'America/Santiago',
      'Pacific/Chatham',
      'Asia/Tehran',
      'UTC',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 3 * 366 }), (zone, n) => {
        const date = addDays('2025-01-01', n);
        const r = dayRange(zone, date);
        expect(localDate(zone, r.start)).toBe(date);
        expect(localDate(zone, r.start - 60_000)).toBe(addDays(date, -1));
        expect(localDate(zone, r.end)).toBe(addDays(date, 1));
        expect(hours(r)).toBeGreaterThanOrEqual(23);
        expect(hours(r)).toBeLessThanOrEqual(25);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a date that does not exist, in words', () => {
    expect(() => dayRange('UTC', '2026-02-30')).toThrow(
      '"2026-02-30" is not a date (write it YYYY-MM-DD, like 2026-01-13)',
    );
    expect(() => dayRange('UTC', '13/01/2026')).toThrow('is not a date');
  });
});

describe('which digests are due', () => {
  const config = (digest: Record<string, unknown> = {}) =>
    buildConfig({ brands: [{ name: 'acme', query: 'acme', timezone: 'America/Los_Angeles' }], digest }, {});
  const at = (iso: string) => Date.parse(iso);
  const LONG_AGO = at('2025-01-01T00:00:00Z');

  it("sends yesterday's report once the local clock reads the digest time", () => {
    const c = config({ time: '08:00', catch_up: 0 });
    const brand = c.brands[0]!;
    // 07:59 and 08:00 in Los Angeles (PST, UTC−8).
    expect(dueDigests(brand, c.digest, at('2026-01-13T15:59:00Z'), new Set(), LONG_AGO)).toEqual([]);
    expect(dueDigests(brand, c.digest, at('2026-01-13T16:00:00Z'), new Set(), LONG_AGO)).toEqual([
      { brand: 'acme', period: 'day', date: '2026-01-12' },
    ]);
    expect(
      dueDigests(
        brand,
        c.digest,
        at('2026-01-13T16:00:00Z'),
        new Set(['digest-acme-day-2026-01-12']),
        LONG_AGO,
      ),
    ).toEqual([]);
  });

  it('keeps to local time across the clock change', () => {
    const c = config({ time: '08:00', catch_up: 0 });
    const brand = c.brands[0]!;
    // 8 March 2026 is a 23-hour day in Los Angeles; 08:00 PDT is 15:00 UTC, an hour earlier than the day before.
    expect(dueDigests(brand, c.digest, at('2026-03-08T14:59:00Z'), new Set(), LONG_AGO)).toEqual([]);
    expect(dueDigests(brand, c.digest, at('2026-03-08T15:00:00Z'), new Set(), LONG_AGO)).toEqual([
      { brand: 'acme', period: 'day', date: '2026-03-07' },
    ]);
  });

  it('catches up on the days missed during downtime, oldest first, no further back than catch_up', () => {
    const c = config({ time: '08:00', catch_up: 3 });
    const due = dueDigests(
      c.brands[0]!,
      c.digest,
      at('2026-01-13T17:00:00Z'),
      new Set(['digest-acme-day-2026-01-10']),
      LONG_AGO,
    );
    expect(due.map((d) => d.date)).toEqual(['2026-01-09', '2026-01-11', '2026-01-12']);
  });

  it('does not report the days before the brand had any mention', () => {
    const c = config({ time: '08:00', catch_up: 3 });
    const first = at('2026-01-11T20:00:00Z'); // 12:00 on the 11th in Los Angeles
    expect(
      dueDigests(c.brands[0]!, c.digest, at('2026-01-13T17:00:00Z'), new Set(), first).map((d) => d.date),
    ).toEqual(['2026-01-11', '2026-01-12']);
    expect(dueDigests(c.brands[0]!, c.digest, at('2026-01-13T17:00:00Z'), new Set(), null)).toEqual([]);
  });

  it('adds the weekly report on its day, covering the seven days before', () => {
    const c = config({ time: '08:00', catch_up: 0, weekly: 'monday' });
    // Monday 12 January 2026.
    expect(dueDigests(c.brands[0]!, c.digest, at('2026-01-12T16:00:00Z'), new Set(), LONG_AGO)).toEqual([
      { brand: 'acme', period: 'day', date: '2026-01-11' },
      { brand: 'acme', period: 'week', date: '2026-01-11' },
    ]);
    expect(dueDigests(c.brands[0]!, c.digest, at('2026-01-13T16:00:00Z'), new Set(), LONG_AGO)).toHaveLength(
      1,
    );
  });

  it('sends nothing for a brand with digest: false', () => {
    const c = buildConfig({ brands: [{ name: 'rival', query: 'rival', digest: false }] }, {});
    expect(dueDigests(c.brands[0]!, c.digest, at('2026-01-13T17:00:00Z'), new Set(), LONG_AGO)).toEqual([]);
  });

  it("sends a team's report on the team's clock, under its own id, whatever its brands' zones", () => {
    const c = buildConfig(
      {
        brands: [
          { name: 'acme', query: 'acme', timezone: 'America/Los_Angeles' },
          { name: 'cargo', query: 'cargo', timezone: 'Europe/London', digest: false },
        ],
        digest: {
          time: '08:00',
          catch_up: 1,
          teams: [{ name: 'pr', brands: ['acme', 'cargo'], timezone: 'Asia/Tokyo', time: '09:30' }],
        },
      },
      {},
    );
    const team = c.digest.teams[0]!;
    // 09:29 and 09:30 on Tuesday 13 January in Tokyo (UTC+9); catch_up: 1 adds Sunday's.
    expect(dueTeamDigests(team, c.digest, at('2026-01-13T00:29:00Z'), new Set(), LONG_AGO)).toEqual([
      { team: 'pr', period: 'day', date: '2026-01-11' },
    ]);
    expect(
      dueTeamDigests(
        team,
        c.digest,
        at('2026-01-13T00:30:00Z'),
        new Set(['digest-team:pr-day-2026-01-11']),
        LONG_AGO,
      ),
    ).toEqual([{ team: 'pr', period: 'day', date: '2026-01-12' }]);
    // A brand's own report does not stand for the team's, nor the other way round.
    expect(
      dueTeamDigests(
        team,
        c.digest,
        at('2026-01-13T00:30:00Z'),
        new Set(['digest-acme-day-2026-01-12']),
        LONG_AGO,
      ),
    ).toHaveLength(2);
    expect(dueTeamDigests(team, c.digest, at('2026-01-13T00:30:00Z'), new Set(), null)).toEqual([]);
  });
});
