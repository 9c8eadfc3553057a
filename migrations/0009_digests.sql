CREATE TABLE `digests` (
	`id` text PRIMARY KEY NOT NULL,
	`brand` text NOT NULL,
	`period` text NOT NULL,
	`date` text NOT NULL,
	`timezone` text NOT NULL,
	`created_at` integer NOT NULL,
	`report` text NOT NULL,
	`file` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `digests_brand_period_date` ON `digests` (`brand`,`period`,`date`);