import { createHmac, timingSafeEqual } from 'node:crypto';

/** The one place acknowledge links are made and checked: `{base}/ack/{incident}?by=…&exp=…&sig=…`. */

/** HMAC-SHA256 of `${incident}.${exp}`, hex: signs the incident and the expiry together. */
export function ackSignature(secret: string, incident: string, exp: number): string {
  return createHmac('sha256', secret).update(`${incident}.${exp}`).digest('hex');
}

/** Unix seconds after which a link made for the alert of `alertAt` stops working. */
export function ackExpiry(alertAt: string, ttlMs: number): number {
  const at = Date.parse(alertAt);
  return Math.floor(((Number.isNaN(at) ? 0 : at) + ttlMs) / 1000);
}

export function ackUrl(base: string, secret: string, incident: string, by: string, exp: number): string {
  const q = new URLSearchParams({ by, exp: String(exp), sig: ackSignature(secret, incident, exp) });
  return `${base}/ack/${encodeURIComponent(incident)}?${q.toString()}`;
}

export type AckCheck = { ok: true } | { ok: false; reason: 'forged' | 'expired' };

/**
 * A link is good when its signature is this daemon's for this incident and expiry (compared in
 * constant time) and the expiry has not passed; a forged link is called forged even when old.
 */
export function checkAck(
  secret: string,
  incident: string,
  exp: string | null,
  sig: string | null,
  nowMs: number,
): AckCheck {
  if (!exp || !/^\d{1,12}$/.test(exp) || !sig || !/^[0-9a-f]{64}$/i.test(sig))
    return { ok: false, reason: 'forged' };
  const expected = Buffer.from(ackSignature(secret, incident, Number(exp)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return { ok: false, reason: 'forged' };
  if (nowMs / 1000 > Number(exp)) return { ok: false, reason: 'expired' };
  return { ok: true };
}
