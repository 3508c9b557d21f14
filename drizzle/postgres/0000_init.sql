CREATE TABLE "providers" (
	"id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"preset" text,
	"is_enabled" boolean NOT NULL,
	"client_id" text NOT NULL,
	"client_secret" text,
	"client_auth_method" text NOT NULL,
	"authorization_url" text NOT NULL,
	"token_url" text NOT NULL,
	"userinfo_url" text,
	"revocation_url" text,
	"issuer" text,
	"pkce" boolean NOT NULL,
	"settings" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
