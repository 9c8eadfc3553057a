/** Small named errors (BullMQ's habit). Always pass `{ cause }` when wrapping. */

/** The configuration is wrong; `problems` lists every one as `path: reason`. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly problems: string[],
    readonly file?: string,
  ) {
    super(
      `${file ? `${file}: ` : ''}${problems.length} problem(s) in the configuration:\n  ${problems.join('\n  ')}`,
    );
  }
}

/** A command was asked something it cannot do (a bad date, an unknown name): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A source answered something we cannot read; names the source and what was wrong. */
export class SourceResponseError extends Error {
  override name = 'SourceResponseError';
  /** The start of what the API answered, for callers that look for an error code in it. */
  body?: string;
  constructor(
    readonly sourceId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${sourceId}: ${message}`, options);
  }
}

/** Credentials were refused (401/403): retrying will not help. */
export class SourceAuthError extends SourceResponseError {
  override name = 'SourceAuthError';
}

/** The source asked us to wait. */
export class SourceRateLimitedError extends SourceResponseError {
  override name = 'SourceRateLimitedError';
  constructor(
    sourceId: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(sourceId, `rate limited, retry in ${Math.ceil(retryAfterMs / 1000)}s`, options);
  }
}

/** A channel refused a message for good (400, 403, 404, 410, bad address): do not retry. */
export class ChannelPermanentError extends Error {
  override name = 'ChannelPermanentError';
  constructor(
    readonly channelId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${channelId}: ${message}`, options);
  }
}

/** A channel failed in a way that may pass (5xx, timeout, 429). */
export class ChannelTransientError extends Error {
  override name = 'ChannelTransientError';
  constructor(
    readonly channelId: string,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(`${channelId}: ${message}`, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `brands[0].query`, the way users read a path. */
export function formatPath(parts: readonly PropertyKey[], prefix = ''): string {
  return parts.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    prefix,
  );
}
