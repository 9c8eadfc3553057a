ALTER TABLE `incidents` ADD `subject` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `mentions_brand_virality` ON `mentions` (`brand`,`virality`);