import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Mention } from '../types.ts';

/** What a source may use for its I/O. Sources never touch the database or the queue. */
export interface SourceContext {
  /** axios with the daemon's timeout and User-Agent; throws on network errors, never on HTTP status. */
  http: AxiosInstance;
  clock: Clock;
  log: Logger;
  /** Secrets, read from the environment by the caller. */
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
}

export interface PollInput<O, C> {
  brand: { name: string; query: string };
  options: O;
  /** What the last stored poll reached, or null on the first poll of this (brand, source). */
  cursor: C | null;
  /** On a first poll, take nothing older than this. */
  backfillSince: Date;
}

export interface PollResult<R, C> {
  items: R[];
  /** The brand's own replies seen in this poll: mention `id` (as normalize makes it) was answered `at`. */
  answers?: { id: string; at: Date }[];
  /** Stored in the same transaction as the items' mentions, never before. */
  cursor: C;
}

export interface BackfillInput<O, P> {
  brand: { name: string; query: string };
  options: O;
  /** Take nothing older than this. */
  since: Date;
  /** Nor anything from this instant on (the backfill's start: a resumed run reads the same span). */
  until: Date;
  /** Where the previous page stopped, as the last call returned it; null for the first page. */
  position: P | null;
}

export interface BackfillPage<R, P> {
  items: R[];
  /** Where the next page starts (JSON, stored with this page's mentions); null when the span is read. */
  next: P | null;
}

/**
 * One place the public talks: polled for a brand, its raw items normalized into mentions.
 * Adding a source is one file exporting one of these, plus its line in `src/sources/index.ts`.
 */
export interface Source<O = unknown, R = unknown, C = unknown, P = unknown> {
  /** The name used in the config (`source: rss`). */
  readonly id: string;
  /** One paragraph for users: what it polls and what it needs. */
  readonly description: string;
  /** The per-brand settings of this source, validated with the config. */
  readonly options: z.ZodType<O>;
  /**
   * True when every item is about the brand by construction (reviews of its own app or business
   * page): the brand query is then not applied to the items.
   */
  readonly scoped?: boolean;
  /** Environment variables this source needs; the source is unusable without them. */
  readonly credentials: readonly string[];
  /**
   * Fetch what is new since `cursor`. Throws `SourceResponseError` (or a subclass) naming what was
   * wrong; on a throw nothing is stored and the cursor stays where it was.
   */
  poll(ctx: SourceContext, input: PollInput<O, C>): Promise<PollResult<R, C>>;
  /** Pure: a raw item to a mention, or null when the item is unusable (logged by the caller). */
  normalize(raw: R, options: O): Mention | null;
  /** One cheap call that proves the credentials work (for `earshot doctor`). */
  check?(ctx: SourceContext, options: O): Promise<void>;
  /**
   * Reads known mentions again (ids as `normalize` made them) for their current engagement, where
   * the API allows it cheaply. Posts that are gone are simply absent from the result.
   */
  refresh?(ctx: SourceContext, options: O, ids: string[]): Promise<R[]>;
  /**
   * One page of the brand's past items, newest first, back to `since` (`earshot backfill`). Only
   * where the API can search by time; it never touches the poll's cursor.
   */
  backfill?(ctx: SourceContext, input: BackfillInput<O, P>): Promise<BackfillPage<R, P>>;
  /** How far back from now the API lets `backfill` reach, when it has a limit (ms). */
  readonly backfillReachMs?: number;
}

export type AnySource = Source<any, any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
