import { z } from 'zod';
import { channels as channelRegistry } from '../src/alerts/channels/index.ts';
import type { AnyChannel } from '../src/alerts/channels/types.ts';
import { deliveryToSend, recordDelivery } from '../src/db/outbox.ts';
import { ChannelPermanentError, ChannelTransientError, errorMessage } from '../src/errors.ts';
import { ackExpiry, ackUrl } from '../src/alerts/ack-link.ts';
import { countDelivery } from '../src/metrics.ts';
import { redact } from '../src/redact.ts';
import { jobIdFor } from '../src/queue/index.ts';
import { reserveSlot, sleep } from '../src/sources/pace.ts';
import { DeferJobError, PermanentJobError, RetryLaterError, type JobMeta } from '../src/queue/types.ts';
import type { AlertPayload } from '../src/types.ts';
import { storedReport } from '../src/db/digests.ts';
import { chartsOf } from '../src/digest/build.ts';
import type { AnyDigestReport } from '../src/digest/types.ts';
import { digestUrl } from '../src/http/digest.ts';
import type { JobContext } from './context.ts';
import { DIGEST_KIND } from './digest.ts';

export const deliverPayload = z.object({
  alertId: z.string(),
  channel: z.string(),
  /** The pace slot booked for this try (`attempt`), when the channel has a pace. */
  slot: z.object({ at: z.number(), attempt: z.number() }).optional(),
});
export type DeliverPayload = z.infer<typeof deliverPayload>;

const inFlight = new WeakMap<object, Set<string>>();
/** The (alert, channel) deliveries this process is sending now, per database. */
function sending(store: object): Set<string> {
  let set = inFlight.get(store);
  if (!set) inFlight.set(store, (set = new Set()));
  return set;
}

/** How often a delivery waiting for an earlier alert of its incident (or its twin) looks again. */
const RECHECK_MS = 300;

/** A wait this short is slept in the worker; a longer one is spent in the queue. */
const SLEEP_MAX_MS = 50;

/**
 * Books the try's slot in the channel's pace once and waits for it in the queue (the job comes back
 * with its slot), so that a thousand Slack alerts waiting their turn leave the workers to others.
 */
async function waitForSlot(impl: AnyChannel, options: unknown, data: DeliverPayload, meta: JobMeta) {
  if (!impl.pace) return;
  let at = data.slot?.attempt === meta.attempt ? data.slot.at : undefined;
  if (at === undefined) {
    const { key, everyMs } = impl.pace(options);
    at = Date.now() + (await reserveSlot(key, everyMs));
  }
  const wait = at - Date.now();
  if (wait > SLEEP_MAX_MS)
    throw new DeferJobError(`waits ${wait} ms for its slot`, wait, {
      ...data,
      slot: { at, attempt: meta.attempt },
    });
  await sleep(wait);
}

/** One job per (alert, channel); the delivery row, not the job, says whether it was sent. */
export const deliverJob = {
  queue: 'deliver' as const,
  attempts: 8,
  backoffMs: 1_000,
  /** `retries`: how many times a person asked for it again; each retry is a job of its own. */
  jobId: (alertId: string, channel: string, retries = 0) =>
    retries === 0
      ? jobIdFor('deliver', alertId, channel)
      : jobIdFor('deliver', alertId, channel, `retry${retries}`),
  async handle(ctx: JobContext, data: DeliverPayload, meta: JobMeta): Promise<void> {
    const db = ctx.store;
    const row = await deliveryToSend(db, data.alertId, data.channel);
    if (!row || row.status === 'sent' || row.status === 'dead') return;
    const at = () => ctx.clock.now().getTime();
    const entry = ctx.config.channels[data.channel];
    const impl = entry ? (channelRegistry as Record<string, AnyChannel>)[entry.type] : undefined;
    const alert = row.alert;
    const render = entry && impl && alert ? await renderer(ctx, impl, alert, data.channel) : undefined;
    if (!entry || !impl || !alert || render === undefined || typeof render === 'string') {
      const why = !alert
        ? 'the alert is gone'
        : typeof render === 'string'
          ? render
          : `channel ${data.channel} is no longer configured`;
      await recordDelivery(db, data.alertId, data.channel, {
        status: 'dead',
        error: why,
        at: at(),
        attempts: row.attempts,
      });
      throw new PermanentJobError(why);
    }
    // A job offered again (Redis came back empty) while this process still sends the first one.
    const key = `${data.alertId}|${data.channel}`;
    const running = sending(db);
    if (running.has(key)) throw new DeferJobError('already being sent here', RECHECK_MS, data);
    // An incident's alerts reach a channel in order: PagerDuty drops a resolve it gets before the trigger.
    if (row.waitsFor) throw new DeferJobError(`waits for alert ${row.waitsFor}`, RECHECK_MS, data);
    running.add(key);
    try {
      await waitForSlot(impl, entry.options, data, meta);
      await sendOnce(ctx, data, meta, {
        impl,
        options: entry.options,
        render,
        attempts: row.attempts + 1,
        createdAt: Date.parse(alert.at),
      });
    } finally {
      running.delete(key);
    }
  },
};

/** One try: the send, its outcome recorded, then the queue told whether and when to retry. */
async function sendOnce(
  ctx: JobContext,
  data: DeliverPayload,
  meta: JobMeta,
  d: { impl: AnyChannel; options: unknown; render: () => unknown; attempts: number; createdAt: number },
): Promise<void> {
  const { impl, attempts } = d;
  const db = ctx.store;
  const at = () => ctx.clock.now().getTime();
  const log = ctx.log.child({ alert: data.alertId, channel: data.channel });
  try {
    await impl.send(d.render(), d.options, {
      http: ctx.http,
      log,
      deliveryId: `${data.alertId}.${data.channel}`,
      slotTaken: impl.pace !== undefined,
    });
    const sentAt = at();
    await recordDelivery(db, data.alertId, data.channel, { status: 'sent', at: sentAt, attempts });
    countDelivery(data.channel, 'sent', d.createdAt, sentAt);
    log.info({ attempts }, `delivered alert ${data.alertId} to ${data.channel}`);
  } catch (err) {
    // Stored and shown by `earshot alerts` and doctor, not only logged: no secret may stay in it.
    const message = redact(errorMessage(err));
    const permanent = err instanceof ChannelPermanentError;
    const last = permanent || meta.attempt >= meta.attemptsMax;
    await recordDelivery(db, data.alertId, data.channel, {
      status: last ? 'dead' : 'failed',
      error: message,
      at: at(),
      attempts,
    });
    countDelivery(data.channel, last ? 'failed' : 'retry');
    log[last ? 'error' : 'warn'](
      { attempts },
      `delivery of alert ${data.alertId} to ${data.channel} failed${last ? ' for good' : ''}: ${message}`,
    );
    if (permanent) throw new PermanentJobError(message);
    if (err instanceof ChannelTransientError && err.retryAfterMs !== undefined)
      throw new RetryLaterError(message, err.retryAfterMs);
    throw err;
  }
}

/**
 * How the channel's message is made: an alert with its acknowledge link, or a digest from its
 * stored report and charts. A string says why it cannot be (the delivery is then given up).
 */
async function renderer(
  ctx: JobContext,
  impl: AnyChannel,
  alert: AlertPayload,
  channel: string,
): Promise<(() => unknown) | string> {
  if (alert.kind !== DIGEST_KIND) {
    const ackUrl = ackLinkFor(ctx, alert, channel);
    return (): unknown => impl.render(alert, ackUrl ? { ackUrl } : {});
  }
  const renderDigest = impl.renderDigest?.bind(impl);
  if (!renderDigest) return `a ${impl.id} channel cannot carry a digest`;
  // A brand's report or a team's: the digests table keeps both (a team's says kind: 'team').
  const report: AnyDigestReport | undefined = await storedReport(ctx.store, alert.incident_id);
  if (!report) return `the digest ${alert.incident_id} is gone`;
  const exp = ackExpiry(alert.at, ctx.config.settings.http.ackLinkTtlMs);
  const webUrl =
    ctx.publicUrl && ctx.ackSecret ? digestUrl(ctx.publicUrl, ctx.ackSecret, report.id, exp) : undefined;
  return (): unknown => renderDigest({ report, charts: chartsOf(report), ...(webUrl ? { webUrl } : {}) });
}

/**
 * The signed acknowledge link of an alert, naming the channel it went to; the same on every retry
 * (it expires from the alert's time). None on an alert that tells of the incident's end.
 */
function ackLinkFor(ctx: JobContext, alert: AlertPayload, channel: string): string | undefined {
  if (!ctx.publicUrl || !ctx.ackSecret || alert.status) return undefined;
  const exp = ackExpiry(alert.at, ctx.config.settings.http.ackLinkTtlMs);
  return ackUrl(ctx.publicUrl, ctx.ackSecret, alert.incident_id, channel, exp);
}
