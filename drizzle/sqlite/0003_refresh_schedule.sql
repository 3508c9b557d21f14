ALTER TABLE `connections` ADD `token_issued_at` integer;--> statement-breakpoint
ALTER TABLE `connections` ADD `granted_at` integer;--> statement-breakpoint
ALTER TABLE `connections` ADD `refresh_token_expires_at` integer;--> statement-breakpoint
ALTER TABLE `connections` ADD `last_refreshed_at` integer;--> statement-breakpoint
ALTER TABLE `connections` ADD `last_used_at` integer;--> statement-breakpoint
-- Rows stored before these columns: the last write approximates the token's issue time, creation the grant;
-- an unscheduled grant becomes due, so the background refresher plans it (without calling the provider unless needed).
UPDATE `connections` SET `token_issued_at` = `updated_at`, `granted_at` = `created_at`;--> statement-breakpoint
UPDATE `connections` SET `next_refresh_at` = `updated_at` WHERE `next_refresh_at` IS NULL AND `refresh_token` IS NOT NULL AND `status` = 'active';
