import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ackExpiry, ackSignature, ackUrl, checkAck } from '../../src/alerts/ack-link.ts';
import { buildConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { matchPath } from '../../src/http/server.ts';

const SECRET = 'a-test-secret-of-enough-length';
const INCIDENT = 'united-volume-spike-20170410T0115';
const EXP = 1_800_000_000;

describe('acknowledge links', () => {
  it('signs the incident and the expiry with HMAC-SHA256', () => {
    const expected = createHmac('sha256', SECRET).update(`${INCIDENT}.${EXP}`).digest('hex');
    expect(ackSignature(SECRET, INCIDENT, EXP)).toBe(expected);
  });

  it('makes the documented link, and accepts it until it expires', () => {
    const url = new URL(ackUrl('https://earshot.example', SECRET, INCIDENT, 'pr team', EXP));
    expect(url.pathname).toBe(`/ack/${INCIDENT}`);
    expect(url.searchParams.get('by')).toBe('pr team');
    const exp = url.searchParams.get('exp');
    const sig = url.searchParams.get('sig');
    expect(exp).toBe(String(EXP));
    expect(checkAck(SECRET, INCIDENT, exp, sig, EXP * 1000)).toEqual({ ok: true });
    expect(checkAck(SECRET, INCIDENT, exp, sig, EXP * 1000 + 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a forgery: another secret, incident or expiry, a changed or malformed signature', () => {
    const sig = ackSignature(SECRET, INCIDENT, EXP);
    const now = (EXP - 60) * 1000;
    const forged = { ok: false, reason: 'forged' };
    expect(
      checkAck(SECRET, INCIDENT, String(EXP), ackSignature('another-secret-entirely', INCIDENT, EXP), now),
    ).toEqual(forged);
    expect(checkAck(SECRET, 'united-other', String(EXP), sig, now)).toEqual(forged);
    expect(checkAck(SECRET, INCIDENT, String(EXP + 86_400), sig, now)).toEqual(forged);
    expect(
      checkAck(SECRET, INCIDENT, String(EXP), `${sig.slice(0, 63)}${sig.endsWith('0') ? '1' : '0'}`, now),
    ).toEqual(forged);
    expect(checkAck(SECRET, INCIDENT, String(EXP), sig.slice(0, 40), now)).toEqual(forged);
    expect(checkAck(SECRET, INCIDENT, null, sig, now)).toEqual(forged);
    expect(checkAck(SECRET, INCIDENT, '1e12', sig, now)).toEqual(forged);
    expect(checkAck(SECRET, INCIDENT, String(EXP), null, now)).toEqual(forged);
  });

  it('calls an old forgery forged, not expired', () => {
    const sig = ackSignature('another-secret-entirely', INCIDENT, 10);
    expect(checkAck(SECRET, INCIDENT, '10', sig, EXP * 1000)).toEqual({ ok: false, reason: 'forged' });
  });

  it('expires a set time after its alert, whenever the alert is delivered', () => {
    expect(ackExpiry('2017-04-10T01:15:00.000Z', 7 * 86_400_000)).toBe(
      Date.parse('2017-04-17T01:15:00.000Z') / 1000,
    );
  });
});

describe('http settings', () => {
  const settingsOf = (http: unknown, env: Record<string, string> = {}) =>
    buildConfig(http === undefined ? {} : { http }, env).settings.http;
  const problemsOf = (http: unknown, env: Record<string, string> = {}) => {
    try {
      buildConfig({ http }, env);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };

  it('listens on 127.0.0.1:8787 by default, and links point there', () => {
    expect(settingsOf(undefined)).toEqual({
      listen: { host: '127.0.0.1', port: 8787 },
      publicUrl: 'http://127.0.0.1:8787',
      ackLinkTtlMs: 7 * 86_400_000,
    });
  });

  it('takes a public URL, another address, off, and EARSHOT_HTTP_LISTEN over the file', () => {
    expect(settingsOf({ listen: '0.0.0.0:9000', public_url: 'https://earshot.example/' })).toMatchObject({
      listen: { host: '0.0.0.0', port: 9000 },
      publicUrl: 'https://earshot.example',
    });
    expect(settingsOf({ listen: '[::1]:9000' }).publicUrl).toBe('http://[::1]:9000');
    expect(settingsOf({ listen: 'off' })).toEqual({ listen: null, ackLinkTtlMs: 7 * 86_400_000 });
    expect(settingsOf({ listen: '127.0.0.1:9000' }, { EARSHOT_HTTP_LISTEN: 'off' }).listen).toBeNull();
    // Off here, served by another daemon: the links still name it.
    expect(settingsOf({ listen: 'off', public_url: 'https://earshot.example' }).publicUrl).toBe(
      'https://earshot.example',
    );
  });

  it('names every problem, and never the secret', () => {
    const problems = problemsOf(
      { listen: 'localhost', public_url: 'ftp://x', ack_link_ttl: 'a while' },
      { EARSHOT_ACK_SECRET: 'short', EARSHOT_HTTP_LISTEN: 'nowhere' },
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^http\.listen: "localhost" is not host:port/),
        expect.stringMatching(/^http\.public_url: /),
        expect.stringMatching(/^http\.ack_link_ttl: "a while" is not a duration/),
        'EARSHOT_ACK_SECRET: at least 16 characters, so that links cannot be forged',
        expect.stringMatching(/^EARSHOT_HTTP_LISTEN: "nowhere" is not host:port/),
      ]),
    );
    expect(problems.join('\n')).not.toContain('short');
  });
});

describe('http paths', () => {
  it('matches placeholders, decoded, and nothing else', () => {
    expect(matchPath('/ack/:incident', '/ack/united%2Dx%20y')).toEqual({ incident: 'united-x y' });
    expect(matchPath('/ack/:incident', '/ack/')).toBeNull();
    expect(matchPath('/ack/:incident', '/ack/a/b')).toBeNull();
    expect(matchPath('/ack/:incident', '/ack/%E0%A4%A')).toBeNull();
    expect(matchPath('/healthz', '/healthz')).toEqual({});
  });
});
