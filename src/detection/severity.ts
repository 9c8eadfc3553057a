import type { Severity } from '../types.ts';
import { raise, type DetectedMention } from './types.ts';

/** Followers from which an author is a large account; press is any news or feed source. */
export const LARGE_ACCOUNT = 100_000;
const PRESS = new Set(['rss', 'news', 'google_alerts']);
const REACH_LARGE = 1_000_000;

export interface Amplifiers {
  crisis_share: number;
  large_accounts: number;
  press: number;
  reach: number;
}

export function amplifiers(mentions: readonly DetectedMention[]): Amplifiers {
  let crisis = 0;
  let large = 0;
  let press = 0;
  let reach = 0;
  for (const m of mentions) {
    if (m.intents.some((i) => i.name.startsWith('crisis_'))) crisis++;
    if ((m.authorFollowers ?? 0) >= LARGE_ACCOUNT || (m.authorVerified && (m.authorFollowers ?? 0) >= 10_000))
      large++;
    if (PRESS.has(m.source)) press++;
    reach += m.reach;
  }
  return {
    crisis_share: mentions.length ? crisis / mentions.length : 0,
    large_accounts: large,
    press,
    reach,
  };
}

/**
 * One step up when the story carries crisis markers (safety, injury, legal, boycott…) in a fifth
 * of its posts, involves large accounts or the press, or has reached a million people. One step at
 * most: volume and growth decide the rest.
 */
export function amplify(base: Severity, a: Amplifiers): Severity {
  const loud = a.crisis_share >= 0.2 || a.large_accounts > 0 || a.press > 0 || a.reach >= REACH_LARGE;
  return loud ? raise(base) : base;
}
