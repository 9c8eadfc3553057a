/**
 * The brand query language: words, "quoted phrases", AND, OR, NOT (or -word), parentheses,
 * prefix*, implicit AND between neighbours. Precedence: NOT > AND > OR.
 */

export type QueryNode =
  | { type: 'term'; value: string; prefix: boolean; phrase: string[] | null }
  | { type: 'and' | 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode };

export class QuerySyntaxError extends Error {
  override name = 'QuerySyntaxError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

type Token =
  | { kind: 'word'; value: string; pos: number }
  | { kind: 'phrase'; value: string; pos: number }
  | { kind: 'and' | 'or' | 'not' | 'minus' | 'lparen' | 'rparen'; pos: number };

function lex(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', pos: i++ });
    } else if (c === '"') {
      const end = q.indexOf('"', i + 1);
      if (end < 0) throw new QuerySyntaxError(`unclosed quote at ${i}`, i);
      out.push({ kind: 'phrase', value: q.slice(i + 1, end), pos: i });
      i = end + 1;
    } else if (
      c === '-' &&
      i + 1 < q.length &&
      /[^\s)-]/.test(q[i + 1] as string) &&
      (i === 0 || /[\s(]/.test(q[i - 1] as string))
    ) {
      out.push({ kind: 'minus', pos: i++ });
    } else {
      const start = i;
      while (i < q.length && !/[\s()"]/.test(q[i] as string)) i++;
      const word = q.slice(start, i);
      if (word === 'AND' || word === 'OR' || word === 'NOT')
        out.push({ kind: word.toLowerCase() as 'and' | 'or' | 'not', pos: start });
      else out.push({ kind: 'word', value: word, pos: start });
    }
  }
  return out;
}

export function parseQuery(q: string): QueryNode {
  const tokens = lex(q);
  if (tokens.length === 0) throw new QuerySyntaxError('empty query', 0);
  let i = 0;
  const peek = () => tokens[i];
  const startsOperand = (t: Token | undefined) =>
    !!t && ['word', 'phrase', 'lparen', 'not', 'minus'].includes(t.kind);

  function parseOr(): QueryNode {
    const children = [parseAnd()];
    while (peek()?.kind === 'or') {
      const op = tokens[i++] as Token;
      if (!startsOperand(peek())) throw new QuerySyntaxError(`expected a term after OR at ${op.pos}`, op.pos);
      children.push(parseAnd());
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'or', children };
  }
  function parseAnd(): QueryNode {
    const children = [parseUnary()];
    for (;;) {
      const t = peek();
      if (t?.kind === 'and') {
        i++;
        if (!startsOperand(peek()))
          throw new QuerySyntaxError(`expected a term after AND at ${t.pos}`, t.pos);
        children.push(parseUnary());
      } else if (startsOperand(t)) {
        children.push(parseUnary()); // `A NOT B` and `A B` are both AND
      } else break;
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'and', children };
  }
  function parseUnary(): QueryNode {
    const t = peek();
    if (!t) throw new QuerySyntaxError(`expected a term at ${q.length}`, q.length);
    if (t.kind === 'not' || t.kind === 'minus') {
      i++;
      if (!startsOperand(peek())) throw new QuerySyntaxError(`NOT cannot stand alone at ${t.pos}`, t.pos);
      return { type: 'not', child: parseUnary() };
    }
    if (t.kind === 'lparen') {
      i++;
      if (peek()?.kind === 'rparen') throw new QuerySyntaxError(`empty parentheses at ${t.pos}`, t.pos);
      const inner = parseOr();
      if (peek()?.kind !== 'rparen') throw new QuerySyntaxError(`unbalanced parenthesis at ${t.pos}`, t.pos);
      i++;
      return inner;
    }
    if (t.kind === 'word' || t.kind === 'phrase') {
      i++;
      return termNode(t.value, t.kind === 'phrase', t.pos);
    }
    throw new QuerySyntaxError(
      t.kind === 'rparen'
        ? `unbalanced parenthesis at ${t.pos}`
        : `expected a term before ${t.kind.toUpperCase()} at ${t.pos}`,
      t.pos,
    );
  }

  const node = parseOr();
  const rest = peek();
  if (rest) {
    throw new QuerySyntaxError(
      rest.kind === 'rparen'
        ? `unbalanced parenthesis at ${rest.pos}`
        : `unexpected ${rest.kind} at ${rest.pos}`,
      rest.pos,
    );
  }
  return node;
}

function termNode(raw: string, phrase: boolean, pos: number): QueryNode {
  const prefix = !phrase && raw.endsWith('*') && raw.length > 1;
  const words = tokenize(prefix ? raw.slice(0, -1) : raw);
  if (words.length === 0) throw new QuerySyntaxError(`"${raw}" has no letters or digits at ${pos}`, pos);
  if (words.length > 1) return { type: 'term', value: words.join(' '), prefix: false, phrase: words };
  return { type: 'term', value: words[0] as string, prefix, phrase: null };
}

const SPLIT = /[^\p{L}\p{N}#@_]+/u;
const DIACRITICS = /\p{M}+/gu;

/** Printable ASCII and the usual white space (other text takes the full pass). */
const ASCII = /^[\t\n\r -~]*$/;

/** Lowercase, accent-free words; # and @ stay attached; a possessive 's is its own token. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  // Plain ASCII has nothing to decompose and no marks to drop: most posts skip that pass.
  const folded = ASCII.test(text) ? text : text.normalize('NFKD').replace(DIACRITICS, '');
  for (const part of folded.toLowerCase().split(SPLIT)) {
    if (part === '' || part === '#' || part === '@') continue;
    out.push(part);
  }
  return out;
}

/** Compiles a query into a fast matcher: the text is tokenized once per call. */
export function compileQuery(q: string): (text: string) => boolean {
  const ast = parseQuery(q);
  return (text: string) => {
    const tokens = tokenize(text);
    const set = new Set<string>();
    for (const t of tokens) {
      set.add(t);
      // a plain term also matches the hashtag or mention of it
      if (t.startsWith('#') || t.startsWith('@')) set.add(t.slice(1));
    }
    return evaluate(ast, tokens, set);
  };
}

function evaluate(n: QueryNode, tokens: string[], set: Set<string>): boolean {
  switch (n.type) {
    case 'and':
      return n.children.every((c) => evaluate(c, tokens, set));
    case 'or':
      return n.children.some((c) => evaluate(c, tokens, set));
    case 'not':
      return !evaluate(n.child, tokens, set);
    case 'term':
      if (n.phrase) return hasPhrase(tokens, n.phrase);
      if (n.prefix)
        return tokens.some((t) => t.replace(/^[#@]/, '').startsWith(n.value) || t.startsWith(n.value));
      return set.has(n.value);
  }
}

const strip = (t: string) => t.replace(/^[#@]/, '');

function hasPhrase(tokens: string[], phrase: string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (strip(tokens[i + j] as string) !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/** The positive terms and phrases (those not under NOT), for sources that take a plain search string. */
export function queryTerms(q: string): string[] {
  const out: string[] = [];
  const walk = (n: QueryNode): void => {
    if (n.type === 'term') out.push(n.phrase ? `"${n.value}"` : n.value);
    else if (n.type !== 'not') n.children.forEach(walk);
  };
  walk(parseQuery(q));
  return [...new Set(out)];
}

/**
 * A search plan for APIs without full boolean syntax: alternatives, each a list of terms and
 * phrases that must all appear. Every text the query matches contains at least one alternative
 * (NOT parts are dropped, which only widens), so searching each and then matching locally loses
 * nothing. Alternatives that contain another are dropped. `[[]]` means "anything": the query
 * cannot be searched by words alone.
 */
export function searchPlan(q: string, max = 8): string[][] {
  const dnf = (n: QueryNode): string[][] => {
    switch (n.type) {
      case 'term':
        return [[n.phrase ? `"${n.value}"` : n.prefix ? `${n.value}*` : n.value]];
      case 'not':
        return [[]];
      case 'or':
        return n.children.flatMap(dnf);
      case 'and':
        return n.children.reduce<string[][]>(
          (acc, c) =>
            acc.flatMap((left) => dnf(c).map((right) => [...new Set([...left, ...right])])).slice(0, 64),
          [[]],
        );
    }
  };
  const all = dnf(parseQuery(q)).sort((a, b) => a.length - b.length);
  const kept: string[][] = [];
  for (const alt of all) if (!kept.some((k) => k.every((t) => alt.includes(t)))) kept.push(alt);
  return kept.slice(0, max);
}
