import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { AlertPayload } from '../../types.ts';
import { judge, postJson } from './post.ts';
import type { Channel } from './types.ts';

const options = z.object({
  /** Where the JSON goes (a secret when it carries a token: write ${ALERT_WEBHOOK_URL}). */
  url: z.url(),
  /** Shared with the receiver, which checks `Earshot-Signature` with it (${ALERT_WEBHOOK_SECRET}). */
  secret: z.string().min(16, 'at least 16 characters, so that signatures cannot be guessed'),
});
export type WebhookOptions = z.infer<typeof options>;

/** What a receiver gets, documented in the README; `version` changes only when fields go away. */
export interface WebhookBody {
  version: 1;
  alert: AlertPayload;
  ack_url?: string;
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp is signed with the body,
 * so a captured request cannot be replayed later with another time.
 */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export const webhook: Channel<WebhookOptions, WebhookBody> = {
  id: 'webhook',
  description:
    'A JSON POST to your own endpoint, signed with HMAC-SHA256 (Earshot-Signature) and carrying a delivery id (Earshot-Delivery) for idempotency. Settings: url, secret.',
  options,
  render(alert, ctx) {
    return { version: 1, alert, ...(ctx.ackUrl ? { ack_url: ctx.ackUrl } : {}) };
  },
  async send(payload, o, ctx) {
    const body = JSON.stringify(payload);
    const res = await postJson(
      'webhook',
      o.url,
      body,
      {
        'Earshot-Signature': signature(o.secret, body, Math.floor(Date.now() / 1000)),
        // The same for every retry of one (alert, channel): a receiver that saw it already skips it.
        ...(ctx.deliveryId ? { 'Earshot-Delivery': ctx.deliveryId } : {}),
      },
      ctx,
    );
    judge('webhook', res, o.url);
  },
};
