import { SaxesParser, type SaxesTagPlain } from 'saxes';

/** The elements of one feed item (or of the feed's head), by path below it: `title`, `author/name`. */
export interface XmlRecord {
  /** Text of the first element at each path, trimmed; with its child elements as markup (xhtml). */
  text: Record<string, string>;
  /** Attributes of the first element at each path; `''` is the record's own element. */
  attrs: Record<string, Record<string, string>>;
  /** Attributes of every `link` element right below the record (Atom has several). */
  links: Record<string, string>[];
}

export interface FeedXml {
  root: string;
  /** The channel (RSS) or the feed element (Atom): language, title. */
  head: XmlRecord;
  /** `item` (RSS 2.0 and 1.0) and `entry` (Atom) elements, in document order. */
  entries: XmlRecord[];
}

export class XmlError extends Error {}

interface Open {
  name: string;
  /** Path below the record, or null for the record itself and for what lies outside records. */
  path: string | null;
  text: string;
  /**
   * The same content with child elements kept as tags and text escaped (an xhtml body); made when
   * a field gets its first child element, so plain fields pay nothing for it.
   */
  raw: string | null;
  children: boolean;
}

const ENTRY_PARENTS = new Set(['channel', 'rdf:RDF', 'feed']);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const record = (attrs: Record<string, string> = {}): XmlRecord => ({
  text: {},
  attrs: { '': attrs },
  links: [],
});

/**
 * Reads a feed document in one pass with a strict XML parser (saxes): a truncated download or an
 * HTML error page is an `XmlError` with its line, never a half-read feed. Entities HTML defines but
 * XML does not (`&nbsp;`) are kept as written, as browsers do; the text decoder reads them later.
 * A streaming pass allocates a fraction of what a document tree does: feeds are parsed every poll.
 */
export function readFeedXml(xml: string): FeedXml {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const doc: FeedXml = { root: '', head: record(), entries: [] };
  const stack: Open[] = [];
  let current: XmlRecord | null = null; // the entry being read
  let depth = 0; // of the current entry's element in the stack
  let inChannel = false;

  parser.on('error', (err) => {
    if (err.message.endsWith('undefined entity.')) return;
    throw new XmlError(err.message.replace(/^(\d+):\d+: (.*?)\.?$/, '$2 (line $1)'));
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const parent = stack[stack.length - 1];
    const attrs = tag.attributes as Record<string, string>;
    if (parent) {
      parent.children = true;
      if (parent.path && parent.raw === null) parent.raw = esc(parent.text);
    }
    if (stack.length === 0) {
      doc.root = tag.name;
      doc.head.attrs[''] = attrs;
    }
    let path: string | null = null;
    if (current) {
      path = parent?.path ? `${parent.path}/${tag.name}` : tag.name;
      current.attrs[path] ??= attrs;
      if (stack.length === depth + 1 && tag.name === 'link') current.links.push(attrs);
    } else if ((tag.name === 'item' || tag.name === 'entry') && ENTRY_PARENTS.has(parent?.name ?? '')) {
      current = record(attrs);
      depth = stack.length;
    } else if (tag.name === 'channel' && !inChannel) {
      doc.head = record({ ...doc.head.attrs[''], ...attrs });
      inChannel = true;
    }
    stack.push({ name: tag.name, path, text: '', raw: null, children: false });
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (!top) return;
    top.text += t;
    if (top.path && top.raw !== null) top.raw += esc(t);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const el = stack.pop();
    if (!el) return;
    const parent = stack[stack.length - 1];
    // Markup is kept only inside an item's fields: an xhtml body, not the whole document.
    if (parent?.path) parent.raw += `<${el.name}>${el.raw ?? esc(el.text)}</${el.name}>`;
    // No closure for the value: under tsx each one made per element is also named, a third of this pass.
    if (current && el.path) current.text[el.path] ??= (el.raw ?? el.text).trim();
    else if (current && stack.length === depth) {
      doc.entries.push(current);
      current = null;
    } else if (!current && !el.children && (parent?.name === 'channel' || stack.length === 1))
      doc.head.text[el.name] ??= el.text.trim();
  });
  parser.write(xml).close();
  return doc;
}
