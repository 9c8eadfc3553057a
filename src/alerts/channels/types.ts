import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ChartImage } from '../../digest/charts.ts';
import type { AnyDigestReport } from '../../digest/types.ts';
import type { AlertPayload } from '../../types.ts';

export interface ChannelContext {
  http: AxiosInstance;
  log: Logger;
  /** The same for every attempt at one (alert, channel): receivers dedupe on it. */
  deliveryId?: string;
  /** The caller already waited for this send's slot in the channel's `pace`: do not book another. */
  slotTaken?: boolean;
}

export interface RenderContext {
  /** A link that acknowledges the incident, when the daemon serves one. */
  ackUrl?: string;
}

/** A digest as a channel receives it: the figures, the charts drawn, and where the web copy is. */
export interface DigestMessage {
  /** A brand's report, or a team's (its brands' reports inside, their charts all in `charts`). */
  report: AnyDigestReport;
  charts: ChartImage[];
  /** A link to the full report served by the daemon, when it serves one. */
  webUrl?: string;
}

/**
 * Where alerts go. Adding a channel is one file exporting one of these, plus its line in
 * `src/alerts/channels/index.ts`.
 */
export interface Channel<O = unknown, P = unknown> {
  /** The `type` used in the config (`type: slack`). */
  readonly id: string;
  readonly description: string;
  /** Settings of one configured channel of this type; secrets arrive already read from the environment. */
  readonly options: z.ZodType<O>;
  /** Pure: the message as the receiver will get it. */
  render(alert: AlertPayload, ctx: RenderContext): P;
  /** Pure: the daily or weekly digest as the receiver will get it; absent when the channel carries none. */
  renderDigest?(digest: DigestMessage): P;
  /**
   * The receiver's rate limit, per configured channel: the delivery job books a slot of `key`
   * every `everyMs` and waits for it in the queue, so that a paced channel never holds a worker
   * another channel could use.
   */
  pace?(options: O): { key: string; everyMs: number };
  /** Sends; throws `ChannelPermanentError` (never retried) or `ChannelTransientError` (retried). */
  send(payload: P, options: O, ctx: ChannelContext): Promise<void>;
  /** Proves the settings work WITHOUT delivering a message (for `earshot doctor`); throws in plain words. */
  check?(options: O, ctx: ChannelContext): Promise<void>;
}

export type AnyChannel = Channel<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
