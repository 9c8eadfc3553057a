import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { channels as channelRegistry } from './alerts/channels/index.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { readModel, type AdaptedModel } from './analysis/adapt.ts';
import { INTENT_NAMES } from './analysis/intents.ts';
import { escalationLoops } from './alerts/routes.ts';
import { ConfigError, errorMessage, formatPath } from './errors.ts';
import { parseQuery, QuerySyntaxError } from './query.ts';
import { getSource, sources as sourceRegistry } from './sources/index.ts';
import type { AnyChannel } from './alerts/channels/types.ts';
import type { Severity } from './types.ts';

const SEVERITIES = ['info', 'warning', 'critical'] as const satisfies readonly Severity[];
const POLARITIES = ['negative', 'positive', 'neutral'] as const;
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const NAME_RULE = 'use lowercase letters, digits, - and _ (for example acme-air)';

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration: write it like 30s, 5m, 2h or 7d` });
    return z.NEVER;
  }
  return ms;
});

const SENSITIVITIES = ['sensitive', 'balanced', 'strict'] as const;
const detectionFields = {
  /** A preset for every threshold below; a threshold set by hand still wins. */
  sensitivity: z.enum(SENSITIVITIES),
  /** How often detection runs for each brand. */
  every: duration,
  /** Negative mentions are counted over this sliding window. */
  window: duration,
  /** The brand's usual rates (by hour of day and day of week) are learned over this span before the window. */
  baseline: duration,
  /** History needed before ordinary spikes alert; before it, only a burst of 3 x min_negative does. */
  warmup: duration,
  /** Never alert on fewer negatives than this in one window, whatever the baseline. */
  min_negative: z.number().int().min(1),
  /** The window must hold at least this many times the expected count. */
  spike_ratio: z.number().min(1),
  /** Chance of seeing so many negatives by luck (Poisson tail) must be below this. */
  p_value: z.number().gt(0).lt(1),
  /** The ratio to the baseline at which a spike becomes critical. */
  critical_ratio: z.number().min(1),
  /** The share of negative mentions is compared over this span with the baseline's. */
  shift_window: duration,
  /** Mentions the shift window must hold before its share means anything. */
  shift_min_mentions: z.number().int().min(1),
  /** Rise of the negative share (0.1 = ten points) that counts as souring. */
  shift_increase: z.number().gt(0).lt(1),
  /** Virality score (0..1; 0.5 = ten times the author's usual) from which a post is viral. */
  viral_score: z.number().gt(0).max(1),
  /** Least engagement (likes + 2 x reposts …) for a viral post: a handful of likes is not a story. */
  viral_min_engagement: z.number().min(0),
  /** A negative post with a serious crisis marker (injury, safety, discrimination, legal, boycott) alerts at once from an author with this many followers. */
  crisis_followers: z.number().int().min(0),
  /** A complaint the brand has not answered after this long is reported (sources that show answers). */
  unanswered_after: duration,
  /** …when its author's reach (estimated impressions) is at least this. */
  unanswered_reach: z.number().int().min(0),
  /** Volume below this share of the usual over `drop_window` is a sharp drop. */
  drop_ratio: z.number().gt(0).lt(1),
  drop_window: duration,
  /** An incident with no new activity for this long is resolved. */
  quiet_period: duration,
  /**
   * A copy is matched with the originals posted this long before it, whether the daemon has run
   * all along or has just restarted (which refills its index from the stored mentions of the span).
   */
  near_duplicates_window: duration.refine((ms) => ms > 0, 'must be longer than 0s'),
};
const DETECTION_BASE = {
  sensitivity: 'balanced' as (typeof SENSITIVITIES)[number],
  every: 60_000,
  window: 3_600_000,
  baseline: 14 * 86_400_000,
  warmup: 12 * 3_600_000,
  min_negative: 5,
  spike_ratio: 3,
  p_value: 0.0001,
  critical_ratio: 10,
  shift_window: 12 * 3_600_000,
  shift_min_mentions: 30,
  shift_increase: 0.15,
  viral_score: 0.6,
  viral_min_engagement: 100,
  crisis_followers: 1_000,
  unanswered_after: 2 * 3_600_000,
  unanswered_reach: 10_000,
  drop_ratio: 0.2,
  drop_window: 6 * 3_600_000,
  quiet_period: 6 * 3_600_000,
  near_duplicates_window: 48 * 3_600_000,
};
/** What each preset changes from `balanced`: sensitive hears more and earlier, strict only the loud. */
export const SENSITIVITY_PRESETS: Record<(typeof SENSITIVITIES)[number], Partial<typeof DETECTION_BASE>> = {
  sensitive: {
    min_negative: 3,
    spike_ratio: 2,
    p_value: 0.001,
    critical_ratio: 6,
    shift_increase: 0.1,
    viral_score: 0.5,
    viral_min_engagement: 50,
    crisis_followers: 300,
  },
  balanced: {},
  strict: {
    min_negative: 10,
    spike_ratio: 5,
    p_value: 0.00001,
    critical_ratio: 20,
    shift_increase: 0.25,
    viral_score: 0.75,
    viral_min_engagement: 500,
    crisis_followers: 10_000,
  },
};

/** Defaults, then the preset, then the thresholds set by hand (each layer only what it names). */
export function detectionSettings(...layers: Partial<typeof DETECTION_BASE>[]): typeof DETECTION_BASE {
  const hand = Object.assign({}, ...layers.map((l) => stripUndefined(l))) as Partial<typeof DETECTION_BASE>;
  const sensitivity = hand.sensitivity ?? 'balanced';
  return { ...DETECTION_BASE, ...SENSITIVITY_PRESETS[sensitivity], ...hand, sensitivity };
}
// No defaults inside the override: a brand's partial settings must not reset the global ones.
const detectionOverride = z.object(detectionFields).partial().strict();
const detectionSchema = detectionOverride;
export type DetectionSettings = typeof DETECTION_BASE;

const USER_AGENT = 'Earshot/0.1 (+https://github.com/earshot/earshot)';
type SourceDefaults = typeof SOURCE_DEFAULTS;
const SOURCE_DEFAULTS = {
  backfill: 86_400_000,
  timeout: 15_000,
  user_agent: USER_AGENT,
  silent_after_failures: 5,
  quiet_after: 2 * 86_400_000,
  refresh_age: 2 * 86_400_000,
  refresh_every: 15 * 60_000,
};

const sourceEntrySchema = z.looseObject({
  source: z.string(),
  name: z.string().regex(NAME, NAME_RULE).optional(),
  every: duration.default(300_000),
  backfill: duration.optional(),
  quiet_after: duration.optional(),
  enabled: z.boolean().default(true),
  optional: z.boolean().default(false),
});

const brandSchema = z
  .object({
    name: z.string().regex(NAME, NAME_RULE),
    display_name: z.string().optional(),
    query: z.string(),
    /** Other configured brands to compare with (share of voice in the digest). */
    competitors: z.array(z.string()).default([]),
    timezone: z.string().default('UTC'),
    /** false: no report of its own (a competitor listened to only for share of voice). */
    digest: z.boolean().default(true),
    sources: z.array(sourceEntrySchema).default([]),
    detection: detectionOverride.optional(),
    /** A model made by `earshot train` for this brand's own way of speaking (a file path). */
    sentiment_model: z.string().min(1).optional(),
  })
  .strict();

const channelEntrySchema = z.looseObject({
  type: z.string(),
  enabled: z.boolean().default(true),
  /** When a secret it needs is not set, disable this channel with a warning instead of refusing to start. */
  optional: z.boolean().default(false),
});

const routeSchema = z
  .object({
    /** Unique; needed by a route with a cooldown or an escalation, and by an escalation's target. */
    name: z.string().min(1).optional(),
    channels: z.array(z.string()).min(1),
    brands: z.array(z.string()).default(['*']),
    severities: z.array(z.enum(SEVERITIES)).default([...SEVERITIES]),
    polarities: z.array(z.enum(POLARITIES)).default([...POLARITIES]),
    kinds: z.array(z.string()).default(['*']),
    /** Any of the incident's dominant intents (`complaint`, `purchase_intent`, …). */
    intents: z.array(z.string()).default(['*']),
    /** After this route got an alert of an incident, it hears of it again only after this, or when severity rises. */
    cooldown: duration.optional(),
    /** A critical incident not acknowledged this long after this route got it goes to `escalate_to`. */
    escalate_after: duration.optional(),
    escalate_to: z.string().optional(),
    /** The route hears only what is escalated to it. */
    escalation_only: z.boolean().default(false),
  })
  .strict();

/** `host:port`, `[::1]:port` or `off`; an absent host means 127.0.0.1, never every interface by surprise. */
const listenSchema = z.union([z.literal(false), z.string()]).transform((value, ctx) => {
  if (value === false || value === 'off') return null;
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:\s]*)):(\d{1,5})$/i.exec(value.trim());
  const port = Number(m?.[3]);
  if (!m || port > 65_535) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not host:port (for example 127.0.0.1:8787), nor off`,
    });
    return z.NEVER;
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
});
const RETENTION_DEFAULTS = { mentions: 90 * 86_400_000, snapshots: 30 * 86_400_000 };
const retentionSchema = z
  .object({
    /** Mentions made longer ago than this are deleted (incidents and alerts stay). */
    mentions: duration.default(RETENTION_DEFAULTS.mentions),
    /** Engagement readings older than this are deleted; the mention keeps its latest metrics. */
    snapshots: duration.default(RETENTION_DEFAULTS.snapshots),
  })
  .strict();

const HTTP_DEFAULTS = { listen: { host: '127.0.0.1', port: 8787 }, ack_link_ttl: 7 * 86_400_000 };
const httpSchema = z
  .object({
    /** Where the daemon serves acknowledge links (and, later, health and metrics). */
    listen: listenSchema.default(HTTP_DEFAULTS.listen),
    /** How people reach it (behind a proxy, a public name): the base of links in alerts. */
    public_url: z
      .url()
      .regex(/^https?:\/\//i, 'an http:// or https:// URL')
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** An acknowledge link works this long after its alert. */
    ack_link_ttl: duration.default(HTTP_DEFAULTS.ack_link_ttl),
  })
  .strict();

export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
const DIGEST_DEFAULTS = { time: '08:00', channels: [], weekly: 'off' as const, catch_up: 3, teams: [] };
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'write the time as HH:MM, 24-hour');
/** One report covering several brands, for the team that looks after them. */
const teamDigestSchema = z
  .object({
    name: z.string().regex(NAME, NAME_RULE),
    display_name: z.string().optional(),
    brands: z.array(z.string()).min(1, 'name at least one brand'),
    /** The team's day and hour; by default the time zone its brands share. */
    timezone: z.string().optional(),
    /** Where it goes; none: only saved under data/digests/. */
    channels: z.array(z.string()).default([]),
    /** Local time in the team's zone; `digest.time` by default. */
    time: clockTime.optional(),
  })
  .strict();
const digestSchema = z
  .object({
    /** Local time, in each brand's own time zone, when yesterday's report goes out. */
    time: clockTime.default(DIGEST_DEFAULTS.time),
    /** Where it goes (console, email and Slack channels); none: only saved under data/digests/. */
    channels: z.array(z.string()).default([]),
    /** The day the weekly report (the seven days before it) goes out, or off. */
    weekly: z.enum([...WEEKDAYS, 'off']).default('off'),
    /** After downtime, missed reports of up to this many days back are sent. */
    catch_up: z.number().int().min(0).max(14).default(3),
    /** Reports that cover several brands, one per team. */
    teams: z.array(teamDigestSchema).default([]),
  })
  .strict();

const fileSchema = z
  .object({
    brands: z.array(brandSchema).default([]),
    sources: z
      .object({
        backfill: duration.default(86_400_000),
        timeout: duration.default(15_000),
        user_agent: z.string().default(USER_AGENT),
        /** Failures in a row after which a source_silent alert goes out. */
        silent_after_failures: z.number().int().min(1).default(5),
        /** A source that used to bring mentions and brought none for this long is reported silent. */
        quiet_after: duration.default(2 * 86_400_000),
        /** Mentions younger than this have their engagement read again, where the API allows it. */
        refresh_age: duration.default(2 * 86_400_000),
        /** How often that happens. */
        refresh_every: duration.default(15 * 60_000),
      })
      .strict()
      .default(SOURCE_DEFAULTS),
    detection: detectionSchema.default({}),
    channels: z.record(z.string().regex(NAME, NAME_RULE), channelEntrySchema).default({}),
    routes: z.array(routeSchema).default([]),
    http: httpSchema.default(HTTP_DEFAULTS),
    retention: retentionSchema.default(RETENTION_DEFAULTS),
    digest: digestSchema.default(DIGEST_DEFAULTS),
  })
  .strict();

export interface SourceEntry {
  /** Unique within the brand: the cursor and the schedule are keyed by it. */
  key: string;
  source: string;
  everyMs: number;
  backfillMs: number;
  /** Nothing new for this long, from a source that used to bring mentions: silent. */
  quietAfterMs: number;
  options: unknown;
}
export interface Brand {
  name: string;
  displayName: string;
  query: string;
  competitors: string[];
  timezone: string;
  /** Whether the brand has a digest of its own. */
  digest: boolean;
  sources: SourceEntry[];
  detection: DetectionSettings;
  /** The brand's adapted sentiment (`sentiment_model`), when it has one. */
  sentimentModel?: AdaptedModel;
}
export interface ChannelEntry {
  name: string;
  type: string;
  options: unknown;
}
export type Route = z.infer<typeof routeSchema>;
export interface HttpSettings {
  /** null: this process serves no HTTP. */
  listen: { host: string; port: number } | null;
  /** Base of the links in alerts; absent when nothing serves them. */
  publicUrl?: string;
  ackLinkTtlMs: number;
}
export interface Settings {
  dataDir: string;
  /** Where the store is: a SQLite file (or `:memory:`), or a postgres:// URL (DATABASE_URL). */
  database: string;
  redisUrl?: string;
  queuePrefix: string;
  logLevel: string;
  timeoutMs: number;
  userAgent: string;
  silentAfterFailures: number;
  refreshAgeMs: number;
  refreshEveryMs: number;
  /** How long `earshot start` waits for running jobs on SIGTERM/SIGINT before leaving them to the next start. */
  stopTimeoutMs: number;
  http: HttpSettings;
  retention: { mentionsMs: number; snapshotsMs: number };
  /** Threads `earshot replay` splits its brands over (EARSHOT_REPLAY_THREADS); null: one a core for large replays. */
  replayThreads: number | null;
}
export interface Config {
  file: string | null;
  brands: Brand[];
  detection: DetectionSettings;
  channels: Record<string, ChannelEntry>;
  routes: Route[];
  digest: DigestSettings;
  /** Parts switched off because an optional secret is missing, in words, for the log and doctor. */
  disabled: string[];
  settings: Settings;
}

export interface DigestSettings {
  time: string;
  /** Configured channels (a disabled optional one is left out) that carry digests. */
  channels: string[];
  weekly: (typeof WEEKDAYS)[number] | 'off';
  catchUpDays: number;
  teams: TeamDigest[];
}

/** A team's digest: one report covering its brands, on the team's days, to the team's channels. */
export interface TeamDigest {
  name: string;
  displayName: string;
  /** Configured brands, in the order the config lists them. */
  brands: string[];
  timezone: string;
  /** HH:MM on the team's clock. */
  time: string;
  /** Configured channels (a disabled optional one is left out). */
  channels: string[];
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The file the daemon reads when none is named: yours if present, else the shipped example. */
export function defaultConfigFile(env: Env, cwd = process.cwd()): string {
  if (env.EARSHOT_CONFIG) return path.resolve(cwd, env.EARSHOT_CONFIG);
  const own = path.resolve(cwd, 'config/earshot.yml');
  return existsSync(own) ? own : path.resolve(cwd, 'config/earshot.example.yml');
}

export interface LoadOptions {
  file?: string | null;
  env?: Env;
  /** The daemon needs at least one brand; replay and analyze do not. */
  requireBrands?: boolean;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file === null ? null : (opts.file ?? defaultConfigFile(env));
  let raw: unknown = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(
        [code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})`],
        file,
      );
    }
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map(
          (e) =>
            `YAML syntax at line ${e.linePos?.[0]?.line ?? '?'}: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
        ),
        file,
      );
    }
    raw = doc.toJS() ?? {};
  }
  return buildConfig(raw, env, file, opts.requireBrands ?? false);
}

/**
 * Validates in two passes that both always run, so that every problem is listed at once: the
 * schema (shapes, types, durations), then the meaning (queries, time zones, known sources and
 * channels, their settings and secrets, names that routes refer to).
 */
export function buildConfig(
  raw: unknown,
  env: Env,
  file: string | null = null,
  requireBrands = false,
): Config {
  const problems: string[] = [];
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${formatPath(issue.path) || '(top level)'}: ${issue.message}`);
  }
  const top = asObject(raw);
  const disabled: string[] = [];
  const defaults = parsed.success ? parsed.data.sources : SOURCE_DEFAULTS;
  const settings = readSettings(env, defaults, problems);
  settings.http = readHttp(env, parsed.success ? parsed.data.http : HTTP_DEFAULTS, problems);

  const rawBrands = asList(top.brands);
  if (requireBrands && rawBrands.length === 0)
    problems.push('brands: no brand is configured; add one (see config/earshot.example.yml)');
  const brandNames = new Set<string>();
  const entries = rawBrands.map((b, i) =>
    checkBrand(asObject(b), `brands[${i}]`, env, defaults, brandNames, problems, disabled),
  );
  const channels = checkChannels(asObject(top.channels), env, problems, disabled);
  checkRoutes(asList(top.routes).map(asObject), asObject(top.channels), brandNames, problems);
  checkDigest(asObject(top.digest), asObject(top.channels), rawBrands.map(asObject), problems);
  checkCompetitors(rawBrands.map(asObject), brandNames, disabled);

  const models = rawBrands.map((b, i) => loadModel(asObject(b).sentiment_model, `brands[${i}]`, problems));
  if (problems.length > 0 || !parsed.success)
    throw new ConfigError([...new Set(problems)], file ?? undefined);
  const cfg = parsed.data;
  settings.retention = { mentionsMs: cfg.retention.mentions, snapshotsMs: cfg.retention.snapshots };
  const brands: Brand[] = cfg.brands.map((b, i) => ({
    name: b.name,
    displayName: b.display_name ?? b.name,
    query: b.query,
    competitors: b.competitors,
    timezone: b.timezone,
    digest: b.digest,
    sources: entries[i] ?? [],
    detection: detectionSettings(cfg.detection, b.detection ?? {}),
    ...(models[i] ? { sentimentModel: models[i] } : {}),
  }));
  const tooShort = checkRetention(settings, detectionSettings(cfg.detection), brands);
  if (tooShort.length > 0) throw new ConfigError(tooShort, file ?? undefined);
  return {
    file,
    brands,
    detection: detectionSettings(cfg.detection),
    channels,
    routes: cfg.routes,
    digest: {
      time: cfg.digest.time,
      channels: cfg.digest.channels.filter((c) => channels[c] !== undefined),
      weekly: cfg.digest.weekly,
      catchUpDays: cfg.digest.catch_up,
      teams: cfg.digest.teams.map((t) => ({
        name: t.name,
        displayName: t.display_name ?? t.name,
        brands: t.brands,
        // checkDigest made sure the brands share one zone when the team names none.
        timezone: t.timezone ?? brands.find((b) => b.name === t.brands[0])?.timezone ?? 'UTC',
        time: t.time ?? cfg.digest.time,
        channels: t.channels.filter((c) => channels[c] !== undefined),
      })),
    },
    disabled,
    settings,
  };
}

/**
 * Pruning must not take what detection still reads: the mentions of the baseline span (the window
 * counts, the viral and unanswered candidates and the near-duplicate index read mentions) and the
 * readings of mentions whose engagement is still refreshed (virality is computed from them).
 */
function checkRetention(settings: Settings, detection: DetectionSettings, brands: Brand[]): string[] {
  const problems: string[] = [];
  const { mentionsMs, snapshotsMs } = settings.retention;
  const spans = [
    { at: 'detection.baseline', ms: detection.baseline },
    ...brands.map((b, i) => ({ at: `brands[${i}].detection.baseline`, ms: b.detection.baseline })),
    { at: 'detection.near_duplicates_window', ms: detection.near_duplicates_window },
    ...brands.map((b, i) => ({
      at: `brands[${i}].detection.near_duplicates_window`,
      ms: b.detection.near_duplicates_window,
    })),
  ];
  const longest = spans.reduce((a, b) => (b.ms > a.ms ? b : a));
  if (mentionsMs < longest.ms)
    problems.push(
      `retention.mentions: ${formatDuration(mentionsMs)} is shorter than ${longest.at} (${formatDuration(longest.ms)}); keep mentions at least as long as detection learns from them`,
    );
  if (snapshotsMs < settings.refreshAgeMs)
    problems.push(
      `retention.snapshots: ${formatDuration(snapshotsMs)} is shorter than sources.refresh_age (${formatDuration(settings.refreshAgeMs)}); virality reads the readings of mentions still refreshed`,
    );
  return problems;
}

/** Types of channel that can carry a digest (the others speak only of incidents). */
export const DIGEST_CHANNEL_TYPES = ['console', 'email', 'slack'];

function checkDigestChannels(
  list: unknown,
  at: string,
  channels: Record<string, unknown>,
  problems: string[],
) {
  asList(list).forEach((name, i) => {
    if (typeof name !== 'string') return;
    const type = asObject(channels[name]).type;
    if (channels[name] === undefined)
      problems.push(`${at}[${i}]: no channel is named "${name}" under channels`);
    else if (typeof type === 'string' && !DIGEST_CHANNEL_TYPES.includes(type))
      problems.push(
        `${at}[${i}]: "${name}" is a ${type} channel, which cannot carry a digest (use ${DIGEST_CHANNEL_TYPES.join(', ')})`,
      );
  });
}

function checkDigest(
  digest: Record<string, unknown>,
  channels: Record<string, unknown>,
  brands: Record<string, unknown>[],
  problems: string[],
) {
  checkDigestChannels(digest.channels, 'digest.channels', channels, problems);
  const zoneOf = new Map<string, string>();
  for (const b of brands)
    if (typeof b.name === 'string') zoneOf.set(b.name, typeof b.timezone === 'string' ? b.timezone : 'UTC');
  const seen = new Set<string>();
  asList(digest.teams).forEach((raw, i) => {
    const team = asObject(raw);
    const at = `digest.teams[${i}]`;
    const name = typeof team.name === 'string' ? team.name : undefined;
    if (name !== undefined) {
      if (seen.has(name)) problems.push(`${at}.name: "${name}" is used by another team`);
      seen.add(name);
      // Saved pages are <brand>-<date>.html and team-<team>-<date>.html, side by side.
      for (const clash of [`team-${name}`, `team-${name}-week`])
        if (zoneOf.has(clash))
          problems.push(
            `${at}.name: team "${name}" and brand "${clash}" would save their reports under the same names (${clash}-<date>.html); rename one`,
          );
    }
    const listed = new Set<string>();
    asList(team.brands).forEach((b, j) => {
      if (typeof b !== 'string') return;
      if (!zoneOf.has(b)) problems.push(`${at}.brands[${j}]: no brand is named "${b}"`);
      else if (listed.has(b)) problems.push(`${at}.brands[${j}]: "${b}" is listed twice`);
      listed.add(b);
    });
    if (typeof team.timezone === 'string') {
      if (!validTimeZone(team.timezone))
        problems.push(`${at}.timezone: "${team.timezone}" is not a time zone (use names like Europe/London)`);
    } else if (team.timezone === undefined) {
      const zones = [...listed].filter((b) => zoneOf.has(b)).map((b) => `${b}: ${zoneOf.get(b)}`);
      if (new Set([...listed].flatMap((b) => zoneOf.get(b) ?? [])).size > 1)
        problems.push(
          `${at}.timezone: the team's brands are in different time zones (${zones.join(', ')}); name the team's own, like timezone: Europe/London`,
        );
    }
    checkDigestChannels(team.channels, `${at}.channels`, channels, problems);
  });
}

/**
 * A competitor is counted from the mentions stored for it as a brand of its own: one that is not
 * configured cannot be counted, which is said at start rather than shown as a zero.
 */
function checkCompetitors(brands: Record<string, unknown>[], names: ReadonlySet<string>, disabled: string[]) {
  brands.forEach((b, i) => {
    asList(b.competitors).forEach((c, j) => {
      if (typeof c === 'string' && !names.has(c))
        disabled.push(
          `brands[${i}].competitors[${j}]: "${c}" is not a configured brand, so the digest leaves it out of share of voice (add it under brands, with digest: false if it needs no report)`,
        );
    });
  });
}

/** What routes refer to must exist; names are unique; escalations must end somewhere. */
function checkRoutes(
  routes: Record<string, unknown>[],
  channels: Record<string, unknown>,
  brandNames: ReadonlySet<string>,
  problems: string[],
): void {
  const names = new Set<string>();
  for (const r of routes) if (typeof r.name === 'string') names.add(r.name);
  const seen = new Set<string>();
  routes.forEach((route, i) => {
    const at = `routes[${i}]`;
    const name = typeof route.name === 'string' ? route.name : undefined;
    if (name !== undefined) {
      if (seen.has(name)) problems.push(`${at}.name: "${name}" is used by another route`);
      seen.add(name);
    }
    asList(route.channels).forEach((c, j) => {
      if (typeof c === 'string' && !(c in channels))
        problems.push(`${at}.channels[${j}]: no channel is named "${c}"`);
    });
    asList(route.brands).forEach((b, j) => {
      if (typeof b === 'string' && b !== '*' && !brandNames.has(b))
        problems.push(`${at}.brands[${j}]: no brand is named "${b}"`);
    });
    asList(route.intents).forEach((n, j) => {
      if (typeof n === 'string' && n !== '*' && !INTENT_NAMES.includes(n))
        problems.push(`${at}.intents[${j}]: unknown intent "${n}" (known: ${INTENT_NAMES.join(', ')})`);
    });
    // The route's memory of each incident is kept under its name.
    for (const key of ['cooldown', 'escalate_after'] as const)
      if (route[key] !== undefined && name === undefined)
        problems.push(`${at}: a route with ${key} needs a name`);
    const to = route.escalate_to;
    if (route.escalate_after !== undefined && to === undefined)
      problems.push(`${at}.escalate_to: escalate_after needs the name of the route to escalate to`);
    if (to !== undefined && route.escalate_after === undefined)
      problems.push(`${at}.escalate_after: escalate_to needs the time to wait (for example 15m)`);
    if (typeof to === 'string' && !names.has(to))
      problems.push(`${at}.escalate_to: no route is named "${to}"`);
  });
  const named = routes.flatMap((r) =>
    typeof r.name === 'string'
      ? [{ name: r.name, ...(typeof r.escalate_to === 'string' ? { escalate_to: r.escalate_to } : {}) }]
      : [],
  );
  for (const loop of escalationLoops(named))
    problems.push(
      `routes: escalation goes round in a loop: ${loop.join(' → ')} (end the chain at a route without escalate_to)`,
    );
}

/** Reads a brand's `sentiment_model` file (relative to the working folder); a problem if unusable. */
function loadModel(file: unknown, at: string, problems: string[]): AdaptedModel | undefined {
  if (typeof file !== 'string' || file === '') return undefined;
  try {
    return readModel(JSON.parse(readFileSync(file, 'utf8')), file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `${file} not found (make it with: earshot train FILE --out ${file})`
        : err instanceof SyntaxError
          ? `${file} is not JSON`
          : errorMessage(err);
    problems.push(`${at}.sentiment_model: ${why}`);
    return undefined;
  }
}

function checkBrand(
  b: Record<string, unknown>,
  at: string,
  env: Env,
  defaults: SourceDefaults,
  names: Set<string>,
  problems: string[],
  disabled: string[],
): SourceEntry[] {
  if (typeof b.name === 'string') {
    if (names.has(b.name)) problems.push(`${at}.name: "${b.name}" is used by another brand`);
    names.add(b.name);
  }
  if (typeof b.query === 'string') {
    try {
      parseQuery(b.query);
    } catch (err) {
      if (!(err instanceof QuerySyntaxError)) throw err;
      problems.push(`${at}.query: ${err.message}`);
    }
  }
  if (typeof b.timezone === 'string' && !validTimeZone(b.timezone)) {
    problems.push(`${at}.timezone: "${b.timezone}" is not a time zone (use names like Europe/London)`);
  }
  return readSourceEntries(
    asList(b.sources).map(asObject),
    `${at}.sources`,
    env,
    defaults,
    problems,
    disabled,
  );
}

function checkChannels(
  raw: Record<string, unknown>,
  env: Env,
  problems: string[],
  disabled: string[],
): Record<string, ChannelEntry> {
  const channels: Record<string, ChannelEntry> = {};
  for (const [name, value] of Object.entries(raw)) {
    const at = `channels.${name}`;
    const { type, enabled, optional, ...rest } = asObject(value);
    if (typeof type !== 'string') continue; // the schema pass names it
    const impl = (channelRegistry as Record<string, AnyChannel>)[type];
    if (!impl) {
      problems.push(
        `${at}.type: unknown channel type "${type}" (known: ${Object.keys(channelRegistry).join(', ')})`,
      );
      continue;
    }
    if (enabled === false) continue;
    const missing: string[] = [];
    const options = interpolate(rest, env, missing);
    if (missing.length > 0) {
      if (optional === true)
        disabled.push(
          `channel ${name}: disabled because ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
        );
      else for (const v of missing) problems.push(`${at}: environment variable ${v} is not set`);
      continue;
    }
    const res = impl.options.safeParse(options);
    if (!res.success)
      for (const issue of res.error.issues) problems.push(`${formatPath(issue.path, at)}: ${issue.message}`);
    else channels[name] = { name, type, options: res.data };
  }
  return channels;
}

function readSourceEntries(
  entries: Record<string, unknown>[],
  at: string,
  env: Env,
  defaults: SourceDefaults,
  problems: string[],
  disabled: string[],
): SourceEntry[] {
  const out: SourceEntry[] = [];
  const counts = new Map<unknown, number>();
  for (const e of entries) counts.set(e.source, (counts.get(e.source) ?? 0) + 1);
  const used = new Set<string>();
  entries.forEach((e, i) => {
    const here = `${at}[${i}]`;
    const { source, name, every, backfill, quiet_after: quietAfter, enabled, optional, ...rest } = e;
    if (typeof source !== 'string') return; // the schema pass names it
    const impl = getSource(source);
    if (!impl) {
      problems.push(
        `${here}.source: unknown source "${source}" (known: ${Object.keys(sourceRegistry).join(', ')})`,
      );
      return;
    }
    const key =
      typeof name === 'string' ? name : (counts.get(source) ?? 0) > 1 ? `${source}-${i + 1}` : source;
    if (used.has(key)) problems.push(`${here}.name: "${key}" is used by another source of this brand`);
    used.add(key);
    if (enabled === false) return;
    const missing: string[] = impl.credentials.filter((c) => !env[c]);
    const options = interpolate(rest, env, missing);
    if (missing.length > 0) {
      if (optional === true)
        disabled.push(
          `${here} (${source}): disabled because ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
        );
      else
        for (const v of missing)
          problems.push(`${here}: environment variable ${v} is not set (the ${source} source needs it)`);
      return;
    }
    const res = impl.options.safeParse(options);
    if (!res.success) {
      for (const issue of res.error.issues)
        problems.push(`${formatPath(issue.path, here)}: ${issue.message}`);
      return;
    }
    out.push({
      key,
      source,
      everyMs: (typeof every === 'string' ? parseDuration(every) : null) ?? 300_000,
      backfillMs: (typeof backfill === 'string' ? parseDuration(backfill) : null) ?? defaults.backfill,
      quietAfterMs:
        (typeof quietAfter === 'string' ? parseDuration(quietAfter) : null) ?? defaults.quiet_after,
      options: res.data,
    });
  });
  return out;
}

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

function readSettings(env: Env, sources: SourceDefaults, problems: string[]): Settings {
  const dataDir = path.resolve(env.EARSHOT_DATA_DIR ?? 'data');
  const dbUrl = env.DATABASE_URL;
  let database = path.join(dataDir, 'earshot.db');
  if (dbUrl) {
    if (/^postgres(ql)?:\/\//i.test(dbUrl)) {
      if (!URL.canParse(dbUrl))
        problems.push('DATABASE_URL: not a URL; write it like postgres://user:password@host:5432/earshot');
      else database = dbUrl;
    } else if (/^postgres(ql)?:/i.test(dbUrl))
      problems.push(
        'DATABASE_URL: write a PostgreSQL address like postgres://user:password@host:5432/earshot',
      );
    else database = dbUrl === ':memory:' ? dbUrl : path.resolve(dbUrl.replace(/^(sqlite|file):(\/\/)?/i, ''));
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//i.test(redisUrl))
    problems.push('REDIS_URL: must start with redis:// or rediss://');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL: "${logLevel}" is not one of trace, debug, info, warn, error, fatal, silent`);
  }
  const stopTimeoutMs = parseDuration(env.EARSHOT_STOP_TIMEOUT ?? '30s');
  if (stopTimeoutMs === null)
    problems.push(
      `EARSHOT_STOP_TIMEOUT: "${env.EARSHOT_STOP_TIMEOUT}" is not a duration: write it like 30s or 2m`,
    );
  const threads = env.EARSHOT_REPLAY_THREADS || undefined;
  const replayThreads = threads === undefined ? null : Number(threads);
  if (replayThreads !== null && !(Number.isInteger(replayThreads) && replayThreads >= 1))
    problems.push(`EARSHOT_REPLAY_THREADS: "${threads}" is not a whole number of threads, 1 or more`);
  return {
    dataDir,
    database,
    redisUrl,
    queuePrefix: env.EARSHOT_QUEUE_PREFIX ?? 'earshot',
    logLevel,
    timeoutMs: sources.timeout,
    userAgent: sources.user_agent,
    silentAfterFailures: sources.silent_after_failures,
    refreshAgeMs: sources.refresh_age,
    refreshEveryMs: sources.refresh_every,
    stopTimeoutMs: stopTimeoutMs ?? 30_000,
    http: { listen: null, ackLinkTtlMs: HTTP_DEFAULTS.ack_link_ttl },
    retention: { mentionsMs: RETENTION_DEFAULTS.mentions, snapshotsMs: RETENTION_DEFAULTS.snapshots },
    replayThreads: replayThreads !== null && Number.isInteger(replayThreads) ? replayThreads : null,
  };
}

/**
 * `EARSHOT_HTTP_LISTEN` wins over the file (a container binds 0.0.0.0, tests say off). Without
 * `public_url`, links point at the listen address, which only works on this machine.
 */
function readHttp(env: Env, file: z.infer<typeof httpSchema>, problems: string[]): HttpSettings {
  let listen = file.listen;
  if (env.EARSHOT_HTTP_LISTEN) {
    const res = listenSchema.safeParse(env.EARSHOT_HTTP_LISTEN);
    if (!res.success)
      problems.push(`EARSHOT_HTTP_LISTEN: ${res.error.issues[0]?.message ?? 'not host:port, nor off'}`);
    else listen = res.data;
  }
  const secret = env.EARSHOT_ACK_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 16)
    problems.push('EARSHOT_ACK_SECRET: at least 16 characters, so that links cannot be forged');
  const local = listen && listen.port !== 0 ? `http://${urlHost(listen.host)}:${listen.port}` : undefined;
  const publicUrl = file.public_url ?? local;
  return { listen, ackLinkTtlMs: file.ack_link_ttl, ...(publicUrl ? { publicUrl } : {}) };
}

/** 0.0.0.0 and :: are where to listen, not where to go: a link names this machine instead. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Replaces `${VAR}` in every string; names of unset variables go to `missing` (values never leave here). */
function interpolate(value: unknown, env: Env, missing: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)\}/gi, (_m, name: string) => {
      const v = env[name];
      if (v === undefined || v === '') {
        if (!missing.includes(name)) missing.push(name);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, missing)]));
  }
  return value;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
