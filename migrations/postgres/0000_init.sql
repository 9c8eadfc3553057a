CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"incident_id" text NOT NULL,
	"brand" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"created_at" bigint NOT NULL,
	"payload" text NOT NULL,
	"relayed_at" bigint
);
--> statement-breakpoint
CREATE TABLE "backfills" (
	"brand" text NOT NULL,
	"source_key" text NOT NULL,
	"since" bigint NOT NULL,
	"until" bigint NOT NULL,
	"position" text,
	"pages" integer DEFAULT 0 NOT NULL,
	"stored" integer DEFAULT 0 NOT NULL,
	"reached" bigint,
	"started_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"finished_at" bigint,
	CONSTRAINT "backfills_brand_source_key_pk" PRIMARY KEY("brand","source_key")
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"alert_id" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"sent_at" bigint
);
--> statement-breakpoint
CREATE TABLE "digests" (
	"id" text PRIMARY KEY NOT NULL,
	"brand" text NOT NULL,
	"period" text NOT NULL,
	"date" text NOT NULL,
	"timezone" text NOT NULL,
	"created_at" bigint NOT NULL,
	"report" text NOT NULL,
	"file" text
);
--> statement-breakpoint
CREATE TABLE "incident_routes" (
	"incident_id" text NOT NULL,
	"route" text NOT NULL,
	"last_sent_at" bigint NOT NULL,
	"last_severity" text NOT NULL,
	"critical_at" bigint,
	"escalated_at" bigint,
	CONSTRAINT "incident_routes_incident_id_route_pk" PRIMARY KEY("incident_id","route")
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"brand" text NOT NULL,
	"kind" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"polarity" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"title" text NOT NULL,
	"opened_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"last_activity_at" bigint NOT NULL,
	"acknowledged_at" bigint,
	"acknowledged_by" text,
	"resolved_at" bigint,
	"mention_count" integer NOT NULL,
	"mention_ids" text NOT NULL,
	"evidence" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mention_counts" (
	"brand" text NOT NULL,
	"hour" bigint NOT NULL,
	"label" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "mention_counts_brand_label_hour_pk" PRIMARY KEY("brand","label","hour")
);
--> statement-breakpoint
CREATE TABLE "mentions" (
	"brand" text NOT NULL,
	"id" text NOT NULL,
	"source" text NOT NULL,
	"source_key" text NOT NULL,
	"url" text,
	"title" text,
	"text" text NOT NULL,
	"author_handle" text,
	"author_followers" bigint,
	"author_verified" integer,
	"lang" text NOT NULL,
	"created_at" bigint NOT NULL,
	"first_seen_at" bigint NOT NULL,
	"last_seen_at" bigint NOT NULL,
	"sentiment_label" text NOT NULL,
	"sentiment_score" double precision NOT NULL,
	"intents" text NOT NULL,
	"metrics" text NOT NULL,
	"answered_at" bigint,
	"reach" bigint,
	"virality" double precision,
	"duplicate_of" text,
	CONSTRAINT "mentions_brand_id_pk" PRIMARY KEY("brand","id")
);
--> statement-breakpoint
CREATE TABLE "metric_snapshots" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "metric_snapshots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"brand" text NOT NULL,
	"mention_id" text NOT NULL,
	"at" bigint NOT NULL,
	"metrics" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_counts" (
	"brand" text NOT NULL,
	"source" text NOT NULL,
	"hour" bigint NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "source_counts_brand_source_hour_pk" PRIMARY KEY("brand","source","hour")
);
--> statement-breakpoint
CREATE TABLE "source_cursors" (
	"brand" text NOT NULL,
	"source_key" text NOT NULL,
	"source" text NOT NULL,
	"cursor" text,
	"updated_at" bigint NOT NULL,
	"last_success_at" bigint,
	"last_items_at" bigint,
	"last_error" text,
	"last_error_at" bigint,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "source_cursors_brand_source_key_pk" PRIMARY KEY("brand","source_key")
);
--> statement-breakpoint
CREATE INDEX "alerts_relayed" ON "alerts" USING btree ("relayed_at","created_at");--> statement-breakpoint
CREATE INDEX "alerts_incident" ON "alerts" USING btree ("incident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_alert_channel" ON "deliveries" USING btree ("alert_id","channel");--> statement-breakpoint
CREATE INDEX "deliveries_status" ON "deliveries" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "digests_brand_period_date" ON "digests" USING btree ("brand","period","date");--> statement-breakpoint
CREATE INDEX "incident_routes_route_critical" ON "incident_routes" USING btree ("route","critical_at");--> statement-breakpoint
CREATE INDEX "incidents_brand_status" ON "incidents" USING btree ("brand","status");--> statement-breakpoint
CREATE INDEX "mentions_brand_created" ON "mentions" USING btree ("brand","created_at");--> statement-breakpoint
CREATE INDEX "mentions_brand_label_created" ON "mentions" USING btree ("brand","sentiment_label","created_at");--> statement-breakpoint
CREATE INDEX "mentions_brand_virality" ON "mentions" USING btree ("brand","virality");--> statement-breakpoint
CREATE INDEX "snapshots_mention_at" ON "metric_snapshots" USING btree ("brand","mention_id","at");