import type { Author, SourceName } from './posts.ts';
import type { Random } from './random.ts';

const FIRST = [
  'sam',
  'alex',
  'kim',
  'jo',
  'lee',
  'max',
  'ria',
  'tom',
  'ana',
  'ben',
  'eva',
  'raj',
  'zoe',
  'ola',
];
const SECOND = ['writes', 'travels', 'codes', 'bakes', 'runs', 'reads', 'plays', 'draws', 'cooks', 'hikes'];

/** Everyday people stay under this: a large account complaining is a scenario of its own (see pool). */
const EVERYDAY_CAP = 25_000;

/**
 * The people who talk about one brand: a fixed pool, so the same authors come back, each with a
 * follower count that does not change from post to post. Follower counts are log-normal (most
 * accounts are small, a few are not) and capped, because the replay format cannot say that the
 * brand answered: a large account's everyday complaint would then be an unanswered one, which the
 * `unanswered` scenario makes on purpose and with its ground truth.
 */
export class AuthorPool {
  private readonly authors: Author[] = [];

  constructor(
    private readonly rnd: Random,
    private readonly size = 3_000,
  ) {}

  pick(): Author {
    const i = Math.floor(this.rnd.next() * this.size);
    let a = this.authors[i];
    if (!a) {
      const r = this.rnd.fork(`author${i}`);
      const followers = Math.min(EVERYDAY_CAP, Math.round(r.logNormal(200, 1.5)));
      a = {
        handle: `${r.pick(FIRST)}${r.pick(SECOND)}${i}`,
        followers,
        verified: followers > 10_000 && r.chance(0.2),
      };
      this.authors[i] = a;
    }
    return a;
  }
}

/** A large account: press, a celebrity, an influencer. */
export function largeAuthor(rnd: Random, low: number, high: number, handle: string): Author {
  return { handle, followers: Math.round(rnd.between(low, high)), verified: rnd.chance(0.6) };
}

/**
 * Ids as each platform writes them, kept as strings (tweet ids exceed 2^53), unique within a
 * stream: a running number per stream, spread like the platforms' own.
 */
export class IdMint {
  private n = 0;

  constructor(private readonly brandIndex: number) {}

  next(source: SourceName, author: Author): { id: string; url: string } {
    const n = ++this.n * 64 + this.brandIndex;
    switch (source) {
      case 'x': {
        const id = (1_880_000_000_000_000_000n + BigInt(n) * 4_194_304n).toString();
        return { id: `x:${id}`, url: `https://x.com/${author.handle}/status/${id}` };
      }
      case 'bluesky': {
        const rkey = `3l${n.toString(32).padStart(11, 'a')}`;
        const uri = `at://did:plc:${author.handle}/app.bsky.feed.post/${rkey}`;
        return { id: `bsky:${uri}`, url: `https://bsky.app/profile/${author.handle}/post/${rkey}` };
      }
      case 'mastodon': {
        const id = (113_000_000_000_000_000n + BigInt(n) * 1_024n).toString();
        return {
          id: `mastodon:mastodon.social/${id}`,
          url: `https://mastodon.social/@${author.handle}/${id}`,
        };
      }
      case 'reddit': {
        const id = `t3_${(1_000_000_000 + n).toString(36)}`;
        return { id: `reddit:${id}`, url: `https://www.reddit.com/comments/${id.slice(3)}` };
      }
      case 'rss':
        return { id: `rss:news.example/${n}`, url: `https://news.example/story/${n}` };
    }
  }
}
