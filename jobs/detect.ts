import { z } from 'zod';
import type { Brand, Config } from '../src/config.ts';
import type { Store } from '../src/db/client.ts';
import { getOpenIncident, insertIncident, resolveIncident, updateIncident } from '../src/db/incidents.ts';
import {
  countByHours,
  countMentions,
  firstHour,
  HOUR,
  mentionsInWindow,
  type MentionSummary,
} from '../src/db/mentions.ts';
import { decide, incidentId } from '../src/detection/incidents.ts';
import { detectNegativeSpike, type Finding } from '../src/detection/volume-spike.ts';
import { jobIdFor } from '../src/queue/index.ts';
import type { AlertPayload } from '../src/types.ts';
import type { JobContext } from './context.ts';
import { writeAlert } from './outbox.ts';

export const detectPayload = z.object({ brand: z.string(), tick: z.number() });
export type DetectPayload = z.infer<typeof detectPayload>;

/** One detection per brand and tick: a per-brand job id, so incidents are never opened twice. */
export const detectJob = {
  queue: 'detect' as const,
  attempts: 3,
  backoffMs: 2_000,
  jobId: (brand: string, tick: number) => jobIdFor('detect', brand, String(tick)),
  handle(ctx: JobContext, data: DetectPayload): void {
    const brand = ctx.config.brands.find((b) => b.name === data.brand);
    if (!brand) return;
    const created = runDetection(ctx.store, ctx.config, brand, ctx.clock.now().getTime());
    for (const a of created)
      ctx.log.info(
        { brand: a.brand, incident: a.incident_id, severity: a.severity, kind: a.kind },
        `alert: ${a.title}`,
      );
  },
};

const TOP = 5;
const MAX_IDS = 200;

/**
 * Runs the detection rules for one brand at `now` and applies the decisions: incident changes and
 * the alerts they cause are written in ONE transaction (the outbox). Returns the alerts created.
 */
export function runDetection(store: Store, config: Config, brand: Brand, now: number): AlertPayload[] {
  const s = brand.detection;
  const windowStart = now - s.window;
  // The baseline is read from hourly counts: whole hours before the window, as far back as known.
  const baselineEnd = Math.floor(windowStart / HOUR) * HOUR;
  const baselineStart = Math.min(
    baselineEnd,
    Math.max(baselineEnd - s.baseline, firstHour(store, brand.name) ?? baselineEnd),
  );
  const finding = detectNegativeSpike({
    windowCount: countMentions(store, brand.name, 'negative', windowStart, now + 1),
    baselineCount: countByHours(store, brand.name, 'negative', baselineStart, baselineEnd),
    baselineSpanMs: baselineEnd - baselineStart,
    settings: s,
  });
  const open = getOpenIncident(store, brand.name, 'volume_spike');
  if (!finding && !open) return [];
  // IMMEDIATE: two processes deciding for one brand take turns, so an incident is opened once.
  return store.sqlite
    .transaction(() => {
      const current = getOpenIncident(store, brand.name, 'volume_spike');
      const decision = decide(current ?? null, finding, now, s);
      if (decision.action === 'none') return [];
      if (decision.action === 'resolve') {
        if (current) resolveIncident(store, current.id, now);
        return [];
      }
      const f = finding as Finding;
      const top = mentionsInWindow(store, brand.name, 'negative', windowStart, now, MAX_IDS);
      const id = current?.id ?? incidentId(brand.name, f.kind, now);
      const title = titleFor(brand, f, top);
      const ids = mergeIds(
        current?.mentionIds ?? [],
        top.map((m) => m.id),
      );
      if (decision.action === 'open') {
        insertIncident(store, {
          id,
          brand: brand.name,
          kind: f.kind,
          polarity: f.polarity,
          severity: decision.severity,
          status: 'open',
          title,
          openedAt: now,
          updatedAt: now,
          lastActivityAt: now,
          mentionCount: ids.length,
          mentionIds: ids,
          evidence: f.evidence,
        });
      } else {
        updateIncident(store, id, {
          severity: decision.severity,
          updatedAt: now,
          lastActivityAt: now,
          mentionCount: ids.length,
          mentionIds: ids,
          evidence: f.evidence,
        });
      }
      if (!decision.alert) return [];
      const alert: AlertPayload = {
        at: new Date(now).toISOString(),
        brand: brand.name,
        kind: f.kind,
        polarity: f.polarity,
        severity: decision.severity,
        incident_id: id,
        title,
        mention_ids: ids,
        evidence: f.evidence,
        ...(decision.action === 'update' ? { update: true } : {}),
        top_mentions: top.slice(0, TOP).map(summary),
      };
      writeAlert(store, config, alert, now);
      return [alert];
    })
    .immediate();
}

function titleFor(brand: Brand, f: Finding, top: MentionSummary[]): string {
  const e = f.evidence;
  const lead = top[0] ? ` — "${excerpt(top[0].text, 90)}"` : '';
  return `${e.negatives_in_window} negative mentions of ${brand.displayName} in ${e.window_minutes} min (usually ${e.expected_in_window})${lead}`;
}

function summary(m: MentionSummary): NonNullable<AlertPayload['top_mentions']>[number] {
  return {
    id: m.id,
    text: excerpt(m.text, 280),
    sentiment: m.sentimentScore,
    ...(m.url ? { url: m.url } : {}),
    ...(m.authorHandle ? { author: m.authorHandle } : {}),
  };
}

function excerpt(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

function mergeIds(before: string[], now: string[]): string[] {
  const out = new Set(before);
  for (const id of now) if (out.size < MAX_IDS) out.add(id);
  return [...out];
}
