import type { AlertPayload } from '../../src/types.ts';

/** The alert channel tests send: a critical spike of United Airlines, one top post; `over` changes it. */
export function sampleAlert(over: Partial<AlertPayload> = {}): AlertPayload {
  return {
    at: '2017-04-10T01:15:00.000Z',
    brand: 'united',
    kind: 'volume_spike',
    polarity: 'negative',
    severity: 'critical',
    incident_id: 'united-volume-spike-20170410T0115',
    title: '14 negative mentions of United Airlines in 60 min (usually 1.2)',
    mention_ids: ['x:1', 'x:2'],
    evidence: { negatives_in_window: 14, expected_in_window: 1.2 },
    top_mentions: [
      {
        id: 'x:1',
        url: 'https://x.com/a/status/1',
        text: 'They dragged a man off the plane',
        author: 'witness',
        sentiment: -0.8,
      },
    ],
    ...over,
  };
}
