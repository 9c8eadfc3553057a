import {
  bigint,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

// The PostgreSQL mirror of schema.ts: the same tables, columns and indexes, one meaning. Times are
// epoch milliseconds in bigint (read back as numbers: they stay far below 2^53); JSON is kept as
// text, as in SQLite, so every query reads and writes it the same way; booleans are 0/1 integers.
// Ids of posts are text everywhere: a tweet id does not fit a double.

const ms = (name: string) => bigint(name, { mode: 'number' });

export const mentions = pgTable(
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
    authorFollowers: bigint('author_followers', { mode: 'number' }),
    authorVerified: integer('author_verified'),
    lang: text('lang').notNull(),
    createdAt: ms('created_at').notNull(),
    firstSeenAt: ms('first_seen_at').notNull(),
    lastSeenAt: ms('last_seen_at').notNull(),
    sentimentLabel: text('sentiment_label').notNull(),
    sentimentScore: doublePrecision('sentiment_score').notNull(),
    intents: text('intents').notNull(),
    metrics: text('metrics').notNull(),
    answeredAt: ms('answered_at'),
    reach: bigint('reach', { mode: 'number' }),
    virality: doublePrecision('virality'),
    duplicateOf: text('duplicate_of'),
  },
  (t) => [
    primaryKey({ columns: [t.brand, t.id] }),
    index('mentions_brand_created').on(t.brand, t.createdAt),
    index('mentions_brand_label_created').on(t.brand, t.sentimentLabel, t.createdAt),
    index('mentions_brand_virality').on(t.brand, t.virality),
  ],
);

export const mentionCounts = pgTable(
  'mention_counts',
  {
    brand: text('brand').notNull(),
    hour: ms('hour').notNull(),
    label: text('label').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.brand, t.label, t.hour] })],
);

export const sourceCounts = pgTable(
  'source_counts',
  {
    brand: text('brand').notNull(),
    source: text('source').notNull(),
    hour: ms('hour').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.brand, t.source, t.hour] })],
);

export const metricSnapshots = pgTable(
  'metric_snapshots',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brand: text('brand').notNull(),
    mentionId: text('mention_id').notNull(),
    at: ms('at').notNull(),
    metrics: text('metrics').notNull(),
  },
  (t) => [index('snapshots_mention_at').on(t.brand, t.mentionId, t.at)],
);

export const sourceCursors = pgTable(
  'source_cursors',
  {
    brand: text('brand').notNull(),
    sourceKey: text('source_key').notNull(),
    source: text('source').notNull(),
    cursor: text('cursor'),
    updatedAt: ms('updated_at').notNull(),
    lastSuccessAt: ms('last_success_at'),
    lastItemsAt: ms('last_items_at'),
    lastError: text('last_error'),
    lastErrorAt: ms('last_error_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.brand, t.sourceKey] })],
);

export const incidents = pgTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    brand: text('brand').notNull(),
    kind: text('kind').notNull(),
    subject: text('subject').notNull().default(''),
    polarity: text('polarity').notNull(),
    severity: text('severity').notNull(),
    status: text('status').notNull(),
    title: text('title').notNull(),
    openedAt: ms('opened_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    lastActivityAt: ms('last_activity_at').notNull(),
    acknowledgedAt: ms('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: ms('resolved_at'),
    mentionCount: integer('mention_count').notNull(),
    mentionIds: text('mention_ids').notNull(),
    evidence: text('evidence').notNull(),
  },
  (t) => [index('incidents_brand_status').on(t.brand, t.status)],
);

export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull(),
    brand: text('brand').notNull(),
    kind: text('kind').notNull(),
    severity: text('severity').notNull(),
    createdAt: ms('created_at').notNull(),
    payload: text('payload').notNull(),
    relayedAt: ms('relayed_at'),
  },
  (t) => [index('alerts_relayed').on(t.relayedAt, t.createdAt), index('alerts_incident').on(t.incidentId)],
);

export const deliveries = pgTable(
  'deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    alertId: text('alert_id').notNull(),
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    retries: integer('retries').notNull().default(0),
    lastError: text('last_error'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    sentAt: ms('sent_at'),
  },
  (t) => [
    uniqueIndex('deliveries_alert_channel').on(t.alertId, t.channel),
    index('deliveries_status').on(t.status),
  ],
);

export const incidentRoutes = pgTable(
  'incident_routes',
  {
    incidentId: text('incident_id').notNull(),
    route: text('route').notNull(),
    lastSentAt: ms('last_sent_at').notNull(),
    lastSeverity: text('last_severity').notNull(),
    criticalAt: ms('critical_at'),
    escalatedAt: ms('escalated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.route] }),
    index('incident_routes_route_critical').on(t.route, t.criticalAt),
  ],
);

export const backfills = pgTable(
  'backfills',
  {
    brand: text('brand').notNull(),
    sourceKey: text('source_key').notNull(),
    since: ms('since').notNull(),
    until: ms('until').notNull(),
    position: text('position'),
    pages: integer('pages').notNull().default(0),
    stored: integer('stored').notNull().default(0),
    reached: ms('reached'),
    startedAt: ms('started_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    finishedAt: ms('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.brand, t.sourceKey] })],
);

export const digests = pgTable(
  'digests',
  {
    id: text('id').primaryKey(),
    brand: text('brand').notNull(),
    period: text('period').notNull(),
    date: text('date').notNull(),
    timezone: text('timezone').notNull(),
    createdAt: ms('created_at').notNull(),
    report: text('report').notNull(),
    file: text('file'),
  },
  (t) => [uniqueIndex('digests_brand_period_date').on(t.brand, t.period, t.date)],
);
