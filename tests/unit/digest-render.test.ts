import { describe, expect, it } from 'vitest';
import { consoleChannel } from '../../src/alerts/channels/console.ts';
import { email } from '../../src/alerts/channels/email.ts';
import { slack } from '../../src/alerts/channels/slack.ts';
import type { ChartImage } from '../../src/digest/charts.ts';
import { renderHtml } from '../../src/digest/render.ts';
import type { DigestReport, Tally } from '../../src/digest/types.ts';

const tally = (volume: number, net: number | null): Tally => ({
  volume,
  negative: 0,
  neutral: volume,
  positive: 0,
  net,
});

function report(over: Partial<DigestReport> = {}): DigestReport {
  return {
    id: 'digest-acme-day-2026-01-13',
    brand: 'acme',
    displayName: 'Acme <Air>',
    period: 'day',
    from: '2026-01-13',
    date: '2026-01-13',
    timezone: 'America/Chicago',
    start: Date.parse('2026-01-13T06:00:00Z'),
    end: Date.parse('2026-01-14T06:00:00Z'),
    generatedAt: Date.parse('2026-01-14T14:00:00Z'),
    totals: tally(120, -20),
    previous: tally(100, 10),
    usual: { volume: 90, net: 5 },
    daily: [],
    hourly: [],
    shareOfVoice: [
      { brand: 'acme', name: 'Acme <Air>', volume: 120, share: 60 },
      { brand: 'rival', name: 'Rival', volume: 80, share: 40 },
    ],
    incidents: [],
    topNegative: [],
    topPositive: [],
    unanswered: [
      {
        id: 'x:1',
        source: 'x',
        url: 'https://x.com/a/status/1',
        author: '<@U123>',
        text: 'Still <b>waiting</b>',
        createdAt: Date.parse('2026-01-13T15:00:00Z'),
        sentiment: 'negative',
        reach: 50_000,
        engagement: 12,
        waitingHours: 15,
      },
    ],
    unansweredCount: 1,
    sources: [],
    authors: [],
    questions: [],
    purchaseIntents: [],
    quiet: false,
    ...over,
  };
}
const chart: ChartImage = {
  name: 'week',
  report: 'digest-acme-day-2026-01-13',
  cid: 'week.digest-acme@earshot',
  alt: 'the week',
  width: 600,
  height: 260,
  png: Buffer.from('png'),
};

describe('a digest as each channel renders it', () => {
  it('email: HTML naming each chart by cid, the charts attached inline, the text the same figures', () => {
    const m = email.renderDigest!({
      report: report(),
      charts: [chart],
      webUrl: 'https://earshot.example/digests/x?sig=1',
    });
    expect(m.subject).toBe('Acme <Air> · daily digest · Tuesday 13 January 2026: 120 mentions, net −20');
    expect(m.html).toContain('src="cid:week.digest-acme@earshot"');
    expect(m.attachments).toEqual([
      { filename: 'week.png', content: chart.png, cid: chart.cid, contentType: 'image/png' },
    ]);
    expect(m.html).toContain('Acme &lt;Air&gt;');
    expect(m.html).toContain('Still &lt;b&gt;waiting&lt;/b&gt;');
    expect(m.html).toContain('▲ +20 %');
    expect(m.html).toContain('▼ −30 pts');
    expect(m.text).toContain('Mentions: 120 (▲ +20 % vs the day before, ▲ +33 % vs 7-day average)');
    expect(m.text).toContain('The full report in your browser: https://earshot.example/digests/x?sig=1');
    // The same report always has the same Message-ID: a retry after a crash is recognisable.
    expect(email.renderDigest!({ report: report(), charts: [] }).messageId).toBe(m.messageId);
  });

  it('Slack: the key figures, the oldest complaint escaped, and the button to the full report', () => {
    const m = slack.renderDigest!({
      report: report(),
      charts: [chart],
      webUrl: 'https://earshot.example/digests/x',
    });
    const json = JSON.stringify(m);
    expect(m.text).toBe(
      'Daily digest: Acme &lt;Air&gt; · Tuesday 13 January 2026: 120 mentions, net −20, 0 incident(s)',
    );
    expect(json).toContain('120  ▲ +20 % vs the day before');
    expect(json).toContain('*Share of voice*\\n60 %');
    expect(json).toContain('&lt;@U123&gt;');
    expect(json).not.toContain('<@U123>');
    expect(json).toContain('"url":"https://earshot.example/digests/x"');
    expect(m.blocks.length).toBeLessThanOrEqual(50);
  });

  it('a quiet day is one line everywhere', () => {
    const quiet = report({
      quiet: true,
      totals: tally(0, null),
      unanswered: [],
      unansweredCount: 0,
      shareOfVoice: [],
    });
    const line =
      'A quiet day: nobody mentioned Acme <Air>, no incident, no complaint waiting (usually 90 a day).';
    expect(consoleChannel.renderDigest!({ report: quiet, charts: [] }).text).toContain(line);
    expect(JSON.stringify(slack.renderDigest!({ report: quiet, charts: [] }))).toContain(
      line.replace('<Air>', '&lt;Air&gt;'),
    );
    const html = renderHtml(quiet, { charts: [], imageSrc: () => '' });
    expect(html).toContain(line.replace('<Air>', '&lt;Air&gt;'));
    expect(html).not.toContain('<img');
  });
});
