import { describe, expect, it } from 'vitest';
import { SourceResponseError } from '../../../src/errors.ts';
import { parseDate, parseFeed, rss } from '../../../src/sources/rss.ts';
import { toText } from '../../../src/sources/text.ts';

const NOW = new Date('2026-11-24T12:00:00Z');
const opts = { feeds: ['https://feeds.example/x'], max_items: 200 };
const mentionsOf = (xml: string) =>
  parseFeed(xml, 'https://feeds.example/x', NOW).map((i) => rss.normalize(i, opts));

describe('rss: parsing and normalizing', () => {
  it('reads RSS 2.0 with a single item, CDATA HTML, dc:creator and an RFC 822 date', () => {
    const [m] = mentionsOf(`<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
  <title>Travel news</title><link>https://news.example</link><description>x</description><language>en-GB</language>
  <item>
    <title>Acme Air strands 300 passengers</title>
    <link>https://news.example/a/1</link>
    <guid isPermaLink="false">news-1</guid>
    <pubDate>Mon, 10 Apr 2017 01:12:00 GMT</pubDate>
    <dc:creator>Jo Reporter</dc:creator>
    <description><![CDATA[<p>Passengers were <b>stuck</b> for 9 hours &amp; got no food.</p>]]></description>
  </item>
</channel></rss>`);
    expect(m).toMatchObject({
      id: 'rss:news-1',
      source: 'rss',
      url: 'https://news.example/a/1',
      title: 'Acme Air strands 300 passengers',
      text: 'Acme Air strands 300 passengers — Passengers were stuck for 9 hours & got no food.',
      lang: 'en',
      author: { handle: 'Jo Reporter' },
      metrics: {},
    });
    expect(m?.createdAt.toISOString()).toBe('2017-04-10T01:12:00.000Z');
  });

  it('reads Atom with escaped HTML and several links', () => {
    const [m] = mentionsOf(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <id>urn:x</id><title>Blog</title><updated>2026-11-01T00:00:00Z</updated>
  <entry>
    <id>urn:post:7</id>
    <title type="html">Mon vol &lt;i&gt;annulé&lt;/i&gt;</title>
    <link rel="replies" href="https://blog.example/7#comments"/>
    <link rel="alternate" href="https://blog.example/7"/>
    <updated>2026-11-02T08:00:00+01:00</updated>
    <content type="html">&lt;p&gt;Encore un retard&lt;/p&gt;</content>
    <author><name>Camille</name></author>
  </entry>
</feed>`);
    expect(m).toMatchObject({
      id: 'rss:urn:post:7',
      url: 'https://blog.example/7',
      text: 'Mon vol annulé — Encore un retard',
      lang: 'fr',
      author: { handle: 'Camille' },
    });
    expect(m?.createdAt.toISOString()).toBe('2026-11-02T07:00:00.000Z');
  });

  it('reads Google Alerts: real article URL, highlighted HTML unescaped, empty author', () => {
    const [m] = mentionsOf(`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2005:reader/user/04175468913983673025/state/com.google/alerts/4428013283581841004</id>
  <title>Google Alert - Slack</title>
  <link href="https://www.google.com/alerts/feeds/04175468913983673025/4428013283581841004" rel="self"></link>
  <updated>2019-07-10T11:53:37Z</updated>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:8974135267215335962</id>
    <title type="html">Report offers Prediction of Automotive &lt;b&gt;Slack&lt;/b&gt; Market</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://www.example.com/article/&amp;ct=ga&amp;cd=CAIy&amp;usg=AFQjCN"></link>
    <published>2019-07-10T11:53:37Z</published>
    <updated>2019-07-10T11:53:37Z</updated>
    <content type="html">Automotive &lt;b&gt;Slack&lt;/b&gt; Market reports provides&amp;nbsp;...</content>
    <author><name></name></author>
  </entry>
</feed>`);
    expect(m).toMatchObject({
      url: 'https://www.example.com/article/',
      title: 'Report offers Prediction of Automotive Slack Market',
      text: 'Report offers Prediction of Automotive Slack Market — Automotive Slack Market reports provides ...',
      author: { handle: 'www.example.com' },
    });
  });

  it('gives items without a date the poll time, and long ids a hash', () => {
    const long = `https://x.example/${'a'.repeat(300)}`;
    const [m] = mentionsOf(
      `<rss><channel><title>t</title><item><title>Hello</title><link>${long}</link></item></channel></rss>`,
    );
    expect(m?.createdAt).toEqual(NOW);
    expect(m?.id).toMatch(/^rss:[0-9a-f]{40}$/);
  });

  it('keeps HTML entities XML does not define, and reads HTML written straight into a description', () => {
    const ms = mentionsOf(`<rss version="2.0"><channel><title>t</title>
  <item><title>Acme&nbsp;Air &copy; delays</title><guid>a1</guid></item>
  <item><title>Two</title><guid>a2</guid><description><p>Crew <b>lovely</b></p><p>food 5 &lt; 6</p></description></item>
</channel></rss>`);
    expect(ms.map((m) => m?.text)).toEqual(['Acme Air © delays', 'Two — Crew lovely food 5 < 6']);
  });

  it.each([
    [
      'a download cut short',
      '<rss version="2.0"><channel><title>t</title><item><title>One</title></item><item><title>Tw',
      /malformed feed at https:\/\/feeds\.example\/x: unclosed tag: \w+ \(line 1\)/,
    ],
    [
      'not XML at all',
      '<html><body>Sorry, we are down',
      /malformed feed at https:\/\/feeds\.example\/x: .*line/,
    ],
    [
      'neither RSS nor Atom',
      '<?xml version="1.0"?><opml><body/></opml>',
      /neither an RSS nor an Atom document/,
    ],
    ['an empty body', '   ', /empty response/],
    [
      'an item with nothing in it',
      '<rss><channel><title>t</title><item><link>https://x</link></item></channel></rss>',
      /item 1 has neither title nor description/,
    ],
  ])('names what is wrong with %s', (_what, xml, message) => {
    expect(() => parseFeed(xml, 'https://feeds.example/x?key=SECRET', NOW)).toThrow(SourceResponseError);
    expect(() => parseFeed(xml, 'https://feeds.example/x', NOW)).toThrow(message);
    try {
      parseFeed(xml, 'https://feeds.example/x?key=SECRET', NOW);
    } catch (err) {
      expect((err as Error).message).not.toContain('SECRET');
    }
  });

  it('reads Atom xhtml and CDATA content in order, and takes the title alone when the body repeats it', () => {
    const ms = mentionsOf(`\uFEFF
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:f</id><title>f</title><updated>2026-11-01T00:00:00Z</updated>
  <entry><id>urn:1</id><title type="text">Acme rocks</title><updated>2026-11-01T00:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Acme rocks: <b>truly</b> the best</p><p>ever</p></div></content>
    <author><name>Ann</name></author><author><name>Bob</name></author></entry>
  <entry><id>urn:2</id><title>Outage</title><updated>2026-11-01T00:00:00Z</updated>
    <summary type="html"><![CDATA[<p>Down &amp; out</p>]]></summary></entry>
  <entry><id>urn:3</id><title type="html">&lt;b&gt;&lt;/b&gt;</title><updated>2026-11-01T00:00:00Z</updated></entry>
</feed>`);
    expect(ms[0]).toMatchObject({ text: 'Acme rocks: truly the best ever', author: { handle: 'Ann' } });
    expect(ms[1]).toMatchObject({ text: 'Outage — Down & out', author: { handle: 'feeds.example' } });
    expect(ms[1]?.lang).toBeUndefined();
    expect(ms[2]).toBeNull();
  });

  it('reads RSS author emails, permalink guids, several creators and items in one array', () => {
    const ms =
      mentionsOf(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
  <item><title>One</title><guid>https://blog.example/1</guid><author>jo@blog.example (Jo Writer)</author></item>
  <item><title>Two</title><guid isPermaLink="false">2</guid><dc:creator>Al</dc:creator><dc:creator>Bo</dc:creator></item>
</channel></rss>`);
    expect(ms.map((m) => [m?.id, m?.url, m?.author?.handle, m?.text])).toEqual([
      ['rss:https://blog.example/1', 'https://blog.example/1', 'Jo Writer', 'One'],
      ['rss:2', undefined, 'Al', 'Two'],
    ]);
  });

  it.each([
    ['Mon, 10 Apr 2017 01:12:00 GMT', '2017-04-10T01:12:00.000Z'],
    ['Mon, 10 Apr 17 01:12:00 +0200', '2017-04-09T23:12:00.000Z'],
    ['Mon, 10 Apr 2017 01:12:00 CEST', '2017-04-09T23:12:00.000Z'],
    ['Mon, 10 Apr 2017 01:12:00 XYZ', '2017-04-10T01:12:00.000Z'],
    ['Mon, 10 Apr 2017 01:12 PDT', '2017-04-10T08:12:00.000Z'],
    ['Tue, 10 Apr 2017 01:12:00', '2017-04-10T01:12:00.000Z'],
    ['2017-04-10T01:12:00', '2017-04-10T01:12:00.000Z'],
    ['2017-04-10T01:12:00.250+01:00', '2017-04-10T00:12:00.250Z'],
    ['  2017-04-10 01:12:00  ', '2017-04-10T01:12:00.000Z'],
    ['yesterday-ish', NOW.toISOString()],
    ['1', NOW.toISOString()],
    ['', NOW.toISOString()],
    ['Thu, 24 Dec 2026 12:00:00 GMT', NOW.toISOString()],
  ])('reads the date %j leniently', (raw, iso) => {
    expect(parseDate(raw, NOW).toISOString()).toBe(iso);
  });

  it('turns HTML into plain text', () => {
    expect(toText('<b>Big</b> &amp; <script>x()</script>small&nbsp;print')).toBe('Big & small print');
    expect(toText('<p>5 &lt; 6 &amp;&amp; 7 &gt; 2</p>')).toBe('5 < 6 && 7 > 2');
  });
});
