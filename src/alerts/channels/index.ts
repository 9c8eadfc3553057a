import { consoleChannel } from './console.ts';
import { slack } from './slack.ts';
import type { AnyChannel } from './types.ts';

/** Every channel type the config may name. A new channel is one file and one line here. */
export const channels = {
  slack,
  console: consoleChannel,
} satisfies Record<string, AnyChannel>;

export type ChannelType = keyof typeof channels;
