import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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

export const connectSessions = sqliteTable(
  'connect_sessions',
  {
    id: text('id').primaryKey(),
    providerId: text('provider_id').notNull(),
    tenant: text('tenant').notNull(),
    endUser: text('end_user').notNull(),
    scopes: text('scopes').notNull(),
    returnTo: text('return_to'),
    redirectUri: text('redirect_uri').notNull(),
    completion: text('completion').notNull(),
    createdBy: text('created_by').notNull(),
    stateHash: text('state_hash'),
    connectTokenHash: text('connect_token_hash').notNull(),
    browserBindingHash: text('browser_binding_hash'),
    codeVerifier: text('code_verifier'),
    /** Hash of the nonce of the latest authorization request, for a provider read from its ID token. */
    nonceHash: text('nonce_hash'),
    status: text('status').notNull(),
    error: text('error'),
    connectionId: text('connection_id'),
    /** The provider's per-connection URL values (JSON), checked when the session was created. */
    connectionParams: text('connection_params'),
    /** A scope upgrade: the connection that the new grant replaces. */
    upgradeConnectionId: text('upgrade_connection_id'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('connect_sessions_state_hash').on(t.stateHash),
    uniqueIndex('connect_sessions_connect_token_hash').on(t.connectTokenHash),
    index('connect_sessions_expires_at').on(t.expiresAt),
  ],
);

export const connections = sqliteTable(
  'connections',
  {
    id: text('id').primaryKey(),
    tenant: text('tenant').notNull(),
    providerId: text('provider_id').notNull(),
    endUser: text('end_user').notNull(),
    accountId: text('account_id').notNull(),
    accountEmail: text('account_email'),
    accountDisplayName: text('account_display_name'),
    scopes: text('scopes').notNull(),
    status: text('status').notNull(),
    accessToken: text('access_token').notNull(),
    refreshToken: text('refresh_token'),
    tokenType: text('token_type').notNull(),
    expiresAt: integer('expires_at'),
    /** Bumped whenever the tokens change: waiters on a refresh watch it. */
    tokenVersion: integer('token_version').notNull().default(0),
    /** Refresh single-flight across replicas: who holds the lease, until when. */
    refreshLeaseOwner: text('refresh_lease_owner'),
    refreshLeaseUntil: integer('refresh_lease_until'),
    /** When the background refresher should renew it; null when it cannot or need not. */
    nextRefreshAt: integer('next_refresh_at'),
    /** When the current access token was issued: with `expires_at`, its lifetime (freshness.ts). */
    tokenIssuedAt: integer('token_issued_at'),
    /** When the user last granted access (connect or reconnect): a refresh token's absolute end counts from here. */
    grantedAt: integer('granted_at'),
    /** The refresh token's end when the provider stated it (`refresh_token_expires_in`). */
    refreshTokenExpiresAt: integer('refresh_token_expires_at'),
    lastRefreshedAt: integer('last_refreshed_at'),
    /** Last hand-out, recorded at most every few minutes per replica (refresh/usage.ts): in use or idle. */
    lastUsedAt: integer('last_used_at'),
    refreshFailures: integer('refresh_failures').notNull().default(0),
    lastRefreshError: text('last_refresh_error'),
    /** The values its provider's URLs were resolved with (JSON); null when the provider has none. */
    connectionParams: text('connection_params'),
    /** What a service needs to call the provider (JSON of strings: instance_url, a tenant id); never a token. */
    metadata: text('metadata'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('connections_next_refresh_at').on(t.nextRefreshAt),
    uniqueIndex('connections_account').on(t.tenant, t.providerId, t.accountId),
    index('connections_tenant_id').on(t.tenant, t.id),
  ],
);

export const serviceClients = sqliteTable('service_clients', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  isEnabled: integer('is_enabled', { mode: 'boolean' }).notNull(),
  grants: text('grants').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const clientSecrets = sqliteTable(
  'client_secrets',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [index('client_secrets_client_id').on(t.clientId)],
);

export const brokerSecrets = sqliteTable('broker_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const signingKeys = sqliteTable('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  privateJwk: text('private_jwk').notNull(),
  publicJwk: text('public_jwk').notNull(),
  createdAt: integer('created_at').notNull(),
  retiredAt: integer('retired_at'),
});

export const revokedTokens = sqliteTable('revoked_tokens', {
  jti: text('jti').primaryKey(),
  expiresAt: integer('expires_at').notNull(),
});

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    at: integer('at').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    tenant: text('tenant'),
    outcome: text('outcome').notNull(),
    details: text('details').notNull(),
  },
  (t) => [index('audit_events_at').on(t.at)],
);

export const webhookEndpoints = sqliteTable('webhook_endpoints', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  /** Bound to a service client: only events inside its grants. Null: the admins' own. */
  clientId: text('client_id'),
  /** JSON array of event types; null for every type. */
  events: text('events'),
  description: text('description'),
  isEnabled: integer('is_enabled', { mode: 'boolean' }).notNull(),
  /** Why the broker disabled it (`gone`, `failing`); null when an admin did or it is enabled. */
  disabledReason: text('disabled_reason'),
  secret: text('secret').notNull(),
  /** The secret before the last rotation: still signs beside the new one until `previous_secret_until`. */
  previousSecret: text('previous_secret'),
  previousSecretUntil: integer('previous_secret_until'),
  /** First failed attempt since the last success; null while it answers. */
  failingSince: integer('failing_since'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    /** Time-ordered, so newest first is `id desc`. */
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id').notNull(),
    /** The `webhook-id`: the same on every attempt and for every endpoint of one event. */
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: text('payload').notNull(),
    status: text('status').notNull(),
    attempts: text('attempts').notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    leaseOwner: text('lease_owner'),
    leaseUntil: integer('lease_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_endpoint').on(t.endpointId, t.id),
    index('webhook_deliveries_created_at').on(t.createdAt),
  ],
);
