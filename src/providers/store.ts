import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Database } from '../db/open.js';
import { type ProviderTemplate, templateDefaults, templateKeys } from './definition.js';

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

// Template fields with a column of their own; every other one is kept in the `settings` JSON column,
// so a new template field needs no migration and no line here.
const columnFields = [
  'display_name',
  'client_auth_method',
  'authorization_url',
  'token_url',
  'userinfo_url',
  'revocation_url',
  'issuer',
  'pkce',
] as const satisfies readonly (keyof ProviderTemplate)[];

type Settings = Omit<ProviderTemplate, (typeof columnFields)[number]>;

const settingsKeys = templateKeys.filter(
  (key): key is keyof Settings => !(columnFields as readonly string[]).includes(key),
);

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
    const settings = Object.fromEntries(settingsKeys.map((key) => [key, r[key]])) as Settings;
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
    ...readSettings(row.settings),
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

/** A provider stored before a field existed gets that field's default, as a custom provider would. */
function readSettings(json: string): Settings {
  const stored = { ...templateDefaults(), ...(JSON.parse(json) as Partial<Settings>) };
  return Object.fromEntries(settingsKeys.map((key) => [key, stored[key]])) as Settings;
}
