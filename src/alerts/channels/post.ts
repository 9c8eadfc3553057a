import { ChannelPermanentError, ChannelTransientError } from '../../errors.ts';
import { retryAfterMs } from '../../sources/http.ts';
import { truncate } from '../format.ts';
import { directRequest, proxyConfigured, type DirectAnswer } from '../../direct-http.ts';
import type { ChannelContext } from './types.ts';

const TIMEOUT_MS = 10_000;
/** More of an answer than any reason worth showing; the rest is read and dropped. */
const ANSWER_MAX = 64 * 1024;

export type PostAnswer = DirectAnswer;

/**
 * POSTs a JSON body to a receiver whose URL may itself be the secret: a network failure names
 * only its code, never the URL. Statuses are the caller's to judge (`judge` below).
 */
export async function postJson(
  channel: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  ctx: ChannelContext,
  /** What the URL is, in the message when it cannot be reached. */
  what = 'receiver',
): Promise<PostAnswer> {
  const timeout = Math.min(ctx.http.defaults.timeout || TIMEOUT_MS, TIMEOUT_MS);
  const userAgent = String(ctx.http.defaults.headers['User-Agent'] ?? 'earshot');
  const all = { 'Content-Type': 'application/json', 'User-Agent': userAgent, ...headers };
  try {
    // Node's own client: about a quarter of axios's CPU a request (74 vs 274 µs), most of a delivery's.
    if (!proxyConfigured())
      return await directRequest(url, {
        method: 'POST',
        body,
        headers: all,
        timeoutMs: timeout,
        maxBytes: ANSWER_MAX,
        over: 'cut',
      });
    const res = await ctx.http.post<string>(url, body, {
      headers: all,
      responseType: 'text',
      transformRequest: (d: unknown) => d,
      transformResponse: (d: unknown) => d,
      timeout,
      validateStatus: () => true,
      // A receiver that moves is told by its status, not followed: a redirected POST would
      // arrive as a GET without its body.
      maxRedirects: 0,
    });
    return { status: res.status, headers: res.headers as PostAnswer['headers'], data: res.data };
  } catch (err) {
    // An AxiosError carries the code of the error it wraps, as node's errors do.
    const code = (err as NodeJS.ErrnoException | null)?.code;
    const why =
      code === 'ETIMEDOUT' || code === 'ECONNABORTED'
        ? `no answer within ${timeout / 1000}s`
        : `${what} not reachable (${code ?? 'network error'})`;
    throw new ChannelTransientError(channel, why, undefined, { cause: code ?? 'network error' });
  }
}

/** What the receiver said, on one short line, with the secret URL (and its path) taken out. */
export function said(res: PostAnswer, url: string, max = 200): string {
  const raw = typeof res.data === 'string' ? res.data : JSON.stringify(res.data ?? '');
  let text = raw.slice(0, 4_000).split(url).join('…');
  const path = URL.canParse(url) ? new URL(url).pathname : '';
  if (path.length > 1) text = text.split(path).join('…');
  return truncate(
    text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  );
}

/**
 * The usual meaning of a receiver's status: 2xx delivered; 429 and 5xx (and 408) worth retrying,
 * after `Retry-After` when given; anything else (400, 401, 403, 404, 410 …) will not get better.
 */
export function judge(channel: string, res: PostAnswer, url: string, defaultWaitMs = 1_000): void {
  const s = res.status;
  if (s >= 200 && s < 300) return;
  const text = said(res, url);
  const reason = `${s}${text ? ` ${text}` : ''}`;
  if (s === 429)
    throw new ChannelTransientError(
      channel,
      `rate limited: ${reason}`,
      retryAfterMs(res.headers['retry-after'], Date.now(), defaultWaitMs),
    );
  if (s >= 500 || s === 408) throw new ChannelTransientError(channel, `the receiver answered ${reason}`);
  throw new ChannelPermanentError(channel, `the receiver refused the message: ${reason}`);
}
