import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { email } from '../../src/alerts/channels/email.ts';
import { ChannelPermanentError, ChannelTransientError } from '../../src/errors.ts';
import { createHttp } from '../../src/sources/http.ts';
import { startSmtpServer } from '../fakes/smtp-server.ts';
import { sampleAlert } from '../helpers/alert.ts';

const alert = sampleAlert({
  top_mentions: [
    {
      id: 'x:1',
      url: 'https://x.com/a/status/1',
      text: 'They dragged a man <b>off</b> the plane',
      author: 'witness',
      sentiment: -0.8,
    },
  ],
});
const ctx = { http: createHttp({ timeoutMs: 2_000, userAgent: 't' }), log: pino({ level: 'silent' }) };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});
const smtp = async (o?: Parameters<typeof startSmtpServer>[0]) => {
  const s = await startSmtpServer(o);
  closers.push(() => s.close());
  return s;
};

describe('email channel against a real SMTP server', () => {
  it('sends HTML and plain text with the same content, and threads one incident’s alerts', async () => {
    const s = await smtp({ user: 'earshot', password: 'p@ss word' });
    const o = email.options.parse({
      smtp_url: s.url,
      from: 'earshot@acme.example',
      to: ['pr@acme.example', 'ops@acme.example'],
    });
    await email.send(email.render(alert, { ackUrl: 'https://earshot.example/ack/1' }), o, ctx);
    await email.send(email.render({ ...alert, update: true, at: '2017-04-10T01:45:00.000Z' }, {}), o, ctx);
    expect(s.received).toHaveLength(2);
    const [first, update] = s.received;
    expect(first?.subject).toBe(
      '[critical] united: Negative volume spike — 14 negative mentions of United Airlines in 60 min (usually 1.2)',
    );
    expect(first?.to && 'value' in first.to ? first.to.value.map((a) => a.address) : []).toEqual([
      'pr@acme.example',
      'ops@acme.example',
    ]);
    for (const part of [first?.text ?? '', String(first?.html)]) {
      expect(part).toContain('14 negative mentions');
      expect(part).toContain('witness');
      expect(part).toContain('https://x.com/a/status/1');
      expect(part).toContain('https://earshot.example/ack/1');
    }
    // The post's markup is shown, not interpreted.
    expect(String(first?.html)).toContain('&lt;b&gt;off&lt;/b&gt;');
    expect(update?.subject).toMatch(/^Update: /);
    expect(update?.inReplyTo).toBe(first?.messageId);
    expect(update?.references).toEqual(first?.messageId);
    expect(update?.messageId).not.toBe(first?.messageId);
  });

  it('retries what the server defers (4xx) and not what it refuses (5xx, a bad login)', async () => {
    const s = await smtp({ user: 'earshot', password: 'right' });
    const o = email.options.parse({ smtp_url: s.url, from: 'earshot@acme.example', to: 'pr@acme.example' });
    const send = (opts = o) =>
      email.send(email.render(alert, {}), opts, ctx).then(
        () => null,
        (e: unknown) => e as Error,
      );
    s.refuse(451, 'Try again later');
    expect(await send()).toBeInstanceOf(ChannelTransientError);
    s.refuse(550, 'Mailbox unavailable');
    const refused = await send();
    expect(refused).toBeInstanceOf(ChannelPermanentError);
    expect(refused?.message).toMatch(/^email: the mail server refused: .*550/);
    const badLogin = await send({ ...o, smtp_url: s.url.replace('right', 'wrong') });
    expect(badLogin).toBeInstanceOf(ChannelPermanentError);
    expect(badLogin?.message).not.toContain('wrong');
    const down = await send({ ...o, smtp_url: 'smtp://127.0.0.1:1' });
    expect(down).toBeInstanceOf(ChannelTransientError);
    expect(s.received).toHaveLength(0);
  });

  it('checks the server and the login without sending anything', async () => {
    const s = await smtp({ user: 'earshot', password: 'right' });
    const o = email.options.parse({ smtp_url: s.url, from: 'earshot@acme.example', to: 'pr@acme.example' });
    await email.check?.(o, ctx);
    await expect(email.check?.({ ...o, smtp_url: s.url.replace('right', 'nope') }, ctx)).rejects.toThrow(
      /login/,
    );
    expect(s.received).toHaveLength(0);
  });
});
