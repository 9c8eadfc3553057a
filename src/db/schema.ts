import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are epoch milliseconds (integers): cheap to index, compare and bucket in SQL.

/** One public post about one brand. Append-mostly; metrics are the latest reading. */
export const mentions = sqliteTable(
  'mentions',
  {
    brand: text('brand').notNull(),
    id: text('id').notNull(),
    source: text('source').notNull(),
    sourceKey: text('source_key').notNull(),
    url: text('url'),
    title: text('title'),
    text: text('text').notNull(),
    authorHandle: text('author_handle'),
    authorFollowers: integer('author_followers'),
    authorVerified: integer('author_verified', { mode: 'boolean' }),
    lang: text('lang').notNull(),
    createdAt: integer('created_at').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    sentimentLabel: text('sentiment_label', { enum: ['negative', 'neutral', 'positive'] }).notNull(),
    sentimentScore: real('sentiment_score').notNull(),
    intents: text('intents', { mode: 'json' }).$type<{ name: string; confidence: number }[]>().notNull(),
    metrics: text('metrics', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    /** When the brand itself answered this mention, where the source shows it. */
    answeredAt: integer('answered_at'),
    /** Estimated impressions at the first reading (src/analysis/reach.ts). */
    reach: integer('reach'),
    /** Virality score 0..1 after the latest reading (src/analysis/virality.ts). */
    virality: real('virality'),
    /** The first post of its near-duplicate group, when this one is a copy (src/analysis/near-duplicates.ts). */
    duplicateOf: text('duplicate_of'),
  },
  (t) => [
    primaryKey({ columns: [t.brand, t.id] }),
    index('mentions_brand_created').on(t.brand, t.createdAt),
    index('mentions_brand_label_created').on(t.brand, t.sentimentLabel, t.createdAt),
    // Detection asks for the few posts above a virality on every tick.
    index('mentions_brand_virality').on(t.brand, t.virality),
  ],
);

/** Mentions per brand, hour and label: baselines, charts and digests read these, not the mentions. */
export const mentionCounts = sqliteTable(
  'mention_counts',
  {
    brand: text('brand').notNull(),
    hour: integer('hour').notNull(),
    label: text('label', { enum: ['negative', 'neutral', 'positive'] }).notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.brand, t.label, t.hour] })],
);

/** Mentions an hour per source (copies included): how a source that went quiet is noticed. */
export const sourceCounts = sqliteTable(
  'source_counts',
  {
    brand: text('brand').notNull(),
    source: text('source').notNull(),
    hour: integer('hour').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.brand, t.source, t.hour] })],
);

/** Each engagement reading of a mention: virality is computed from these. */
export const metricSnapshots = sqliteTable(
  'metric_snapshots',
  {
    id: integer('id').primaryKey(),
    brand: text('brand').notNull(),
    mentionId: text('mention_id').notNull(),
    at: integer('at').notNull(),
    metrics: text('metrics', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  },
  (t) => [index('snapshots_mention_at').on(t.brand, t.mentionId, t.at)],
);

/** Where each (brand, source entry) poll got to, and how the source is doing. */
export const sourceCursors = sqliteTable(
  'source_cursors',
  {
    brand: text('brand').notNull(),
    sourceKey: text('source_key').notNull(),
    source: text('source').notNull(),
    cursor: text('cursor', { mode: 'json' }),
    updatedAt: integer('updated_at').notNull(),
    lastSuccessAt: integer('last_success_at'),
    lastItemsAt: integer('last_items_at'),
    lastError: text('last_error'),
    lastErrorAt: integer('last_error_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.brand, t.sourceKey] })],
);

export const incidents = sqliteTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    brand: text('brand').notNull(),
    kind: text('kind').notNull(),
    /** What the incident is about within its kind: '' for the brand as a whole, a mention id for one post. */
    subject: text('subject').notNull().default(''),
    polarity: text('polarity', { enum: ['negative', 'positive', 'neutral'] }).notNull(),
    severity: text('severity', { enum: ['info', 'warning', 'critical'] }).notNull(),
    status: text('status', { enum: ['open', 'acknowledged', 'resolved'] }).notNull(),
    title: text('title').notNull(),
    openedAt: integer('opened_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastActivityAt: integer('last_activity_at').notNull(),
    acknowledgedAt: integer('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: integer('resolved_at'),
    mentionCount: integer('mention_count').notNull(),
    mentionIds: text('mention_ids', { mode: 'json' }).$type<string[]>().notNull(),
    evidence: text('evidence', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('incidents_brand_status').on(t.brand, t.status)],
);

/** The outbox: an alert is stored here, with its deliveries, before anything sends it. */
export const alerts = sqliteTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull(),
    brand: text('brand').notNull(),
    kind: text('kind').notNull(),
    severity: text('severity', { enum: ['info', 'warning', 'critical'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    payload: text('payload', { mode: 'json' }).notNull(),
    /** Set once every delivery of the alert is in the queue. */
    relayedAt: integer('relayed_at'),
  },
  (t) => [index('alerts_relayed').on(t.relayedAt, t.createdAt), index('alerts_incident').on(t.incidentId)],
);

/** One row per (alert, channel): the durable guard against sending twice. */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey(),
    alertId: text('alert_id').notNull(),
    channel: text('channel').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'dead'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /**
     * How many times a person asked for it again (`earshot alerts retry`). Part of its job id: a
     * queue ignores an id it has already seen, so each retry needs one of its own.
     */
    retries: integer('retries').notNull().default(0),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    uniqueIndex('deliveries_alert_channel').on(t.alertId, t.channel),
    index('deliveries_status').on(t.status),
  ],
);

/** What each named route has had of each incident: its cooldown and its escalation read this. */
export const incidentRoutes = sqliteTable(
  'incident_routes',
  {
    incidentId: text('incident_id').notNull(),
    route: text('route').notNull(),
    lastSentAt: integer('last_sent_at').notNull(),
    lastSeverity: text('last_severity', { enum: ['info', 'warning', 'critical'] }).notNull(),
    /** When the route first had the incident as critical: its escalation waits from then. */
    criticalAt: integer('critical_at'),
    /** When the route had it by escalation rather than by its own filters. */
    escalatedAt: integer('escalated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.route] }),
    index('incident_routes_route_critical').on(t.route, t.criticalAt),
  ],
);

/**
 * Where `earshot backfill` got to per (brand, source entry): kept apart from the poll's cursor,
 * which a backfill never moves, and written with each page's mentions.
 */
export const backfills = sqliteTable(
  'backfills',
  {
    brand: text('brand').notNull(),
    sourceKey: text('source_key').notNull(),
    /** The span read: from `since` up to `until` (when the run began). */
    since: integer('since').notNull(),
    until: integer('until').notNull(),
    /** The source's place for the next page; null once the span is read. */
    position: text('position', { mode: 'json' }),
    pages: integer('pages').notNull().default(0),
    stored: integer('stored').notNull().default(0),
    /** The oldest post time read so far. */
    reached: integer('reached'),
    startedAt: integer('started_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.brand, t.sourceKey] })],
);

/**
 * One row per report built: (brand, period, date) is claimed in the transaction that puts the
 * report's message in the outbox, so several daemons (or a catch-up after downtime) send it once.
 */
export const digests = sqliteTable(
  'digests',
  {
    /** `digest-<brand>-<period>-<date>`: also the outbox row's incident id. */
    id: text('id').primaryKey(),
    brand: text('brand').notNull(),
    period: text('period', { enum: ['day', 'week'] }).notNull(),
    /** The report's last local day, YYYY-MM-DD in the brand's time zone. */
    date: text('date').notNull(),
    timezone: text('timezone').notNull(),
    createdAt: integer('created_at').notNull(),
    /** The figures, as built (src/digest/report.ts): channels render from these. */
    report: text('report', { mode: 'json' }).notNull(),
    /** The web copy saved under the data folder. */
    file: text('file'),
  },
  (t) => [uniqueIndex('digests_brand_period_date').on(t.brand, t.period, t.date)],
);
