import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.ts';
import { configSecrets, envSecrets, redact, rememberSecrets } from '../../src/redact.ts';

describe('redact', () => {
  it('takes out the shapes secrets have, whoever wrote them', () => {
    expect(redact('posting to https://hooks.slack.com/services/T01/B02/abcdefXYZ failed')).toBe(
      'posting to https://hooks.slack.com/services/[secret] failed',
    );
    expect(redact('connect smtp://mailer:pa55word@mail.example:587 refused')).toBe(
      'connect smtp://mailer:[secret]@mail.example:587 refused',
    );
    expect(redact('500 from https://api.example/v3/search?q=acme&key=AIza123&part=x')).toBe(
      '500 from https://api.example/v3/search?q=acme&key=[secret]&part=x',
    );
    expect(redact('"url":"https://h.example/in?token=tok-123"')).toBe(
      '"url":"https://h.example/in?token=[secret]"',
    );
  });

  it('leaves ordinary text alone', () => {
    const line = 'polled rss for acme: 12 new, https://news.example/feed.xml?page=2 at 10:15 (user: ops)';
    expect(redact(line)).toBe(line);
  });

  it('takes out remembered values, also URL-encoded and JSON-escaped, longest first', () => {
    rememberSecrets(['s3cr3t/"pw"', 'short', 'abcdefgh', 'abcdefgh-longer']);
    expect(redact('a s3cr3t/"pw" b')).toBe('a [secret] b');
    expect(redact(`a ${encodeURIComponent('s3cr3t/"pw"')} b`)).toBe('a [secret] b');
    expect(redact(JSON.stringify({ m: 'x s3cr3t/"pw" y' }))).toBe('{"m":"x [secret] y"}');
    expect(redact('id abcdefgh-longer')).toBe('id [secret]');
    // Too short to tell from ordinary words.
    expect(redact('a short story')).toBe('a short story');
  });

  it('finds the secrets of the environment and of the configuration', () => {
    expect(
      envSecrets({
        EARSHOT_ACK_SECRET: 'ack-0123456789abcdef',
        REDIS_URL: 'redis://:hunter2hunter2@redis:6379',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
        LOG_LEVEL: 'debug',
      }),
    ).toEqual([
      'ack-0123456789abcdef',
      'hunter2hunter2',
      'hunter2hunter2',
      'https://hooks.slack.com/services/T/B/x',
    ]);

    const env = { MAIL: 'smtp://u:mailpass99@mail.example:587', RSS_TOKEN_VALUE: 'rssTok12345' };
    const config = buildConfig(
      {
        brands: [
          {
            name: 'acme',
            query: 'acme',
            sources: [{ source: 'rss', feeds: ['https://news.example/f.xml?member=${RSS_TOKEN_VALUE}'] }],
          },
        ],
        channels: {
          hook: { type: 'webhook', url: 'https://h.example/in/abcdefghijkl', secret: 'literal-secret-0042' },
          mail: { type: 'email', smtp_url: '${MAIL}', from: 'a@acme.example', to: 'b@acme.example' },
        },
        routes: [{ channels: ['hook', 'mail'] }],
      },
      env,
    );
    const found = configSecrets(config, env);
    for (const s of [
      'https://h.example/in/abcdefghijkl',
      '/in/abcdefghijkl',
      'literal-secret-0042',
      'smtp://u:mailpass99@mail.example:587',
      'mailpass99',
      'rssTok12345',
    ])
      expect(found).toContain(s);
    expect(found).not.toContain('https://news.example/f.xml?member=rssTok12345');
  });
});
