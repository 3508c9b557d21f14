import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// Keep in step with ./postgres.ts: same tables, same columns, same meaning.
// Times are epoch milliseconds; structured settings are JSON text; secrets
// are vault ciphertexts (text), never plaintext.

export const providers = sqliteTable('providers', {
  id: text('id').primaryKey(),
  displayName: text('display_name').notNull(),
  preset: text('preset'),
  isEnabled: integer('is_enabled', { mode: 'boolean' }).notNull(),
  clientId: text('client_id').notNull(),
  clientSecret: text('client_secret'),
  clientAuthMethod: text('client_auth_method').notNull(),
  authorizationUrl: text('authorization_url').notNull(),
  tokenUrl: text('token_url').notNull(),
  userinfoUrl: text('userinfo_url'),
  revocationUrl: text('revocation_url'),
  issuer: text('issuer'),
  pkce: integer('pkce', { mode: 'boolean' }).notNull(),
  settings: text('settings').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
