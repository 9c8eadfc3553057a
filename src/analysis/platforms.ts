/**
 * What Earshot assumes of each platform, in one table so that it can be read and tuned in one
 * place. These are rough, public rules of thumb, not measurements of your audience.
 */
export interface Platform {
  /** Share of an author's followers who see a post in their timeline. */
  seenShare: number;
  /** People who see a post for each vote it got (link and review sites rank by votes). */
  perVote: number;
  /** Least audience of a public post there. */
  floor: number;
  /** Hours after which a post's pace has fallen by e: timelines move on. */
  tau: number;
  /** Usual first-day engagement of a post = a + b · followers^0.8 (a alone without followers). */
  a: number;
  b: number;
}

const PLATFORMS: Record<string, Platform> = {
  x: { seenShare: 0.1, perVote: 0, floor: 20, tau: 1.5, a: 1, b: 0.02 },
  bluesky: { seenShare: 0.2, perVote: 0, floor: 10, tau: 2, a: 1, b: 0.03 },
  mastodon: { seenShare: 0.3, perVote: 0, floor: 10, tau: 3, a: 1, b: 0.03 },
  reddit: { seenShare: 0, perVote: 40, floor: 50, tau: 5, a: 5, b: 0 },
  hackernews: { seenShare: 0, perVote: 60, floor: 50, tau: 4, a: 3, b: 0 },
  youtube: { seenShare: 0, perVote: 30, floor: 20, tau: 12, a: 2, b: 0 },
  appstore: { seenShare: 0, perVote: 20, floor: 30, tau: 6, a: 1, b: 0 },
  trustpilot: { seenShare: 0, perVote: 20, floor: 30, tau: 6, a: 1, b: 0 },
  rss: { seenShare: 0, perVote: 0, floor: 500, tau: 6, a: 1, b: 0 },
};
const DEFAULT: Platform = { seenShare: 0.1, perVote: 20, floor: 20, tau: 6, a: 1, b: 0.02 };

// Own keys only: a source named "constructor" or "toString" would otherwise find Object's methods.
export const platformOf = (source: string): Platform =>
  Object.hasOwn(PLATFORMS, source) ? (PLATFORMS[source] as Platform) : DEFAULT;
