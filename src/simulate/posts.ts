import { usualEngagement } from '../analysis/virality.ts';
import type { Random } from './random.ts';
import type { Observation } from './types.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export type SourceName = 'x' | 'bluesky' | 'mastodon' | 'reddit' | 'rss';

export interface Author {
  handle: string;
  followers: number;
  verified: boolean;
}

/** How a post's weighted engagement grows with its age (ms). */
export type Growth =
  /** An ordinary post: most of its engagement comes early, then timelines move on. */
  | { kind: 'saturating'; total: number; tauMs: number }
  /** A post that takes off: doubles at first, then levels off at `cap`. */
  | { kind: 'logistic'; initial: number; cap: number; doublingMs: number };

export interface Post {
  id: string;
  source: SourceName;
  text: string;
  createdAt: number;
  author: Author;
  url: string;
  growth: Growth;
  /** Times (epoch ms) at which polls read it: the first reading and the refreshes. */
  readings: number[];
  /** Belongs to the brand's incident (its ground truth). */
  incident: boolean;
}

/** Where the everyday mentions of a brand come from. */
export const SOURCE_MIX: readonly [SourceName, number][] = [
  ['x', 0.45],
  ['bluesky', 0.15],
  ['mastodon', 0.1],
  ['reddit', 0.2],
  ['rss', 0.1],
];

export function pickSource(rnd: Random): SourceName {
  let u = rnd.next();
  for (const [source, share] of SOURCE_MIX) {
    if ((u -= share) < 0) return source;
  }
  return 'x';
}

export function engagementAt(g: Growth, ageMs: number): number {
  if (ageMs <= 0) return 0;
  if (g.kind === 'saturating') return g.total * (1 - Math.exp(-ageMs / g.tauMs));
  const r = Math.LN2 / g.doublingMs;
  return g.cap / (1 + (g.cap / g.initial - 1) * Math.exp(-r * ageMs));
}

/** Platform paces, the same as Earshot's virality assumes (src/analysis/platforms.ts tau). */
const TAU_HOURS: Record<SourceName, number> = { x: 1.5, bluesky: 2, mastodon: 3, reddit: 5, rss: 6 };

/**
 * An ordinary post's growth: its first-day engagement scattered log-normally around what Earshot's
 * own virality model calls usual for the author, so everyday traffic reads as everyday.
 */
export function ordinaryGrowth(rnd: Random, source: SourceName, followers: number, boost = 1): Growth {
  const usual = usualEngagement(source, source === 'reddit' || source === 'rss' ? undefined : followers);
  return {
    kind: 'saturating',
    total: usual * boost * rnd.logNormal(0.7, 0.7),
    tauMs: TAU_HOURS[source] * HOUR,
  };
}

/** When polls read a post: a first poll minutes after it appeared, then refreshes while it moves. */
export function ordinaryReadings(rnd: Random, source: SourceName, createdAt: number, g: Growth): number[] {
  const lag =
    source === 'rss' ? rnd.between(5, 30) : source === 'reddit' ? rnd.between(2, 10) : rnd.between(1, 5);
  const first = createdAt + seconds(lag * MINUTE);
  // Refreshes only show something for posts that gather a few interactions.
  if (source === 'rss' || g.kind !== 'saturating' || g.total < 4) return [first];
  return [
    first,
    createdAt + seconds(rnd.between(20, 40) * MINUTE),
    createdAt + seconds(rnd.between(3, 5) * HOUR),
  ];
}

/** A span rounded to whole seconds: polls and platforms stamp times to the second. */
export const seconds = (ms: number): number => Math.round(ms / 1000) * 1000;

/** Readings every `everyMs` for `forMs`, then hourly to a day: how a refresh follows a moving post. */
export function frequentReadings(
  createdAt: number,
  firstLagMs: number,
  everyMs: number,
  forMs: number,
): number[] {
  const out: number[] = [];
  for (let t = createdAt + firstLagMs; t < createdAt + forMs; t += everyMs) out.push(t);
  for (let t = createdAt + forMs; t <= createdAt + DAY; t += HOUR) out.push(t);
  return out;
}

/** The platform's counters for a weighted engagement `e` (likes + 2 reposts and quotes + 1.5 replies). */
export function metricsFor(post: Post, at: number): Record<string, number> | undefined {
  const e = engagementAt(post.growth, at - post.createdAt);
  switch (post.source) {
    case 'rss':
      return undefined;
    case 'reddit':
      return { score: Math.round(e * 0.8), replies: Math.round(e * 0.13) };
    case 'x': {
      const seen = post.author.followers * 0.1 * Math.min(1, (at - post.createdAt) / (2 * HOUR));
      return { ...social(e), views: Math.round(seen + e * 40) };
    }
    case 'bluesky':
    case 'mastodon':
      return social(e);
  }
}

function social(e: number): Record<string, number> {
  return {
    likes: Math.round(e * 0.62),
    reposts: Math.round(e * 0.1),
    replies: Math.round(e * 0.08),
    quotes: Math.round(e * 0.03),
  };
}

export function observationOf(post: Post, brand: string, at: number): Observation {
  const obs: Observation = {
    id: post.id,
    source: post.source,
    text: post.text,
    created_at: new Date(post.createdAt).toISOString(),
    observed_at: new Date(at).toISOString(),
    url: post.url,
    lang: 'en',
    brand,
    author: post.author,
  };
  const metrics = metricsFor(post, at);
  if (metrics) obs.metrics = metrics;
  return obs;
}
