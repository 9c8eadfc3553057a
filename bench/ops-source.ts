// The local fake source of bench/ops.ts, in a child process of its own so that its work is not
// counted as a daemon's: Hacker News' search_by_date (the source of bench/ingest.ts that reads
// fastest), answering at once from pages rendered once per round.
//
// Each source entry points its `api_url` at `/b<brand>/v<variant>`: the variant picks the texts (so
// the entries of one brand bring different posts), the brand part is only counted, so that the
// parent can check that every (brand, entry) was polled exactly once a round. A round is 10 pages
// of 100 comments per variant, with ids and texts of that round only; round 0 is empty (daemons
// starting up find nothing). Texts are 10 to 16 words drawn from the words of the sentiment model
// (words of real tweets) around "acme": distinct posts, as most posts are, not copies of each other.
//
// Started as `bench/ops-source.ts VARIANTS SPREAD_MS`; prints `PORT <n>`, then reads commands on
// stdin, one a line: `round <n>` (answers `round <n> ready`), `stats` (answers one line of JSON:
// requests, and how many times each brand/variant's first page was asked for).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { Random } from '../src/simulate/random.ts';

const PAGES = 10;
const PER_PAGE = 100;
const variants = Number(process.argv[2] ?? 10);
/** Posts of a round are spread over this many milliseconds before its start. */
const spreadMs = Number(process.argv[3] ?? 3_600_000);

const words = (
  JSON.parse(readFileSync(new URL('../src/analysis/sentiment-words.json', import.meta.url), 'utf8')) as {
    words: string[];
  }
).words.filter((w) => /^[a-z']{2,}$/.test(w));

/** pages[variant][page]: the JSON bodies of the current round. */
let pages: string[][] = [];
const EMPTY = JSON.stringify({ hits: [], page: 0, nbPages: 0, nbHits: 0, hitsPerPage: PER_PAGE });

function render(round: number): void {
  if (round === 0) {
    pages = [];
    return;
  }
  const gen = new Random(round * 7_919);
  const random = () => gen.next();
  const start = Math.floor(Date.now() / 1000);
  const step = spreadMs / 1000 / (PAGES * PER_PAGE);
  pages = Array.from({ length: variants }, (_, v) =>
    Array.from({ length: PAGES }, (_, p) => {
      const hits = Array.from({ length: PER_PAGE }, (_, i) => {
        const n = p * PER_PAGE + i;
        const said = Array.from({ length: 10 + Math.floor(random() * 7) }, () =>
          String(words[Math.floor(random() * words.length)]),
        );
        said.splice(Math.floor(random() * said.length), 0, 'acme');
        return {
          objectID: `${round}-${v}-${n}`,
          _tags: ['comment', `author_u${n % 97}`],
          author: `u${n % 97}`,
          created_at: new Date((start - Math.floor(n * step)) * 1000).toISOString(),
          created_at_i: start - Math.floor(n * step),
          comment_text: `<p>${said.join(' ')}</p>`,
          story_text: null,
          points: null,
          story_title: 'Some story',
          story_id: 1,
        };
      });
      return JSON.stringify({
        hits,
        page: p,
        nbHits: PAGES * PER_PAGE,
        nbPages: PAGES,
        hitsPerPage: PER_PAGE,
      });
    }),
  );
}

let requests = 0;
const firstPages = new Map<string, number>();
const server = http.createServer((req, res) => {
  requests++;
  // A refresh asks for stories' points by id: these are comments, which it does not find.
  if (/^\/b[^/]+\/v\d+\/search\?/.test(req.url ?? '')) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(EMPTY);
    return;
  }
  const m = /^\/b([^/]+)\/v(\d+)\/search_by_date\?(.*)$/.exec(req.url ?? '');
  if (!m) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    return;
  }
  const page = Number(/(?:^|&)page=(\d+)/.exec(m[3] ?? '')?.[1] ?? 0);
  if (page === 0) {
    const key = `${m[1]}/${m[2]}`;
    firstPages.set(key, (firstPages.get(key) ?? 0) + 1);
  }
  const body = pages[Number(m[2])]?.[page] ?? EMPTY;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(' ');
  if (cmd === 'round') {
    render(Number(arg));
    process.stdout.write(`round ${arg} ready\n`);
  } else if (cmd === 'stats') {
    process.stdout.write(`${JSON.stringify({ requests, firstPages: Object.fromEntries(firstPages) })}\n`);
  }
});
process.stdin.on('end', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
