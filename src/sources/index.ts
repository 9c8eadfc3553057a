import { appstore } from './appstore.ts';
import { bluesky } from './bluesky.ts';
import { hackernews } from './hackernews.ts';
import { mastodon } from './mastodon.ts';
import { reddit } from './reddit.ts';
import { rss } from './rss.ts';
import { trustpilot } from './trustpilot.ts';
import { x } from './x.ts';
import { youtube } from './youtube.ts';
import type { AnySource } from './types.ts';

/** Every source the config may name. A new source is one file and one line here. */
export const sources = {
  rss,
  hackernews,
  appstore,
  mastodon,
  reddit,
  bluesky,
  x,
  youtube,
  trustpilot,
} satisfies Record<string, AnySource>;

export type SourceId = keyof typeof sources;

export function getSource(id: string): AnySource | undefined {
  return (sources as Record<string, AnySource>)[id];
}
