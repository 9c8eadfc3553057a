import type { Author, Metrics } from '../types.ts';
import { platformOf } from './platforms.ts';

/**
 * How many people a post probably reached. Platforms that count views (X) say it; elsewhere it is
 * estimated from what the source shows: the author's followers, or the votes of a link site, with
 * the rough organic-reach figures of `platforms.ts`.
 */
export interface Reach {
  impressions: number;
  /** What the estimate rests on: counted views, followers, votes, or the platform's floor. */
  basis: 'views' | 'followers' | 'votes' | 'floor';
}

/** Each repost shows the post to the reposter's audience: a typical account's, seen as above. */
const PER_REPOST = 30;
/** Verified accounts are ranked up by the platforms that verify. */
const VERIFIED_BOOST = 1.5;

export function estimateReach(m: { source: string; author?: Author; metrics: Metrics }): Reach {
  const p = platformOf(m.source);
  const views = typeof m.metrics.views === 'number' && m.metrics.views > 0 ? Math.round(m.metrics.views) : 0;
  const reposts = (m.metrics.reposts ?? 0) + (m.metrics.quotes ?? 0);
  const followers = m.author?.followers;
  if (typeof followers === 'number' && followers > 0 && p.seenShare > 0) {
    const own = followers * p.seenShare * (m.author?.verified ? VERIFIED_BOOST : 1);
    const expected = Math.round(Math.max(p.floor, own + reposts * PER_REPOST));
    // Views counted minutes after posting are the start of the count, not the audience: a large
    // account's post read early has not yet been seen by the people it will reach.
    return views >= expected
      ? { impressions: views, basis: 'views' }
      : { impressions: expected, basis: 'followers' };
  }
  if (views > 0) return { impressions: views, basis: 'views' };
  const votes = Math.max(0, m.metrics.score ?? 0) + (m.metrics.likes ?? 0) + reposts;
  if (votes > 0 && p.perVote > 0)
    return { impressions: Math.round(Math.max(p.floor, votes * p.perVote)), basis: 'votes' };
  return { impressions: p.floor, basis: 'floor' };
}
