import { bigint, boolean, pgTable, text } from 'drizzle-orm/pg-core';

// Keep in step with ./sqlite.ts: same tables, same columns, same meaning.

const millis = (name: string) => bigint(name, { mode: 'number' });

export const providers = pgTable('providers', {
  id: text('id').primaryKey(),
  displayName: text('display_name').notNull(),
  preset: text('preset'),
  isEnabled: boolean('is_enabled').notNull(),
  clientId: text('client_id').notNull(),
  clientSecret: text('client_secret'),
  clientAuthMethod: text('client_auth_method').notNull(),
  authorizationUrl: text('authorization_url').notNull(),
  tokenUrl: text('token_url').notNull(),
  userinfoUrl: text('userinfo_url'),
  revocationUrl: text('revocation_url'),
  issuer: text('issuer'),
  pkce: boolean('pkce').notNull(),
  settings: text('settings').notNull(),
  createdAt: millis('created_at').notNull(),
  updatedAt: millis('updated_at').notNull(),
});
