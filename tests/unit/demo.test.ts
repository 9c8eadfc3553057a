import { describe, expect, it } from 'vitest';
import { renderDemo } from '../../src/commands/demo.ts';
import type { ReplayResult } from '../../src/commands/replay.ts';
import type { Truth } from '../../src/simulate/index.ts';
import type { AlertPayload } from '../../src/types.ts';

const alert = (at: string, severity: AlertPayload['severity'], update = false): AlertPayload => ({
  at,
  brand: 'acme-air',
  kind: 'volume_spike',
  polarity: 'negative',
  severity,
  incident_id: 'acme-air-volume-spike-20260111T1957',
  title: '13 negative mentions of acme-air in 60 min (usually 4.19)',
  mention_ids: ['x:2'],
  evidence: {},
  ...(update ? { update: true } : {}),
});

describe('the demo page', () => {
  it('lists alerts in order and each incident with its lifecycle, against what happened', () => {
    const truth: Truth = {
      scenario: 'mixed',
      seed: 7,
      start: '2026-01-05T00:00:00.000Z',
      end: '2026-01-15T00:00:00.000Z',
      brands: [
        {
          brand: 'acme-air',
          kind: 'outrage',
          incident: {
            start: '2026-01-11T19:00:00.000Z',
            end: '2026-01-12T15:00:00.000Z',
            mention_ids: ['x:1', 'x:2', 'x:3'],
          },
        },
        { brand: 'northwind-bank', kind: 'quiet', incident: null },
      ],
    };
    const result: ReplayResult = {
      alerts: [
        alert('2026-01-11T19:57:00.000Z', 'warning'),
        alert('2026-01-11T20:55:00.000Z', 'critical', true),
      ],
      incidents: [
        {
          id: 'acme-air-volume-spike-20260111T1957',
          brand: 'acme-air',
          kind: 'volume_spike',
          polarity: 'negative',
          severity: 'critical',
          status: 'resolved',
          title: '…',
          openedAt: Date.parse('2026-01-11T19:57:00Z'),
          resolvedAt: Date.parse('2026-01-12T10:51:00Z'),
          mentionCount: 200,
        },
      ],
      observations: 20_000,
      badLines: 0,
      report: '',
      threads: 1,
    };
    const created = new Map([
      ['x:1', Date.parse('2026-01-11T19:00:00Z')],
      ['x:2', Date.parse('2026-01-11T19:30:00Z')],
      ['x:3', Date.parse('2026-01-11T21:00:00Z')],
    ]);
    const page = renderDemo(truth, result, created);
    expect(page).toContain('Alerts, in time order (2)');
    expect(page).toMatch(/Sun 11 Jan 19:57 {2}warning .*volume_spike {2}13 negative/);
    expect(page).toMatch(/Sun 11 Jan 20:55 {2}critical .*\(update\)/);
    expect(page).toContain(
      'opened    Sun 11 Jan 19:57 as warning — 57 min after the story began, 2 of its 3 posts out',
    );
    expect(page).toContain('raised    Sun 11 Jan 20:55 to critical');
    expect(page).toContain('resolved  Mon 12 Jan 10:51');
    expect(page).toContain('northwind-bank: quiet, nothing to report');
  });
});
