import type { Author, Metrics } from '../types.ts';

/**
 * How many people a post probably reached. Platforms that count views (X) say it; elsewhere it is
 * estimated from what the source shows: the author's followers, or the votes of a link site. The
 * shares below are rough organic-reach figures, kept in one table so that they can be tuned.
 */
export interface Reach {
  impressions: number;
  /** What the estimate rests on: counted views, followers, votes, or the platform's floor. */
  basis: 'views' | 'followers' | 'votes' | 'floor';
}

interface PlatformReach {
  /** Share of followers who see a post in their timeline. */
  seenShare: number;
  /** People who see a post for each vote it got (link sites rank by votes). */
  perVote: number;
  /** Least audience of a public post there. */
  floor: number;
}

const PLATFORMS: Record<string, PlatformReach> = {
  x: { seenShare: 0.1, perVote: 0, floor: 20 },
  bluesky: { seenShare: 0.2, perVote: 0, floor: 10 },
  mastodon: { seenShare: 0.3, perVote: 0, floor: 10 },
  reddit: { seenShare: 0, perVote: 40, floor: 50 },
  hackernews: { seenShare: 0, perVote: 60, floor: 50 },
  youtube: { seenShare: 0, perVote: 30, floor: 20 },
  appstore: { seenShare: 0, perVote: 20, floor: 30 },
  trustpilot: { seenShare: 0, perVote: 20, floor: 30 },
  rss: { seenShare: 0, perVote: 0, floor: 500 },
};
const DEFAULT: PlatformReach = { seenShare: 0.1, perVote: 20, floor: 20 };
/** Each repost shows the post to the reposter's audience: a typical account's, seen as above. */
const PER_REPOST = 30;
/** Verified accounts are ranked up by the platforms that verify. */
const VERIFIED_BOOST = 1.5;

export function estimateReach(m: { source: string; author?: Author; metrics: Metrics }): Reach {
  const p = PLATFORMS[m.source] ?? DEFAULT;
  if (typeof m.metrics.views === 'number' && m.metrics.views > 0)
    return { impressions: Math.round(m.metrics.views), basis: 'views' };
  const reposts = (m.metrics.reposts ?? 0) + (m.metrics.quotes ?? 0);
  const followers = m.author?.followers;
  if (typeof followers === 'number' && followers > 0 && p.seenShare > 0) {
    const own = followers * p.seenShare * (m.author?.verified ? VERIFIED_BOOST : 1);
    return { impressions: Math.round(Math.max(p.floor, own + reposts * PER_REPOST)), basis: 'followers' };
  }
  const votes = Math.max(0, m.metrics.score ?? 0) + (m.metrics.likes ?? 0) + reposts;
  if (votes > 0 && p.perVote > 0)
    return { impressions: Math.round(Math.max(p.floor, votes * p.perVote)), basis: 'votes' };
  return { impressions: p.floor, basis: 'floor' };
}
