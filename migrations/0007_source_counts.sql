CREATE TABLE `source_counts` (
	`brand` text NOT NULL,
	`source` text NOT NULL,
	`hour` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`brand`, `source`, `hour`)
);
--> statement-breakpoint
-- The history already stored counts from the start: a source that goes quiet after an upgrade is heard.
INSERT INTO `source_counts` (`brand`, `source`, `hour`, `n`)
SELECT `brand`, `source`, (`created_at` / 3600000) * 3600000, count(*) FROM `mentions` GROUP BY 1, 2, 3;
