import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SourceResponseError } from '../errors.ts';
import type { Mention } from '../types.ts';
import { readFeedXml, XmlError, type FeedXml } from './feed-xml.ts';
import { checkStatus, safeUrl, wrapNetworkError } from './http.ts';
import { toText } from './text.ts';
import type { Source, SourceContext } from './types.ts';

const options = z.object({
  feeds: z.array(z.url()).min(1),
  /** At most this many new items per feed and poll (a runaway feed cannot flood the store). */
  max_items: z.number().int().min(1).max(1_000).default(200),
});
export type RssOptions = z.infer<typeof options>;

/** One feed item, pulled out of the XML by `poll`; `normalize` turns it into a mention. */
export interface RssItem {
  feed: string;
  guid: string;
  title: string;
  html: string;
  link?: string;
  author?: string;
  /** ISO time; the poll time when the feed gave none or an unreadable one. */
  published: string;
  lang?: string;
}

interface FeedCursor {
  etag?: string;
  lastModified?: string;
  /** Ids of recent items: feeds have no paging, so "new" means "not seen before". */
  seen: string[];
  /** The newest item date seen; absent until the feed has shown an item. */
  newest?: string;
}
export type RssCursor = Record<string, FeedCursor>;

const SEEN_KEPT = 500;
/** An unseen item this much older than the newest seen is an old one back (changed guids, an archive), not news. */
const LATE_MS = 7 * 86_400_000;

export const rss: Source<RssOptions, RssItem, RssCursor> = {
  id: 'rss',
  description:
    'RSS 2.0, RSS 1.0, Atom and Google Alerts feeds (news searches, blogs, review sites). No key. Settings: feeds (URLs).',
  options,
  credentials: [],

  async poll(ctx, input) {
    const feeds = [...new Set(input.options.feeds)];
    // One failed feed fails the poll: the cursor of the others must not move without their items.
    const fetched = await Promise.all(feeds.map((url) => fetchFeed(ctx, url, input.cursor?.[url])));
    const items: RssItem[] = [];
    const cursor: RssCursor = {}; // feeds taken out of the config leave the cursor
    const taken = new Set<string>(); // one story twice in a document, or in two feeds
    feeds.forEach((url, i) => {
      const before = input.cursor?.[url];
      const res = fetched[i];
      if (!res || res.notModified) {
        if (before) cursor[url] = before;
        return;
      }
      const seen = new Set(before?.seen);
      const newest = before?.newest ? Date.parse(before.newest) : NaN;
      // Until a feed has shown an item, polls backfill: the window bounds them.
      const floor = Number.isNaN(newest) ? input.backfillSince.getTime() : newest - LATE_MS;
      const at = new Map(res.items.map((it) => [it, Date.parse(it.published)]));
      const when = (it: RssItem) => at.get(it) ?? 0;
      const fresh = res.items
        .filter((it) => {
          if (seen.has(it.guid) || taken.has(it.guid)) return false;
          taken.add(it.guid);
          return when(it) >= floor;
        })
        .sort((a, b) => when(b) - when(a));
      items.push(...fresh.slice(0, input.options.max_items));
      const top = res.items.reduce((t, it) => Math.max(t, when(it)), newest || 0);
      const ids = [...new Set([...res.items.map((it) => it.guid), ...seen])];
      cursor[url] = {
        ...(res.etag ? { etag: res.etag } : {}),
        ...(res.lastModified ? { lastModified: res.lastModified } : {}),
        // Never fewer than the document holds, or a long feed would offer its tail again.
        seen: ids.slice(0, Math.max(SEEN_KEPT, res.items.length)),
        ...(top > 0 ? { newest: new Date(top).toISOString() } : {}),
      };
    });
    return { items, cursor };
  },

  normalize(item) {
    const body = toText(item.html);
    const title = toText(item.title);
    const text = !body ? title : !title || body.startsWith(title) ? body : `${title} — ${body}`;
    if (!text) return null;
    const id = item.guid.length > 200 ? createHash('sha1').update(item.guid).digest('hex') : item.guid;
    const mention: Mention = {
      id: `rss:${id}`,
      source: 'rss',
      text,
      createdAt: new Date(item.published),
      metrics: {},
      // The article's host before the feed's: a Google Alerts feed is always www.google.com.
      author: { handle: item.author || hostOf(item.link ?? item.feed) },
    };
    if (item.link) mention.url = item.link;
    if (title) mention.title = title;
    if (item.lang) mention.lang = item.lang;
    return mention;
  },

  async check(ctx, opts) {
    for (const url of new Set(opts.feeds)) await fetchFeed(ctx, url, undefined);
  },
};

type Fetched = Pick<FeedCursor, 'etag' | 'lastModified'> & { items: RssItem[]; notModified: boolean };

async function fetchFeed(ctx: SourceContext, url: string, before: FeedCursor | undefined): Promise<Fetched> {
  const headers: Record<string, string> = {
    Accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8',
  };
  if (before?.etag) headers['If-None-Match'] = before.etag;
  if (before?.lastModified) headers['If-Modified-Since'] = before.lastModified;
  let res;
  try {
    res = await ctx.http.get<string>(url, {
      headers,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (err) {
    throw wrapNetworkError('rss', url, err, ctx.http.defaults.timeout);
  }
  if (res.status === 304) return { items: [], notModified: true };
  const now = ctx.clock.now();
  checkStatus('rss', url, res, now.getTime());
  const items = parseFeed(String(res.data ?? ''), url, now);
  const { etag, 'last-modified': lastModified } = res.headers as Record<string, unknown>;
  return {
    items,
    notModified: false,
    ...(typeof etag === 'string' && etag ? { etag } : {}),
    ...(typeof lastModified === 'string' && lastModified ? { lastModified } : {}),
  };
}

/** Items of an RSS 2.0, RSS 1.0 or Atom document; throws a SourceResponseError naming the feed. */
export function parseFeed(raw: string, url: string, now: Date): RssItem[] {
  const bad = (why: string) => new SourceResponseError('rss', `malformed feed at ${safeUrl(url)}: ${why}`);
  const xml = raw.replace(/^\uFEFF?\s*/, ''); // a BOM or a blank line before <?xml is common and harmless
  if (!xml) throw bad('empty response');
  let doc: FeedXml;
  try {
    doc = readFeedXml(xml);
  } catch (err) {
    if (err instanceof XmlError) throw bad(err.message);
    throw err;
  }
  const make = (it: Omit<RssItem, 'feed' | 'published'>, date: string): RssItem => {
    const item: RssItem = {
      feed: url,
      guid: it.guid,
      title: it.title,
      html: it.html,
      published: parseDate(date, now).toISOString(),
    };
    if (it.link) item.link = realLink(it.link);
    if (it.author) item.author = it.author;
    if (it.lang) item.lang = it.lang;
    return item;
  };
  const head = doc.head;
  if (doc.root === 'rss' || doc.root === 'rdf:RDF') {
    const lang = primaryLang(head.text.language ?? head.text['dc:language'] ?? '');
    return doc.entries.map(({ text: t, attrs }, i) => {
      const title = t.title ?? '';
      const html = t['content:encoded'] || t.description || '';
      if (!title && !html) throw bad(`item ${i + 1} has neither title nor description`);
      const guid = t.guid ?? '';
      const permalink = attrs.guid?.isPermaLink !== 'false' && /^https?:/.test(guid);
      const link = t.link || (permalink ? guid : '');
      const date = t.pubDate || t['dc:date'] || '';
      const id = guid || attrs['']?.['rdf:about'] || link || `${title}|${date}`;
      const author = t['dc:creator'] || authorOf(t.author ?? '');
      return make({ guid: id, title, html, link, author, lang }, date);
    });
  }
  if (doc.root === 'feed') {
    const lang = primaryLang(head.attrs['']?.['xml:lang'] ?? '');
    return doc.entries.map(({ text: t, attrs, links }, i) => {
      const alt = links.find((l) => !l.rel || l.rel === 'alternate') ?? links[0];
      const link = alt?.href ?? '';
      const title = t.title ?? '';
      const html = t.content || t.summary || '';
      const guid = t.id || link;
      if (!guid || (!title && !html)) throw bad(`entry ${i + 1} has no id, or neither title nor content`);
      const author = t['author/name'] ?? '';
      const entryLang = lang || primaryLang(attrs['']?.['xml:lang'] ?? '');
      return make({ guid, title, html, link, author, lang: entryLang }, t.published || t.updated || '');
    });
  }
  throw bad('neither an RSS nor an Atom document');
}

/** Abbreviations Date.parse does not know, met in RFC 822 dates of real feeds. */
const ZONES: Record<string, string> = {
  ...{ CET: '+0100', CEST: '+0200', BST: '+0100', EET: '+0200', EEST: '+0300', WET: '+0000' },
  ...{ WEST: '+0100', MSK: '+0300', IST: '+0530', SGT: '+0800', HKT: '+0800', JST: '+0900' },
  ...{ KST: '+0900', AEST: '+1000', AEDT: '+1100', NZST: '+1200', NZDT: '+1300' },
};

/** RFC 822 or RFC 3339, leniently; the poll time when unreadable or in the future (a wrong zone). */
export function parseDate(v: string, now: Date): Date {
  let s = v.trim().replace(/\s+/g, ' ');
  // V8 reads "1" as 2001 and most words as 2000: without a year (4 digits, or RFC 822's 2) it is no date.
  if (!/\d{4}|\d{1,2}[ -][A-Za-z]{3}[ -]\d\d\b/.test(s)) return now;
  // Without a zone Date.parse reads the daemon's local time; feeds that omit it mostly mean UTC.
  if (/[T\s]\d{1,2}:\d\d(:\d\d(\.\d+)?)?$/.test(s)) s += /\dT\d/.test(s) ? 'Z' : ' GMT';
  let t = Date.parse(s);
  if (Number.isNaN(t))
    t = Date.parse(s.replace(/\b[A-Za-z]{1,5}$/, (z) => ZONES[z.toUpperCase()] ?? '+0000'));
  if (Number.isNaN(t) || t < Date.UTC(1995, 0, 1)) return now; // before feeds existed: noise
  return t > now.getTime() ? now : new Date(t);
}

/** Google Alerts links go through google.com/url?url=REAL: keep the real article. */
function realLink(link: string): string {
  const u = link.includes('google.') && URL.canParse(link) ? new URL(link) : null;
  if (!u || !/(^|\.)google\.[a-z.]+$/.test(u.hostname) || u.pathname !== '/url') return link;
  return u.searchParams.get('url') ?? u.searchParams.get('q') ?? link;
}

/** RSS `author` is an email, often with the name in parentheses. */
const authorOf = (v: string) => /\(([^)]+)\)/.exec(v)?.[1]?.trim() ?? v;
const primaryLang = (v: string) => v.split(/[-_]/)[0]?.toLowerCase() ?? '';
const hostOf = (url: string) =>
  /^https?:\/\/([a-z0-9.-]+)(?=[/:?#]|$)/i.exec(url)?.[1]?.toLowerCase() ??
  (URL.canParse(url) ? new URL(url).hostname : 'feed');
