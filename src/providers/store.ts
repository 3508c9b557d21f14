import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Database } from '../db/open.js';
import { DEFAULT_REFRESH_TOKEN_IDLE_SECONDS } from '../refresh/schedule.js';
import type { ProviderTemplate } from './model.js';

/** A provider as stored: the template, its identity, and the client credentials. */
export interface ProviderRecord extends ProviderTemplate {
  provider_id: string;
  preset: string | null;
  is_enabled: boolean;
  client_id: string;
  /** Vault ciphertext, bound to (providers, client_secret, provider_id). */
  client_secret_ciphertext: string | null;
  created_at: number;
  updated_at: number;
}

/** Structured settings kept together in the `settings` JSON column. */
type Settings = Pick<
  ProviderTemplate,
  | 'scopes'
  | 'scope_separator'
  | 'authorization_params'
  | 'token_params'
  | 'userinfo'
  | 'expiry_buffer_seconds'
  | 'default_token_lifetime_seconds'
  | 'refresh_token_idle_seconds'
  | 'refresh_token_max_seconds'
  | 'token_errors_with_200'
>;

const settingsDefaults = {
  refresh_token_idle_seconds: DEFAULT_REFRESH_TOKEN_IDLE_SECONDS,
  refresh_token_max_seconds: null,
} satisfies Partial<Settings>;

export interface ProviderStore {
  get(id: string): Promise<ProviderRecord | null>;
  /** Ordered by id; `after` is the last id of the previous page. */
  list(options: {
    limit: number;
    after?: string;
    enabledOnly?: boolean;
    /** Only these ids (a client's granted providers). */
    only?: readonly string[];
  }): Promise<ProviderRecord[]>;
  /** False when the id is taken. */
  insert(record: ProviderRecord): Promise<boolean>;
  /** Replaces everything but `created_at`; false when the row is gone. */
  update(record: ProviderRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export function createProviderStore({ db, tables }: Database): ProviderStore {
  const t = tables.providers;
  type Row = typeof t.$inferSelect;

  const toRow = (r: ProviderRecord): Row => {
    const settings: Settings = {
      scopes: r.scopes,
      scope_separator: r.scope_separator,
      authorization_params: r.authorization_params,
      token_params: r.token_params,
      userinfo: r.userinfo,
      expiry_buffer_seconds: r.expiry_buffer_seconds,
      default_token_lifetime_seconds: r.default_token_lifetime_seconds,
      refresh_token_idle_seconds: r.refresh_token_idle_seconds,
      refresh_token_max_seconds: r.refresh_token_max_seconds,
      token_errors_with_200: r.token_errors_with_200,
    };
    return {
      id: r.provider_id,
      displayName: r.display_name,
      preset: r.preset,
      isEnabled: r.is_enabled,
      clientId: r.client_id,
      clientSecret: r.client_secret_ciphertext,
      clientAuthMethod: r.client_auth_method,
      authorizationUrl: r.authorization_url,
      tokenUrl: r.token_url,
      userinfoUrl: r.userinfo_url,
      revocationUrl: r.revocation_url,
      issuer: r.issuer,
      pkce: r.pkce,
      settings: JSON.stringify(settings),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  };

  const fromRow = (row: Row): ProviderRecord => ({
    // Providers stored before the refresh-token lifetimes existed get the defaults of a custom provider.
    ...({ ...settingsDefaults, ...JSON.parse(row.settings) } as Settings),
    provider_id: row.id,
    display_name: row.displayName,
    preset: row.preset,
    is_enabled: row.isEnabled,
    client_id: row.clientId,
    client_secret_ciphertext: row.clientSecret,
    client_auth_method: row.clientAuthMethod as ProviderRecord['client_auth_method'],
    authorization_url: row.authorizationUrl,
    token_url: row.tokenUrl,
    userinfo_url: row.userinfoUrl,
    revocation_url: row.revocationUrl,
    issuer: row.issuer,
    pkce: row.pkce,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  });

  return {
    async get(id) {
      const rows = await db.select().from(t).where(eq(t.id, id)).limit(1);
      return rows[0] ? fromRow(rows[0]) : null;
    },
    async list({ limit, after, enabledOnly, only }) {
      const where = and(
        after === undefined ? undefined : gt(t.id, after),
        enabledOnly ? eq(t.isEnabled, true) : undefined,
        only === undefined ? undefined : inArray(t.id, [...only]),
      );
      const rows = await db.select().from(t).where(where).orderBy(asc(t.id)).limit(limit);
      return rows.map(fromRow);
    },
    async insert(record) {
      const inserted = await db.insert(t).values(toRow(record)).onConflictDoNothing().returning({ id: t.id });
      return inserted.length === 1;
    },
    async update(record) {
      const { id, createdAt: _created, ...changes } = toRow(record);
      const updated = await db.update(t).set(changes).where(eq(t.id, id)).returning({ id: t.id });
      return updated.length === 1;
    },
    async delete(id) {
      const deleted = await db.delete(t).where(eq(t.id, id)).returning({ id: t.id });
      return deleted.length === 1;
    },
  };
}
