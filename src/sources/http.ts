import http from 'node:http';
import https from 'node:https';
import type { AxiosInstance } from 'axios';
import { directRequest, proxyConfigured } from '../direct-http.ts';
import { lazy } from '../lazy.ts';
import { SourceAuthError, SourceRateLimitedError, SourceResponseError } from '../errors.ts';
import { holdUntil, pace } from './pace.ts';

// Loaded when a client is made: reading a config or replaying a file needs no HTTP client.
const axios = lazy<typeof import('axios').default>('axios');

/**
 * Keep-alive agents like Node's global ones, but probing idle connections after 60 s: axios sets
 * that delay on every request's socket, and with the global agents' 1 s each call switched the
 * socket option back and forth, eight setsockopt calls a request.
 */
export const AGENT_OPTIONS = {
  keepAlive: true,
  keepAliveMsecs: 60_000,
  scheduling: 'lifo',
  timeout: 5_000,
} as const;

/** The HTTP client of sources and channels: bounded in time and size; statuses are the caller's to judge. */
export function createHttp(opts: { timeoutMs: number; userAgent: string }): AxiosInstance {
  return axios().create({
    httpAgent: new http.Agent(AGENT_OPTIONS),
    httpsAgent: new https.Agent(AGENT_OPTIONS),
    timeout: opts.timeoutMs,
    headers: { 'User-Agent': opts.userAgent },
    maxContentLength: 10 * 1024 * 1024,
    maxRedirects: 5,
    validateStatus: () => true,
    // Connection errors and timeouts still throw; wrapNetworkError names them.
    transitional: { clarifyTimeoutError: true },
  });
}

const SECRET_PARAMS =
  /([?&](?:key|token|access_token|refresh_token|api_key|api-key|apikey|client_secret|secret|password|sig|signature)=)[^&#]*/gi;

/** A URL safe to print: credentials and key-like query parameters blanked. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(SECRET_PARAMS, '$1…');
  } catch {
    return url.replace(SECRET_PARAMS, '$1…');
  }
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date). */
export function retryAfterMs(value: unknown, now: number, fallbackMs: number): number {
  if (typeof value !== 'string' || value.trim() === '') return fallbackMs;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? fallbackMs : Math.max(0, at - now);
}

/** Answer headers, lower-cased names: axios's or node's own. */
export type AnswerHeaders = Record<string, unknown>;
/** What is judged of an answer, from axios or from node's own client. */
export interface Answer {
  status: number;
  headers: AnswerHeaders;
  data: unknown;
}

/** Throws the named error a non-2xx answer deserves. */
export function checkStatus(sourceId: string, url: string, res: Answer, now = Date.now()): void {
  const s = res.status;
  if (s >= 200 && s < 300) return;
  // At least a second: a Retry-After date already past must not turn into a tight retry loop.
  if (s === 429)
    throw new SourceRateLimitedError(
      sourceId,
      Math.max(1_000, retryAfterMs(res.headers['retry-after'], now, 60_000)),
    );
  // What the API said, briefly: error codes such as quotaExceeded or ExpiredToken live there.
  const body = typeof res.data === 'string' ? res.data.slice(0, 2_000) : '';
  const said = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
  const err =
    s === 401 || s === 403
      ? new SourceAuthError(
          sourceId,
          `${s} from ${safeUrl(url)}: credentials refused${said ? ` (${said})` : ''}`,
        )
      : new SourceResponseError(sourceId, `${s} from ${safeUrl(url)}${said ? `: ${said}` : ''}`);
  err.body = body;
  throw err;
}

/** Where an API says how much is left and when the window resets. */
export interface LimitHeaders {
  /** Header with the calls left in the window; when absent, the reset alone is read (a 429). */
  remaining?: string;
  reset: string;
  /** epoch: unix seconds; seconds: seconds from now; iso: an ISO 8601 time. */
  resetStyle: 'epoch' | 'seconds' | 'iso';
}

/** When the window resets, if the headers say it is used up (or `remaining` is not asked); else null. */
export function exhaustedUntil(headers: AnswerHeaders, l: LimitHeaders, now: number): number | null {
  if (l.remaining !== undefined) {
    const left = Number(headers[l.remaining]);
    if (!Number.isFinite(left) || left > 0) return null;
  }
  const raw: unknown = headers[l.reset];
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const v = String(raw);
  const at =
    l.resetStyle === 'epoch'
      ? Number(v) * 1000
      : l.resetStyle === 'seconds'
        ? now + Number(v) * 1000
        : Date.parse(v);
  return Number.isFinite(at) ? at : null;
}

const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ERR_CANCELED: 'cancelled',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ERR_FR_MAX_BODY_LENGTH_EXCEEDED: 'response too large or unreadable',
  ERR_BAD_RESPONSE: 'response too large or unreadable',
  Z_DATA_ERROR: 'response unreadable (bad compression)',
  Z_BUF_ERROR: 'response unreadable (bad compression)',
};

/** A network failure (timeout, refused, DNS) as a named error, without the request's headers. */
export function wrapNetworkError(
  sourceId: string,
  url: string,
  err: unknown,
  timeoutMs?: number,
): SourceResponseError {
  if (err instanceof SourceResponseError) return err;
  // An AxiosError carries the code of the error it wraps, as node's errors do.
  const raw: unknown = (err as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : undefined;
  const after = !timeoutMs
    ? ''
    : timeoutMs < 1000
      ? ` after ${timeoutMs} ms`
      : ` after ${Math.round(timeoutMs / 1000)}s`;
  const why =
    code === 'ETIMEDOUT' || code === 'ECONNABORTED'
      ? `timed out${after}`
      : ((code && NETWORK_FAILURES[code]) ?? code ?? (err instanceof Error ? err.message : String(err)));
  return new SourceResponseError(sourceId, `${safeUrl(url)}: ${why}`, { cause: err });
}

const CONFIDENTIAL = /^(?:(?:proxy-)?authorization|cookie)$/i;
/** The body as it came: made once, not per call (under tsx a closure made in a call is also named). */
const asIs = (d: unknown) => d;

/** Whether `host` is a subdomain of `of` (follow-redirects keeps credentials for those). */
const isSubdomain = (host: string, of: string) => {
  const dot = host.length - of.length - 1;
  return dot > 0 && host[dot] === '.' && host.endsWith(of);
};

/**
 * GET with node's own client and the axios instance's settings (timeout, size limit, User-Agent,
 * agents): axios's adapter and config merging were about a tenth of a Mastodon poll's CPU. axios
 * stays for proxies, which node's client does not read.
 */
function directGet(
  ctx: { http: AxiosInstance; signal?: AbortSignal },
  url: string,
  headers: Record<string, string>,
) {
  const d = ctx.http.defaults;
  const userAgent = d.headers['User-Agent'];
  return directRequest(url, {
    method: 'GET',
    headers: typeof userAgent === 'string' ? { 'User-Agent': userAgent, ...headers } : headers,
    timeoutMs: d.timeout || 30_000,
    agents: { http: d.httpAgent as http.Agent | undefined, https: d.httpsAgent as https.Agent | undefined },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    maxBytes: d.maxContentLength && d.maxContentLength > 0 ? d.maxContentLength : 10 * 1024 * 1024,
    over: 'fail',
    decompress: d.decompress !== false,
  });
}

/**
 * GET as text, following redirects here rather than in axios: its redirect layer (follow-redirects)
 * cost more per call than the rest of the adapter. Same rules: any 3xx with a Location, at most the
 * client's `maxRedirects`, credentials and cookies dropped on a move to another host (not a
 * subdomain) or from https to http.
 */
async function follow(
  ctx: { http: AxiosInstance; signal?: AbortSignal },
  sourceId: string,
  url: string,
  headers: Record<string, string>,
): Promise<{ href: string; res: Answer & { data: string } }> {
  const max = ctx.http.defaults.maxRedirects ?? 5;
  const direct = !proxyConfigured();
  let href = url;
  for (let hops = 0; ; hops++) {
    let res: Answer & { data: string };
    try {
      res = direct
        ? await directGet(ctx, href, headers)
        : await ctx.http.get<string>(href, {
            headers,
            maxRedirects: 0,
            responseType: 'text',
            transformResponse: asIs,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
    } catch (err) {
      throw wrapNetworkError(sourceId, href, err, ctx.http.defaults.timeout);
    }
    const location: unknown = res.headers.location;
    if (res.status < 300 || res.status >= 400 || typeof location !== 'string' || location === '')
      return { href, res };
    if (hops >= max) throw new SourceResponseError(sourceId, `${safeUrl(href)}: too many redirects`);
    const from = new URL(href);
    const to = new URL(location, from);
    if (
      (to.protocol !== from.protocol && to.protocol !== 'https:') ||
      (to.host !== from.host && !isSubdomain(to.host, from.host))
    )
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CONFIDENTIAL.test(k)));
    href = to.toString();
  }
}

/** What getJson sends besides the URL, and how the API paces and limits it. */
export interface JsonRequest {
  params?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Calls sharing this key (one API key, or one IP) are paced and held together. */
  paceKey?: string;
  paceMs?: number;
  /** How this API announces its limit in headers. */
  limits?: LimitHeaders;
}

/**
 * GET a JSON API: network errors, statuses and unreadable bodies all become named errors that say
 * which source and which URL (without secrets). Paces calls per key, and holds the key until the
 * reset an API announces (remaining 0, or a 429). Returns the parsed body and the headers.
 */
export async function getJson(
  ctx: { http: AxiosInstance; clock: { now(): Date }; signal?: AbortSignal },
  sourceId: string,
  url: string,
  opts: JsonRequest = {},
): Promise<{ body: unknown; headers: AnswerHeaders }> {
  if (opts.paceKey) await pace(opts.paceKey, opts.paceMs ?? 0);
  const target = new URL(url);
  for (const [k, v] of Object.entries(opts.params ?? {}))
    if (v !== undefined) target.searchParams.set(k, String(v));
  const { href, res } = await follow(ctx, sourceId, target.toString(), {
    Accept: 'application/json',
    ...opts.headers,
  });
  const now = ctx.clock.now().getTime();
  if (opts.paceKey) {
    const until = res.status === 429 ? now + retryAfterMs(res.headers['retry-after'], now, 0) : 0;
    const announced = opts.limits ? exhaustedUntil(res.headers, opts.limits, now) : null;
    const hold = Math.max(until, announced ?? 0);
    if (hold > now) holdUntil(opts.paceKey, hold);
  }
  if (res.status === 429 && opts.limits && res.headers['retry-after'] === undefined) {
    const reset = exhaustedUntil(res.headers, { ...opts.limits, remaining: undefined }, now);
    if (reset !== null) throw new SourceRateLimitedError(sourceId, Math.max(1_000, reset - now));
  }
  checkStatus(sourceId, href, res, now);
  try {
    return { body: JSON.parse(String(res.data)) as unknown, headers: res.headers };
  } catch {
    throw new SourceResponseError(
      sourceId,
      `malformed JSON from ${safeUrl(href)}: ${String(res.data).slice(0, 80).replace(/\s+/g, ' ')}`,
    );
  }
}
