import { consoleChannel } from './console.ts';
import { email } from './email.ts';
import { pagerduty } from './pagerduty.ts';
import { slack } from './slack.ts';
import { webhook } from './webhook.ts';
import type { AnyChannel } from './types.ts';

/** Every channel type the config may name. A new channel is one file and one line here. */
export const channels = {
  slack,
  console: consoleChannel,
  webhook,
  pagerduty,
  email,
} satisfies Record<string, AnyChannel>;

export type ChannelType = keyof typeof channels;
