import type { BrandProfile } from './brands.ts';
import type { AuthorPool, IdMint } from './people.ts';
import {
  ordinaryGrowth,
  ordinaryReadings,
  type Author,
  type Growth,
  type Post,
  type SourceName,
} from './posts.ts';
import type { Random } from './random.ts';

/** What every part of one brand's traffic shares. */
export interface BrandContext {
  profile: BrandProfile;
  rnd: Random;
  authors: AuthorPool;
  ids: IdMint;
  /** Mentions an hour on an average hour of the week. */
  baseRate: number;
}

/** One strand of a brand's traffic (everyday talk, a story, a launch): the posts made in [t0, t1). */
export interface Component {
  postsIn(t0: number, t1: number): Post[];
}

/** Makes a post; its growth and readings are those of an ordinary post unless given. */
export function makePost(
  ctx: BrandContext,
  p: {
    source: SourceName;
    text: string;
    createdAt: number;
    author?: Author;
    incident?: boolean;
    growth?: Growth;
    readings?: number[];
    boost?: number;
  },
): Post {
  const author = p.author ?? ctx.authors.pick();
  const { id, url } = ctx.ids.next(p.source, author);
  const growth = p.growth ?? ordinaryGrowth(ctx.rnd, p.source, author.followers, p.boost);
  return {
    id,
    url,
    source: p.source,
    text: p.text,
    createdAt: p.createdAt,
    author,
    growth,
    readings: p.readings ?? ordinaryReadings(ctx.rnd, p.source, p.createdAt, growth),
    incident: p.incident ?? false,
  };
}

/** Times of a Poisson process of `perHour` (a rate that may vary) within [t0, t1), drawn at the slice's middle. */
export function arrivals(rnd: Random, t0: number, t1: number, perHour: number): number[] {
  const n = rnd.poisson((perHour * (t1 - t0)) / 3_600_000);
  const out: number[] = [];
  // Whole seconds, as platforms stamp posts.
  for (let i = 0; i < n; i++) out.push(t0 + Math.floor((rnd.next() * (t1 - t0)) / 1000) * 1000);
  return out;
}
