CREATE TABLE `incident_routes` (
	`incident_id` text NOT NULL,
	`route` text NOT NULL,
	`last_sent_at` integer NOT NULL,
	`last_severity` text NOT NULL,
	`critical_at` integer,
	`escalated_at` integer,
	PRIMARY KEY(`incident_id`, `route`)
);
--> statement-breakpoint
CREATE INDEX `incident_routes_route_critical` ON `incident_routes` (`route`,`critical_at`);