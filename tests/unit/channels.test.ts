import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeConsoleChannel } from '../../src/alerts/channels/console.ts';
import { slack } from '../../src/alerts/channels/slack.ts';
import type { AlertPayload } from '../../src/types.ts';
import { sampleAlert } from '../helpers/alert.ts';

const alert = sampleAlert({
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
});

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
    expect(fields.slice(0, 4)).toEqual([
      '*Severity*\ncritical',
      '*Kind*\nvolume_spike',
      '*Polarity*\nnegative',
      '*Mentions*\n2',
    ]);
    expect(post).toContain('<https://x.com/a/status/1|open the post>');
    expect(post).toContain('>They dragged a man off &lt;@U123&gt; &amp; nobody helped');
    expect(blocks.find((b) => b.type === 'actions')?.elements?.[0]?.url).toBe(
      'https://earshot.example/ack/abc?sig=1',
    );
    const context = JSON.stringify(blocks.at(-1));
    expect(context).toContain('<!date^1491786900^');
    expect(context).toContain('united-volume-spike-20170410T0115');
  });

  it('keeps user text from pinging, linking or breaking the markup', () => {
    const m = slack.render(
      {
        ...alert,
        brand: 'A&B',
        title: 'Hi <!channel> <@U123>\nsecond line',
        top_mentions: [
          { id: 'x:1', url: 'https://x.com/?a=1&b=2|x>', text: 'a\n\nb', author: '<b>', sentiment: -1 },
          { id: 'x:2', url: 'javascript:alert(1)', text: 'c', sentiment: -1 },
        ],
      },
      {},
    );
    expect(m.text).toBe(
      '[critical] A&amp;B: Negative volume spike — Hi &lt;!channel&gt; &lt;@U123&gt; second line',
    );
    const texts = (m.blocks as Block[]).map((b) => b.text?.text ?? '');
    expect(texts).toContain('*Hi &lt;!channel&gt; &lt;@U123&gt; second line*');
    expect(texts).toContain('*&lt;b&gt;* · <https://x.com/?a=1&amp;b=2%7Cx&gt;|open the post>\n>a b');
    expect(texts).toContain('_someone_\n>c');
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('stays within Block Kit limits whatever the input', () => {
    const huge: AlertPayload = {
      ...alert,
      title: 'T'.repeat(10_000),
      brand: 'b'.repeat(500),
      top_mentions: Array.from({ length: 100 }, (_, i) => ({
        id: `x:${i}`,
        text: '&'.repeat(5_000),
        author: '<@U123>'.repeat(100),
        url: `https://x.com/${'z'.repeat(5_000)}`,
        sentiment: -1,
      })),
      evidence: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v&'.repeat(3_000)])),
    };
    const m = slack.render(huge, { ackUrl: 'https://earshot.example/ack/1' });
    const blocks = m.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocks.filter((b) => b.text?.text.includes('>&amp;'))).toHaveLength(5);
    expect(m.text.endsWith('…')).toBe(true);
    // Cutting never leaves half an entity behind.
    for (const b of blocks) expect(JSON.stringify(b)).not.toMatch(/&[a-z]{0,3}…/);
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
    expect((m.blocks[0] as Block).text?.text).toBe(':rotating_light: Update: Brand new rule — united');
    expect(m.text).toMatch(/^Update: \[critical\] united: Brand new rule — /);
    const info = slack.render({ ...alert, kind: 'source_silent:rss', severity: 'info' }, {});
    expect((info.blocks[0] as Block).text?.text).toBe(':information_source: Source silent (rss) — united');
    const warn = slack.render({ ...alert, severity: 'warning' }, {});
    expect((warn.blocks[0] as Block).text?.text).toMatch(/^:warning: /);
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
    expect(text).toContain('14 negative mentions');
    expect(text).toContain('2 mention(s)');
    expect(text).toContain('Negatives in window: 14');
    text = '';
    await ch.send(ch.render(alert, {}), { format: 'json' }, {} as never);
    expect(JSON.parse(text)).toEqual(alert);
  });

  it('prints no terminal control sequences from a post', async () => {
    const ch = makeConsoleChannel(new PassThrough());
    const { text } = ch.render(
      {
        ...alert,
        top_mentions: [{ id: 'x:1', text: 'evil\u001b[2J\u001b]0;pwned\u0007 post\r\nhere', sentiment: -1 }],
      },
      {},
    );
    expect(text).toContain('someone: evil[2J]0;pwned post here');
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });
});
