CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`brand` text NOT NULL,
	`kind` text NOT NULL,
	`severity` text NOT NULL,
	`created_at` integer NOT NULL,
	`payload` text NOT NULL,
	`relayed_at` integer
);
--> statement-breakpoint
CREATE INDEX `alerts_relayed` ON `alerts` (`relayed_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `alerts_incident` ON `alerts` (`incident_id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY NOT NULL,
	`alert_id` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_alert_channel` ON `deliveries` (`alert_id`,`channel`);--> statement-breakpoint
CREATE INDEX `deliveries_status` ON `deliveries` (`status`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`brand` text NOT NULL,
	`kind` text NOT NULL,
	`polarity` text NOT NULL,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`title` text NOT NULL,
	`opened_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`resolved_at` integer,
	`mention_count` integer NOT NULL,
	`mention_ids` text NOT NULL,
	`evidence` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incidents_brand_status` ON `incidents` (`brand`,`status`);--> statement-breakpoint
CREATE TABLE `mention_counts` (
	`brand` text NOT NULL,
	`hour` integer NOT NULL,
	`label` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`brand`, `label`, `hour`)
);
--> statement-breakpoint
CREATE TABLE `mentions` (
	`brand` text NOT NULL,
	`id` text NOT NULL,
	`source` text NOT NULL,
	`source_key` text NOT NULL,
	`url` text,
	`title` text,
	`text` text NOT NULL,
	`author_handle` text,
	`author_followers` integer,
	`author_verified` integer,
	`lang` text NOT NULL,
	`created_at` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`sentiment_label` text NOT NULL,
	`sentiment_score` real NOT NULL,
	`intents` text NOT NULL,
	`metrics` text NOT NULL,
	`answered_at` integer,
	PRIMARY KEY(`brand`, `id`)
);
--> statement-breakpoint
CREATE INDEX `mentions_brand_created` ON `mentions` (`brand`,`created_at`);--> statement-breakpoint
CREATE INDEX `mentions_brand_label_created` ON `mentions` (`brand`,`sentiment_label`,`created_at`);--> statement-breakpoint
CREATE TABLE `metric_snapshots` (
	`id` integer PRIMARY KEY NOT NULL,
	`brand` text NOT NULL,
	`mention_id` text NOT NULL,
	`at` integer NOT NULL,
	`metrics` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `snapshots_mention_at` ON `metric_snapshots` (`brand`,`mention_id`,`at`);--> statement-breakpoint
CREATE TABLE `source_cursors` (
	`brand` text NOT NULL,
	`source_key` text NOT NULL,
	`source` text NOT NULL,
	`cursor` text,
	`updated_at` integer NOT NULL,
	`last_success_at` integer,
	`last_items_at` integer,
	`last_error` text,
	`last_error_at` integer,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`brand`, `source_key`)
);
