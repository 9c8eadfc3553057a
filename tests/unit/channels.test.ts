import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeConsoleChannel } from '../../src/alerts/channels/console.ts';
import { slack } from '../../src/alerts/channels/slack.ts';
import type { AlertPayload } from '../../src/types.ts';

const alert: AlertPayload = {
  at: '2017-04-10T01:15:00.000Z',
  brand: 'united',
  kind: 'volume_spike',
  polarity: 'negative',
  severity: 'critical',
  incident_id: 'united-volume-spike-20170410T0115',
  title: '14 negative mentions of United Airlines in 60 min (usually 1.2)',
  mention_ids: ['x:1', 'x:2'],
  evidence: {
    window_minutes: 60,
    negatives_in_window: 14,
    expected_in_window: 1.2,
    ratio: 11.666,
    p_value: 1e-9,
    nested: { no: 1 },
  },
  top_mentions: [
    {
      id: 'x:1',
      url: 'https://x.com/a/status/1',
      text: 'They dragged a man off <@U123> & nobody helped',
      author: 'witness',
      sentiment: -0.8,
    },
  ],
};

type Block = {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { url?: string }[];
};

describe('slack rendering', () => {
  it('says what happened, with figures, top posts and an acknowledge link', () => {
    const m = slack.render(alert, { ackUrl: 'https://earshot.example/ack/abc?sig=1' });
    expect(m.text).toBe(
      '[critical] united: Negative volume spike — 14 negative mentions of United Airlines in 60 min (usually 1.2)',
    );
    const blocks = m.blocks as Block[];
    expect(blocks[0]).toMatchObject({
      type: 'header',
      text: { text: ':rotating_light: Negative volume spike — united' },
    });
    const fields = blocks.find((b) => b.fields)?.fields?.map((f) => f.text) ?? [];
    expect(fields).toContain('*Negatives in window*\n14');
    expect(fields).toContain('*Ratio*\n11.7');
    expect(fields.join()).not.toContain('nested');
    const post = blocks.find((b) => b.text?.text.includes('witness'))?.text?.text ?? '';
    expect(post).toContain('<https://x.com/a/status/1|open>');
    expect(post).toContain('&lt;@U123&gt; &amp; nobody');
    expect(blocks.find((b) => b.type === 'actions')?.elements?.[0]?.url).toBe(
      'https://earshot.example/ack/abc?sig=1',
    );
  });

  it('stays within Block Kit limits whatever the input', () => {
    const huge: AlertPayload = {
      ...alert,
      title: 'T'.repeat(10_000),
      brand: 'b'.repeat(500),
      top_mentions: Array.from({ length: 100 }, (_, i) => ({
        id: `x:${i}`,
        text: 'y'.repeat(5_000),
        sentiment: -1,
      })),
    };
    const m = slack.render(huge, {});
    const blocks = m.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(m.text.length).toBeLessThanOrEqual(3_000);
    for (const b of blocks) {
      if (b.type === 'header') expect(b.text?.text.length).toBeLessThanOrEqual(150);
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3_000);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2_000);
      expect(b.fields?.length ?? 0).toBeLessThanOrEqual(10);
    }
  });

  it('marks an update and names an unknown kind in words', () => {
    const m = slack.render({ ...alert, kind: 'brand_new_rule', update: true }, {});
    expect((m.blocks[0] as Block).text?.text).toContain('Update: Brand new rule');
  });
});

describe('console channel', () => {
  it('prints a readable alert, or JSON', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const ch = makeConsoleChannel(out);
    await ch.send(ch.render(alert, {}), { format: 'text' }, {} as never);
    expect(text).toContain('[critical] united: Negative volume spike');
    expect(text).toContain('witness: They dragged a man off');
    text = '';
    await ch.send(ch.render(alert, {}), { format: 'json' }, {} as never);
    expect(JSON.parse(text)).toEqual(alert);
  });
});
