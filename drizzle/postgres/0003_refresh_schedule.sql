ALTER TABLE "connections" ADD COLUMN "token_issued_at" bigint;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "granted_at" bigint;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "refresh_token_expires_at" bigint;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "last_refreshed_at" bigint;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "last_used_at" bigint;--> statement-breakpoint
-- Rows stored before these columns: the last write approximates the token's issue time, creation the grant;
-- an unscheduled grant becomes due, so the background refresher plans it (without calling the provider unless needed).
UPDATE "connections" SET "token_issued_at" = "updated_at", "granted_at" = "created_at";--> statement-breakpoint
UPDATE "connections" SET "next_refresh_at" = "updated_at" WHERE "next_refresh_at" IS NULL AND "refresh_token" IS NOT NULL AND "status" = 'active';
