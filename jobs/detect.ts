import { z } from 'zod';
import type { Brand, Config, DetectionSettings } from '../src/config.ts';
import type { Store } from '../src/db/client.ts';
import { getOpenIncidents, insertIncident, resolveIncident, updateIncident } from '../src/db/incidents.ts';
import { storedSeries } from '../src/db/series-reader.ts';
import {
  baselineOf,
  buildBaseline,
  DAILY_AFTER,
  expectedIn,
  HOUR,
  WEEKLY_AFTER,
  type Baseline,
} from '../src/detection/baseline.ts';
import { decide, incidentId } from '../src/detection/incidents.ts';
import { detectCrisisPosts } from '../src/detection/crisis-post.ts';
import { detectNegativeShift } from '../src/detection/negative-shift.ts';
import type { SeriesReader } from '../src/detection/series.ts';
import { excerpt, type DetectedMention, type Finding } from '../src/detection/types.ts';
import { detectUnanswered } from '../src/detection/unanswered.ts';
import { detectViralPosts } from '../src/detection/viral-post.ts';
import { detectVolumeDrops, type DropCount } from '../src/detection/volume-drop.ts';
import { detectNegativeSpike } from '../src/detection/volume-spike.ts';
import { jobIdFor } from '../src/queue/index.ts';
import type { AlertPayload } from '../src/types.ts';
import type { JobContext } from './context.ts';
import { writeAlert } from './outbox.ts';
import { silentKind } from './source-health.ts';

export const detectPayload = z.object({ brand: z.string(), tick: z.number() });
export type DetectPayload = z.infer<typeof detectPayload>;

/** One detection per brand and tick: a per-brand job id, so incidents are never opened twice. */
export const detectJob = {
  queue: 'detect' as const,
  attempts: 3,
  backoffMs: 2_000,
  jobId: (brand: string, tick: number) => jobIdFor('detect', brand, String(tick)),
  async handle(ctx: JobContext, data: DetectPayload): Promise<void> {
    const brand = ctx.config.brands.find((b) => b.name === data.brand);
    if (!brand) return;
    const created = await runDetection(ctx.store, ctx.config, brand, ctx.clock.now().getTime());
    for (const a of created)
      ctx.log.info(
        { brand: a.brand, incident: a.incident_id, severity: a.severity, kind: a.kind },
        `alert: ${a.title}`,
      );
    ctx.log.debug(
      { brand: brand.name, tick: data.tick, alerts: created.length },
      `detection of ${brand.name} done: ${created.length} new alert(s)`,
    );
  },
};

const TOP = 5;
const MAX_IDS = 200;
/** Rules about hours and days (souring, drops, waiting complaints) run every quarter of an hour. */
export const SLOW_EVERY = 15 * 60_000;
/** How long a post stays a candidate for viral and unanswered. */
const RECENT = 48 * HOUR;

interface Evaluation {
  findings: Finding[];
  /** The kinds whose rules ran: only their incidents can be found gone. */
  ran: Set<string>;
  /** The mentions the rules read, by id (the last read of an id wins): an alert's top posts. */
  mentions: () => Map<string, DetectedMention>;
}

/**
 * Runs the detection rules for one brand at `now` and applies the decisions: incident changes and
 * the alerts they cause are written in ONE transaction (the outbox). Returns the alerts created.
 * The rules read `series`: the database by default; replay passes the copy it keeps in memory.
 */
export async function runDetection(
  store: Store,
  config: Config,
  brand: Brand,
  now: number,
  series: SeriesReader = storedSeries(store),
): Promise<AlertPayload[]> {
  const s = brand.detection;
  const e = await evaluate(store, series, brand, now);
  // Nothing found and no open incident to resolve: no transaction. An incident another process
  // changes meanwhile is seen again on the next tick.
  if (e.findings.length === 0) {
    const open = await getOpenIncidents(store, brand.name);
    if (!open.some((o) => e.ran.has(o.kind) && decide(o, null, now, s, o.kind).action === 'resolve'))
      return [];
  }
  // One transaction that takes the write lock first: two processes deciding for one brand take
  // turns, so an incident is opened once.
  // Alerts route on their mentions' intents, read where detection reads its mentions.
  const intents = series.intentsOf?.bind(series);
  return store.tx(async () => {
    const open = new Map(
      (await getOpenIncidents(store, brand.name)).map((o) => [`${o.kind}|${o.subject}`, o]),
    );
    const created: AlertPayload[] = [];
    for (const f of e.findings) {
      const key = `${f.kind}|${f.subject}`;
      const current = open.get(key) ?? null;
      open.delete(key);
      const decision = decide(current, f, now, s, f.kind);
      if (decision.action !== 'open' && decision.action !== 'update') continue;
      const id = current?.id ?? incidentId(brand.name, f.kind, now, f.subject);
      const ids = mergeIds(current?.mentionIds ?? [], f.mentionIds);
      if (decision.action === 'open')
        await insertIncident(store, {
          id,
          brand: brand.name,
          kind: f.kind,
          subject: f.subject,
          polarity: f.polarity,
          severity: decision.severity,
          status: 'open',
          title: f.title,
          openedAt: now,
          updatedAt: now,
          lastActivityAt: now,
          mentionCount: ids.length,
          mentionIds: ids,
          evidence: f.evidence,
        });
      else
        await updateIncident(store, id, {
          severity: decision.severity,
          title: f.title,
          updatedAt: now,
          lastActivityAt: now,
          mentionCount: ids.length,
          mentionIds: ids,
          evidence: f.evidence,
        });
      if (!decision.alert) continue;
      const read = e.mentions();
      const top = f.mentionIds.flatMap((m) => read.get(m) ?? []).slice(0, TOP);
      const alert: AlertPayload = {
        at: new Date(now).toISOString(),
        brand: brand.name,
        kind: f.kind,
        polarity: f.polarity,
        severity: decision.severity,
        incident_id: id,
        title: f.title,
        mention_ids: ids,
        evidence: f.evidence,
        ...(decision.action === 'update' ? { update: true } : {}),
        top_mentions: top.map(summary),
      };
      await writeAlert(store, config, alert, now, intents);
      created.push(alert);
    }
    // Open incidents with no finding this tick: quiet long enough, or over (answered, back to normal).
    for (const o of open.values()) {
      if (!e.ran.has(o.kind)) continue;
      if (decide(o, null, now, s, o.kind).action === 'resolve') await resolveIncident(store, o.id, now);
    }
    return created;
  });
}

/** Reads what the rules need for `brand` at `now` and runs them (the rules themselves are pure). */
async function evaluate(store: Store, series: SeriesReader, brand: Brand, now: number): Promise<Evaluation> {
  const s = brand.detection;
  const findings: Finding[] = [];
  // Made into a map only when an alert needs its posts: most ticks send none.
  const lists: DetectedMention[][] = [];
  const keep = (list: DetectedMention[]) => {
    lists.push(list);
    return list;
  };
  const mentions = () => {
    const map = new Map<string, DetectedMention>();
    for (const list of lists) for (const m of list) map.set(m.id, m);
    return map;
  };
  const ran = new Set(['volume_spike', 'viral_post', 'opportunity', 'crisis_post']);

  const windowStart = now - s.window;
  const recent = await baselineBefore(series, brand.name, windowStart, s);
  const w = await series.windowCounts(brand.name, windowStart, now + 1, true);
  // The window's negative posts, widest reach first, read once for the spike and the crisis rules.
  let negatives: DetectedMention[] | null = null;
  const negativesOf = async () =>
    (negatives ??= await series.labelledMentions(brand.name, 'negative', windowStart, now + 1, 100));
  // The rule would refuse fewer negatives than min_negative anyway: skip reading the posts.
  if (w.negative >= s.min_negative) {
    const input = {
      brand,
      negatives: w.negative,
      total: w.negative + w.neutral + w.positive,
      expectedNegatives: expectedIn(recent, recent.negativePerHour, windowStart, now),
      expectedTotal: expectedIn(recent, recent.totalPerHour, windowStart, now),
      baselineShare: recent.negativeShare,
      historyHours: recent.hours,
      settings: s,
    };
    // The rule reads the posts only once it sees a spike. It is pure, so it is asked first without
    // them, and again with them (read, perhaps from the database) when it wanted them.
    let wanted = false;
    let spike = detectNegativeSpike({
      ...input,
      mentions: () => {
        wanted = true;
        return [];
      },
    });
    if (wanted) spike = detectNegativeSpike({ ...input, mentions: keep(await negativesOf()) });
    if (spike) findings.push(spike);
  }
  if (w.negative > 0) {
    const crisis = detectCrisisPosts(await negativesOf(), s);
    if (crisis) {
      keep(await negativesOf());
      findings.push(crisis);
    }
  }
  findings.push(
    ...viralFindings(keep(await series.viralMentions(brand.name, s.viral_score, now - RECENT)), s),
  );

  if (now % SLOW_EVERY < s.every || s.every >= SLOW_EVERY) {
    ran.add('negative_shift').add('unanswered_complaint').add('volume_drop');
    const shiftStart = now - s.shift_window;
    const before = await baselineBefore(series, brand.name, shiftStart, s);
    // Souring is a change over days: measured against less than two days of history, a morning's
    // share of complaints against a night's is luck, not news.
    const warm = before.hours * HOUR >= Math.max(s.warmup, 2 * DAILY_AFTER);
    if (warm) {
      const o = await series.windowCounts(brand.name, shiftStart, now + 1);
      const usual = await opinionsBefore(series, brand.name, shiftStart, s);
      const shift = detectNegativeShift({
        brand,
        negatives: o.negative,
        total: o.negative + o.neutral + o.positive,
        baselineShare: usual.share,
        baselineTotal: usual.total,
        mentionIds: [],
        settings: s,
      });
      if (shift) {
        const worst = keep(await series.labelledMentions(brand.name, 'negative', shiftStart, now + 1, TOP));
        shift.mentionIds = worst.map((m) => m.id);
        findings.push(shift);
      }
      // A drop means less than usual for these hours of this weekday: the rhythm must be known.
      if (before.hours * HOUR >= WEEKLY_AFTER)
        findings.push(...(await detectDrops(store, series, brand, before, shiftStart, now)));
    }
    const waiting = await series.unansweredComplaints(
      brand.name,
      now - RECENT,
      now - s.unanswered_after,
      s.unanswered_reach,
    );
    findings.push(...detectUnanswered(keep(waiting), now, s));
  }
  return { findings, ran, mentions };
}

/**
 * The brand's volume over the drop window against its baseline, in all and per source. A source
 * whose polls already raised "source silent" is left to that alert.
 */
async function detectDrops(
  store: Store,
  series: SeriesReader,
  brand: Brand,
  before: Baseline,
  baselineEnd: number,
  now: number,
): Promise<Finding[]> {
  const s = brand.detection;
  const dropStart = now - s.drop_window;
  const d = await series.windowCounts(brand.name, dropStart, now + 1, true);
  const all = {
    total: d.negative + d.neutral + d.positive,
    expected: expectedIn(before, before.totalPerHour, dropStart, now),
  };
  const usual = await usualPerSource(series, brand.name, baselineEnd, before.hours);
  const seen = await series.sourceCounts(brand.name, dropStart, now + 1);
  const open = await getOpenIncidents(store, brand.name);
  const silent = new Set(open.map((o) => brand.sources.find((e) => silentKind(e) === o.kind)?.source));
  const ongoing = new Set(open.filter((o) => o.kind === 'volume_drop').map((o) => o.subject));
  const bySource = new Map<string, DropCount>();
  for (const [source, n] of usual) {
    if (silent.has(source) || before.hours === 0) continue;
    bySource.set(source, {
      total: seen.get(source) ?? 0,
      expected: expectedIn(before, n / before.hours, dropStart, now),
    });
  }
  return detectVolumeDrops({ brand, all, bySource, ongoing, settings: s });
}

const viralMemo = new WeakMap<DetectionSettings, WeakMap<DetectedMention, readonly Finding[]>>();

/**
 * detectViralPosts, post by post, remembered per post object: replay's memory series hands back
 * the same object for a post until it changes, so a brand's fifty candidates are not judged again
 * on every tick (the database reads new objects each time, and each is judged). The rule is pure;
 * what it found is frozen, as it is shared by the ticks that find it again.
 */
function viralFindings(list: readonly DetectedMention[], s: DetectionSettings): Finding[] {
  let memo = viralMemo.get(s);
  if (!memo) viralMemo.set(s, (memo = new WeakMap()));
  const out: Finding[] = [];
  for (const m of list) {
    let found = memo.get(m);
    if (!found) {
      found = Object.freeze(detectViralPosts([m], s).map(frozenFinding));
      memo.set(m, found);
    }
    out.push(...found);
  }
  return out;
}

function frozenFinding(f: Finding): Finding {
  Object.freeze(f.evidence);
  Object.freeze(f.mentionIds);
  return Object.freeze(f);
}

/**
 * Values that change once an hour, kept per series, brand, setting and hour: built once an hour,
 * not on every tick. Keyed by the brand's name and numbers, not by a string made on every tick.
 */
class HourlyMemo<T> {
  private readonly bySeries = new WeakMap<SeriesReader, Map<string, Map<number, Map<number, T>>>>();

  async get(
    series: SeriesReader,
    brand: string,
    setting: number,
    end: number,
    make: () => Promise<T>,
  ): Promise<T> {
    let brands = this.bySeries.get(series);
    if (!brands) this.bySeries.set(series, (brands = new Map<string, Map<number, Map<number, T>>>()));
    let settings = brands.get(brand);
    if (!settings) brands.set(brand, (settings = new Map<number, Map<number, T>>()));
    let ends = settings.get(setting);
    if (!ends) settings.set(setting, (ends = new Map<number, T>()));
    let v = ends.get(end);
    if (v === undefined) {
      v = await make();
      // A few ends are asked at a time: the oldest go once the map grows.
      if (ends.size >= 512) ends.clear();
      ends.set(end, v);
    }
    return v;
  }
}

const baselines = new HourlyMemo<Baseline>();

/**
 * The brand's baseline over the whole hours before `t`, as far back as the setting and the history
 * go. It changes once an hour, so it is built once an hour (per brand and end), not on every tick.
 */
function baselineBefore(
  series: SeriesReader,
  brand: string,
  t: number,
  s: DetectionSettings,
): Promise<Baseline> {
  const end = Math.floor(t / HOUR) * HOUR;
  return baselines.get(series, brand, s.baseline, end, async () => {
    const from = Math.min(end, Math.max(end - s.baseline, (await series.historyStart(brand)) ?? end));
    return series.hourTotals
      ? baselineOf(await series.hourTotals(brand, from, end), from, end)
      : buildBaseline(await series.hourlyCounts(brand, from, end), from, end);
  });
}

const perSource = new HourlyMemo<Map<string, number>>();

/** Mentions per source over the baseline's whole hours before `t`: like the baseline, once an hour. */
function usualPerSource(
  series: SeriesReader,
  brand: string,
  t: number,
  hours: number,
): Promise<Map<string, number>> {
  const end = Math.floor(t / HOUR) * HOUR;
  return perSource.get(series, brand, hours, end, async () =>
    series.sourceCounts(brand, end - hours * HOUR, end, true),
  );
}

const opinions = new HourlyMemo<{ share: number; total: number }>();

/**
 * The negative share of the originals (copies left out) over the baseline's hours before `t`: the
 * shift window counts originals, so the share it is compared with must too. The baseline's hourly
 * counts include copies, and complaints are copied less than praise and news, so their share was
 * lower and an ordinary half day of originals read as souring. Copies are not independent
 * opinions either, so the originals are also the sample size the test rests on.
 */
function opinionsBefore(
  series: SeriesReader,
  brand: string,
  t: number,
  s: DetectionSettings,
): Promise<{ share: number; total: number }> {
  const end = Math.floor(t / HOUR) * HOUR;
  return opinions.get(series, brand, s.baseline, end, async () => {
    const from = Math.min(end, Math.max(end - s.baseline, (await series.historyStart(brand)) ?? end));
    const c = await series.windowCounts(brand, from, end);
    const total = c.negative + c.neutral + c.positive;
    // The same smoothing as the baseline's share: a few mentions do not make it 0 or 1.
    return { share: (c.negative + 2) / (total + 20), total };
  });
}

function summary(m: DetectedMention): NonNullable<AlertPayload['top_mentions']>[number] {
  return {
    id: m.id,
    text: excerpt(m.text, 280),
    sentiment: m.score,
    ...(m.url ? { url: m.url } : {}),
    ...(m.authorHandle ? { author: m.authorHandle } : {}),
  };
}

function mergeIds(before: string[], now: string[]): string[] {
  const out = new Set(before);
  for (const id of now) if (out.size < MAX_IDS) out.add(id);
  return [...out];
}
