ALTER TABLE "connect_sessions" ADD COLUMN "connection_params" text;--> statement-breakpoint
ALTER TABLE "connect_sessions" ADD COLUMN "upgrade_connection_id" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "connection_params" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "metadata" text;