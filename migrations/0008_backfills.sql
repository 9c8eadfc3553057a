CREATE TABLE `backfills` (
	`brand` text NOT NULL,
	`source_key` text NOT NULL,
	`since` integer NOT NULL,
	`until` integer NOT NULL,
	`position` text,
	`pages` integer DEFAULT 0 NOT NULL,
	`stored` integer DEFAULT 0 NOT NULL,
	`reached` integer,
	`started_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	PRIMARY KEY(`brand`, `source_key`)
);
