import { listenLocal, scriptedAnswers } from './listen.ts';

export interface FakeComment {
  id: string;
  videoId: string;
  author: string;
  text: string;
  published: Date;
  likes?: number;
  /** A reply by the channel that owns the video, at this time. */
  ownerReplyAt?: Date;
}

/**
 * A local YouTube Data API v3 commentThreads.list (sources-reference §9.1): key required,
 * allThreadsRelatedToChannelId, videoId or id (up to 50, alone), newest first, pageToken paging, and Google's JSON
 * errors (403 quotaExceeded, 400 keyInvalid).
 */
export async function startYouTubeServer(key = 'AIza-test-key-123') {
  const comments: FakeComment[] = [];
  const script = scriptedAnswers();
  const requests: URLSearchParams[] = [];
  const CHANNEL = 'UCbrand000000000000000';
  const googleError = (code: number, reason: string, message: string) =>
    JSON.stringify({ error: { code, message, errors: [{ message, domain: 'youtube.quota', reason }] } });
  const server = await listenLocal((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.searchParams;
    requests.push(p);
    const headers = { 'content-type': 'application/json; charset=UTF-8' };
    if (script.answer(res, headers)) return;
    if (p.get('key') !== key) {
      res
        .writeHead(400, headers)
        .end(googleError(400, 'keyInvalid', 'API key not valid. Please pass a valid API key.'));
      return;
    }
    const video = p.get('videoId');
    const ids = p.get('id')?.split(',');
    if (ids && (p.has('maxResults') || p.has('pageToken') || p.has('order') || ids.length > 50)) {
      res
        .writeHead(400, headers)
        .end(
          googleError(
            400,
            'incompatibleParameters',
            'id cannot be combined with paging, order, or more than 50 ids.',
          ),
        );
      return;
    }
    const list = comments
      .filter((c) =>
        ids
          ? ids.includes(c.id)
          : video
            ? c.videoId === video
            : p.get('allThreadsRelatedToChannelId') === CHANNEL,
      )
      .sort((a, b) => b.published.getTime() - a.published.getTime());
    const per = ids ? ids.length : Number(p.get('maxResults') ?? 20);
    const start = Number(p.get('pageToken') ?? 0);
    const items = list.slice(start, start + per).map((c) => ({
      kind: 'youtube#commentThread',
      id: c.id,
      snippet: {
        channelId: CHANNEL,
        videoId: c.videoId,
        topLevelComment: {
          kind: 'youtube#comment',
          id: c.id,
          snippet: {
            authorDisplayName: c.author,
            authorChannelId: { value: `UC${c.author}` },
            textDisplay: c.text,
            likeCount: c.likes ?? 0,
            publishedAt: c.published.toISOString().replace('.000', ''),
            videoId: c.videoId,
          },
        },
        canReply: true,
        totalReplyCount: c.ownerReplyAt ? 1 : 0,
        isPublic: true,
      },
      ...(c.ownerReplyAt
        ? {
            replies: {
              comments: [
                {
                  id: `${c.id}.r1`,
                  snippet: {
                    authorDisplayName: 'Brand',
                    authorChannelId: { value: CHANNEL },
                    textDisplay: 'Sorry, we are on it',
                    publishedAt: c.ownerReplyAt.toISOString(),
                  },
                },
              ],
            },
          }
        : {}),
    }));
    const more = start + per < list.length;
    res.writeHead(200, headers).end(
      JSON.stringify({
        kind: 'youtube#commentThreadListResponse',
        ...(more ? { nextPageToken: String(start + per) } : {}),
        pageInfo: { totalResults: list.length, resultsPerPage: per },
        items,
      }),
    );
  });
  return {
    comments,
    requests,
    channel: CHANNEL,
    key,
    apiUrl: `${server.base}/youtube/v3`,
    quotaExceeded: () =>
      script.push({
        status: 403,
        body: googleError(
          403,
          'quotaExceeded',
          'The request cannot be completed because you have exceeded your quota.',
        ),
      }),
    fail(status: number, body: string, headers?: Record<string, string>) {
      script.push({ status, body, ...(headers ? { headers } : {}) });
    },
    close: () => server.close(),
  };
}
