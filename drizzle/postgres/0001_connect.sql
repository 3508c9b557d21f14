CREATE TABLE "connect_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"tenant" text NOT NULL,
	"end_user" text NOT NULL,
	"scopes" text NOT NULL,
	"return_to" text,
	"redirect_uri" text NOT NULL,
	"completion" text NOT NULL,
	"created_by" text NOT NULL,
	"state_hash" text,
	"connect_token_hash" text NOT NULL,
	"browser_binding_hash" text,
	"code_verifier" text,
	"status" text NOT NULL,
	"error" text,
	"connection_id" text,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connections" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"provider_id" text NOT NULL,
	"end_user" text NOT NULL,
	"account_id" text NOT NULL,
	"account_email" text,
	"account_display_name" text,
	"scopes" text NOT NULL,
	"status" text NOT NULL,
	"access_token" text NOT NULL,
	"refresh_token" text,
	"token_type" text NOT NULL,
	"expires_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "connect_sessions_state_hash" ON "connect_sessions" USING btree ("state_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "connect_sessions_connect_token_hash" ON "connect_sessions" USING btree ("connect_token_hash");--> statement-breakpoint
CREATE INDEX "connect_sessions_expires_at" ON "connect_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "connections_account" ON "connections" USING btree ("tenant","provider_id","account_id");--> statement-breakpoint
CREATE INDEX "connections_tenant_id" ON "connections" USING btree ("tenant","id");