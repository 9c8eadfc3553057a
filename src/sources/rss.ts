import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { SourceResponseError } from '../errors.ts';
import type { Mention } from '../types.ts';
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
  published?: string;
  lang?: string;
}

interface FeedCursor {
  etag?: string;
  lastModified?: string;
  /** Ids of recent items: feeds have no paging, so "new" means "not seen before". */
  seen: string[];
}
export type RssCursor = Record<string, FeedCursor>;

const SEEN_KEPT = 500;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['item', 'entry', 'link', 'category'].includes(name),
});

export const rss: Source<RssOptions, RssItem, RssCursor> = {
  id: 'rss',
  description:
    'RSS 2.0, RSS 1.0, Atom and Google Alerts feeds (news searches, blogs, review sites). No key. Settings: feeds (URLs).',
  options,
  credentials: [],

  async poll(ctx, input) {
    const cursor: RssCursor = { ...(input.cursor ?? {}) };
    const items: RssItem[] = [];
    const results = await Promise.all(input.options.feeds.map((url) => fetchFeed(ctx, url, cursor[url])));
    for (const [i, url] of input.options.feeds.entries()) {
      const res = results[i];
      if (!res) continue;
      const before = cursor[url];
      const seen = new Set(before?.seen ?? []);
      const fresh = res.items.filter((it) => {
        if (seen.has(it.guid)) return false;
        // The first poll of a feed backfills a window, no more.
        if (!before && it.published && Date.parse(it.published) < input.backfillSince.getTime()) return false;
        return true;
      });
      items.push(...fresh.slice(0, input.options.max_items));
      const ids = [...res.items.map((it) => it.guid), ...(before?.seen ?? [])];
      cursor[url] = {
        ...(res.etag ? { etag: res.etag } : {}),
        ...(res.lastModified ? { lastModified: res.lastModified } : {}),
        seen: [...new Set(ids)].slice(0, SEEN_KEPT),
      };
      if (res.notModified && before) cursor[url] = before;
    }
    return { items, cursor };
  },

  normalize(item) {
    const body = toText(item.html);
    const title = toText(item.title);
    const text = !body ? title : !title || body.startsWith(title) ? body : `${title} — ${body}`;
    if (!text) return null;
    const id = item.guid.length > 200 ? createHash('sha1').update(item.guid).digest('hex') : item.guid;
    const created = item.published ? new Date(item.published) : new Date();
    const mention: Mention = {
      id: `rss:${id}`,
      source: 'rss',
      text,
      createdAt: created,
      metrics: {},
      author: { handle: item.author || hostOf(item.link ?? item.feed) },
    };
    if (item.link) mention.url = item.link;
    if (title) mention.title = title;
    if (item.lang) mention.lang = item.lang;
    return mention;
  },

  async check(ctx, opts) {
    for (const url of opts.feeds) await fetchFeed(ctx, url, undefined);
  },
};

interface Fetched {
  items: RssItem[];
  etag?: string;
  lastModified?: string;
  notModified: boolean;
}

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
  checkStatus('rss', url, res, ctx.clock.now().getTime());
  const now = ctx.clock.now();
  const items = parseFeed(String(res.data ?? ''), url, now);
  const etag = header(res.headers.etag);
  const lastModified = header(res.headers['last-modified']);
  return { items, notModified: false, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

type Node = Record<string, unknown>;

/** Items of an RSS 2.0, RSS 1.0 or Atom document; throws a SourceResponseError naming the feed. */
export function parseFeed(xml: string, url: string, now: Date): RssItem[] {
  const bad = (why: string) => new SourceResponseError('rss', `malformed feed at ${safeUrl(url)}: ${why}`);
  if (!xml.trim()) throw bad('empty response');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw bad(`${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(xml) as Node;
  const channel = (doc.rss as Node | undefined)?.channel as Node | undefined;
  const rdf = doc['rdf:RDF'] as Node | undefined;
  const feed = doc.feed as Node | undefined;
  if (channel || rdf) {
    const lang = primaryLang(
      textOf((channel ?? (rdf?.channel as Node | undefined))?.language ?? channel?.['dc:language']),
    );
    const raw = ((channel?.item ?? rdf?.item) as Node[] | undefined) ?? [];
    return raw.map((it, i) => {
      const link = textOf(Array.isArray(it.link) ? it.link[0] : it.link);
      const title = textOf(it.title);
      const html = textOf(it['content:encoded']) || textOf(it.description);
      if (!title && !html) throw bad(`item ${i + 1} has neither title nor description`);
      const guid = textOf(it.guid) || textOf(it['@_rdf:about']) || link || `${title}|${textOf(it.pubDate)}`;
      return item(
        url,
        guid,
        title,
        html,
        realLink(link),
        textOf(it['dc:creator']) || authorOf(textOf(it.author)),
        dateOf(textOf(it.pubDate) || textOf(it['dc:date']), now),
        lang,
      );
    });
  }
  if (feed) {
    const lang = primaryLang(textOf(feed['@_xml:lang']));
    return ((feed.entry as Node[] | undefined) ?? []).map((e, i) => {
      const links = (e.link as Node[] | undefined) ?? [];
      const alt = links.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? links[0];
      const link = textOf(alt?.['@_href']);
      const title = textOf(e.title);
      const html = textOf(e.content) || textOf(e.summary);
      const id = textOf(e.id) || link;
      if (!id || (!title && !html)) throw bad(`entry ${i + 1} has no id, or neither title nor content`);
      const author = textOf((e.author as Node | undefined)?.name);
      return item(
        url,
        id,
        title,
        html,
        realLink(link),
        author,
        dateOf(textOf(e.published) || textOf(e.updated), now),
        lang || primaryLang(textOf(e['@_xml:lang'])),
      );
    });
  }
  throw bad('neither an RSS nor an Atom document');
}

function item(
  feed: string,
  guid: string,
  title: string,
  html: string,
  link: string,
  author: string,
  published: string,
  lang: string,
): RssItem {
  return {
    feed,
    guid,
    title,
    html,
    published,
    ...(link ? { link } : {}),
    ...(author ? { author } : {}),
    ...(lang ? { lang } : {}),
  };
}

function textOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' || typeof v === 'number') return String(v).trim();
  if (typeof v === 'object' && '#text' in v) return textOf((v as Node)['#text']);
  return '';
}

function header(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** Google Alerts links go through google.com/url?url=REAL: keep the real article. */
function realLink(link: string): string {
  try {
    const u = new URL(link);
    if (/(^|\.)google\.[a-z.]+$/.test(u.hostname) && u.pathname === '/url')
      return u.searchParams.get('url') ?? u.searchParams.get('q') ?? link;
  } catch {
    // not a URL: kept as given
  }
  return link;
}

/** RSS `author` is an email, often with the name in parentheses. */
function authorOf(v: string): string {
  const m = /\(([^)]+)\)/.exec(v);
  return m?.[1]?.trim() ?? v;
}

function dateOf(v: string, now: Date): string {
  const t = Date.parse(v);
  return (Number.isNaN(t) ? now : new Date(t)).toISOString();
}

function primaryLang(v: string): string {
  return v.split(/[-_]/)[0]?.toLowerCase() ?? '';
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return 'feed';
  }
}
