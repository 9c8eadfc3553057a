import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slack } from '../../src/alerts/channels/slack.ts';
import { ChannelPermanentError, ChannelTransientError } from '../../src/errors.ts';
import { createHttp } from '../../src/sources/http.ts';
import type { AlertPayload } from '../../src/types.ts';
import { startSlackServer } from '../fakes/slack-server.ts';

type Slack = Awaited<ReturnType<typeof startSlackServer>>;
const alert: AlertPayload = {
  at: '2026-11-24T10:00:00.000Z',
  brand: 'acme',
  kind: 'volume_spike',
  polarity: 'negative',
  severity: 'warning',
  incident_id: 'acme-volume-spike-20261124T1000',
  title: '9 negative mentions of Acme in 60 min (usually 0.4)',
  mention_ids: ['rss:1'],
  evidence: { negatives_in_window: 9 },
};
const ctx = {
  http: createHttp({ timeoutMs: 5_000, userAgent: 'earshot-test' }),
  log: pino({ level: 'silent' }),
};

describe('slack channel against a local webhook', () => {
  let hook: Slack;
  beforeEach(async () => {
    hook = await startSlackServer();
  });
  afterEach(() => hook.close());
  const send = () => slack.send(slack.render(alert, {}), { webhook_url: hook.url }, ctx);
  const failure = () =>
    send().then(
      () => null,
      (e: unknown) => e as Error,
    );

  it('delivers a Block Kit message Slack accepts', async () => {
    await send();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.headers['content-type']).toContain('application/json');
    expect(hook.received[0]?.body).toMatchObject({
      text: expect.stringContaining('acme') as string,
      blocks: expect.any(Array) as unknown[],
    });
  });

  it('keeps to about one message a second per webhook, and leaves other webhooks alone', async () => {
    const other = await startSlackServer();
    try {
      const t0 = Date.now();
      await Promise.all([send(), send(), send()]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900);
      const t1 = Date.now();
      await slack.send(slack.render(alert, {}), { webhook_url: other.url }, ctx);
      expect(Date.now() - t1).toBeLessThan(900);
      expect(hook.received).toHaveLength(3);
    } finally {
      await other.close();
    }
  });

  it('treats 429 as "wait Retry-After", and 500 as worth retrying', async () => {
    hook.respondWith(
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '7' } },
      { status: 500, body: 'rollup_error' },
    );
    const limited = await failure();
    expect(limited).toBeInstanceOf(ChannelTransientError);
    expect((limited as ChannelTransientError).retryAfterMs).toBe(7_000);
    expect(await failure()).toBeInstanceOf(ChannelTransientError);
    await send();
    expect(hook.requests).toHaveLength(3);
    expect(hook.received).toHaveLength(1);
  });

  it('waits one second when a 429 says nothing about when', async () => {
    hook.respondWith([{ status: 429, body: 'rate_limited' }]);
    const err = await failure();
    expect(err).toBeInstanceOf(ChannelTransientError);
    expect((err as ChannelTransientError).retryAfterMs).toBe(1_000);
    expect(err?.message).toBe('slack: rate limited: 429 rate_limited');
  });

  it('keeps the reason short and scrubs the webhook if an answer echoes it', async () => {
    hook.respondWith({ status: 400, body: `invalid_payload for ${hook.url} ${'x'.repeat(1_000)}` });
    const err = await failure();
    expect(err).toBeInstanceOf(ChannelPermanentError);
    expect(err?.message).toMatch(/^slack: slack rejected the message: 400 invalid_payload for … x+…$/);
    expect(err?.message.length).toBeLessThan(260);
    expect(err?.message).not.toContain('T000');
  });

  it.each([
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
    [404, 'channel_not_found'],
    [410, 'channel_is_archived'],
  ])('treats %i %s as permanent, with the reason and never the URL', async (status, code) => {
    hook.respondWith({ status, body: code });
    const err = await failure();
    expect(err).toBeInstanceOf(ChannelPermanentError);
    expect(err?.message).toBe(`slack: slack rejected the message: ${status} ${code}`);
    expect(err?.message).not.toContain('XXXXXXXX');
  });

  it('times out on a webhook that hangs, as a transient failure without the URL', async () => {
    hook.hang(true);
    const short = { ...ctx, http: createHttp({ timeoutMs: 300, userAgent: 'earshot-test' }) };
    const err = await slack.send(slack.render(alert, {}), { webhook_url: hook.url }, short).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(ChannelTransientError);
    expect(err?.message).toBe('slack: no answer within 0.3s');
  });

  it('treats a webhook host that is down as transient, without the URL', async () => {
    const url = hook.url;
    await hook.close();
    const err = await slack.send(slack.render(alert, {}), { webhook_url: url }, ctx).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(ChannelTransientError);
    expect(err?.message).toBe('slack: webhook not reachable (ECONNREFUSED)');
    expect(JSON.stringify(err?.cause)).not.toContain('T000');
  });

  it('refuses, like Slack, payloads it could not show', async () => {
    const raw = (body: string, type = 'application/json') =>
      ctx.http.post<string>(hook.url, body, { headers: { 'Content-Type': type }, responseType: 'text' });
    const tooMany = { text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) };
    expect((await raw(JSON.stringify(tooMany))).data).toBe('invalid_blocks');
    expect((await raw('{"text":')).data).toBe('invalid_payload');
    expect((await raw('text=hi', 'application/x-www-form-urlencoded')).data).toBe('invalid_payload');
    expect((await raw('{}')).data).toBe('no_text');
    expect(hook.received).toHaveLength(0);
    expect(hook.requests).toHaveLength(4);
  });

  it('checks a webhook for doctor without posting a message', async () => {
    await slack.check?.({ webhook_url: hook.url }, ctx);
    expect(hook.received).toHaveLength(0);
    await expect(
      slack.check?.({ webhook_url: hook.url.replace('/services/', '/gone/') }, ctx),
    ).rejects.toThrow('the webhook answered 404 no_service');
  });
});
