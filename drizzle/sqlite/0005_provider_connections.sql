ALTER TABLE `connect_sessions` ADD `connection_params` text;--> statement-breakpoint
ALTER TABLE `connect_sessions` ADD `upgrade_connection_id` text;--> statement-breakpoint
ALTER TABLE `connections` ADD `connection_params` text;--> statement-breakpoint
ALTER TABLE `connections` ADD `metadata` text;