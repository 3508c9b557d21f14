import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/open.js';
import type { Tx } from '../db/transaction.js';
import type { Account } from '../oauth/account.js';
import { subjectColumns, subjectOfRow } from '../webhooks/events.js';
import { noOutbox, type Outbox } from '../webhooks/outbox.js';

export type ConnectionStatus = 'active' | 'needs_reauth' | 'revoked';

/** One end user's grant at one provider, in one tenant. Tokens are vault ciphertexts bound to the row id. */
export interface ConnectionRecord {
  id: string;
  tenant: string;
  provider_id: string;
  end_user: string;
  account: Account;
  scopes: string[];
  status: ConnectionStatus;
  access_token_ciphertext: string;
  refresh_token_ciphertext: string | null;
  token_type: string;
  expires_at: number | null;
  granted_at: number | null;
  /** As the provider stated it; the view caps it with the provider's absolute end (schedule.ts). */
  refresh_token_expires_at: number | null;
  last_refreshed_at: number | null;
  next_refresh_at: number | null;
  /** A stable code (failure-code.ts, or `refresh_token_expired`), never the provider's text. */
  last_error: string | null;
  /** The values its provider's URLs are resolved with; null when the provider has none. */
  connection_params: Record<string, string> | null;
  /** Values a service needs to call the provider (connection-metadata.ts); never a token. */
  metadata: Record<string, string>;
  created_at: number;
  updated_at: number;
}

export interface ConnectionFilter {
  tenant?: string;
  /** Restricts to these tenants (a caller's grants). */
  tenants?: readonly string[];
  providers?: readonly string[];
  end_user?: string;
  provider_id?: string;
  status?: ConnectionStatus;
}

/** A grant to store; ciphertexts are made once the row id is known, since they are bound to it. */
export interface GrantToSave {
  tenant: string;
  provider_id: string;
  end_user: string;
  account: Account;
  scopes: string[];
  token_type: string;
  expires_at: number | null;
  /** From the answer's `refresh_token_expires_in`; null when it stated none. */
  refresh_token_expires_at: number | null;
  connection_params?: Record<string, string> | null;
  metadata?: Record<string, string>;
  seal: (rowId: string) => { access: string; refresh: string | null };
  /** The first renewal (refresh/schedule.ts), once the row id and whether it holds a refresh token are known. */
  plan: (rowId: string, hasRefreshToken: boolean) => number | null;
}

/**
 * `changed` hears of every write to a connection (the hand-out cache forgets it); `outbox` records
 * the connection events of a save or a delete in the same transaction.
 */
export function createConnectionStore(
  database: Database,
  changed: (id: string) => void = () => {},
  outbox: Outbox = noOutbox(database),
) {
  const { db, tables } = database;
  const t = tables.connections;
  type Row = typeof t.$inferSelect;

  const fromRow = (r: Row): ConnectionRecord => ({
    id: r.id,
    tenant: r.tenant,
    provider_id: r.providerId,
    end_user: r.endUser,
    account: { user_id: r.accountId, email: r.accountEmail, display_name: r.accountDisplayName },
    scopes: JSON.parse(r.scopes) as string[],
    status: r.status as ConnectionStatus,
    access_token_ciphertext: r.accessToken,
    refresh_token_ciphertext: r.refreshToken,
    token_type: r.tokenType,
    expires_at: r.expiresAt,
    granted_at: r.grantedAt,
    refresh_token_expires_at: r.refreshTokenExpiresAt,
    last_refreshed_at: r.lastRefreshedAt,
    next_refresh_at: r.nextRefreshAt,
    last_error: r.lastRefreshError,
    connection_params: parseJson(r.connectionParams),
    metadata: parseJson(r.metadata) ?? {},
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  });

  const findByAccount = async (tx: Tx, g: GrantToSave) =>
    (
      await tx
        .select({ id: t.id, refreshToken: t.refreshToken })
        .from(t)
        .where(
          and(eq(t.tenant, g.tenant), eq(t.providerId, g.provider_id), eq(t.accountId, g.account.user_id)),
        )
        .limit(1)
    )[0];

  const store = {
    get: async (id: string) => {
      const rows = await db.select().from(t).where(eq(t.id, id)).limit(1);
      return rows[0] ? fromRow(rows[0]) : null;
    },

    async list(
      filter: ConnectionFilter,
      page: { limit: number; after?: string },
    ): Promise<ConnectionRecord[]> {
      const rows = await db
        .select()
        .from(t)
        .where(
          and(
            filter.tenant === undefined ? undefined : eq(t.tenant, filter.tenant),
            filter.tenants === undefined ? undefined : inArray(t.tenant, [...filter.tenants]),
            filter.providers === undefined ? undefined : inArray(t.providerId, [...filter.providers]),
            filter.end_user === undefined ? undefined : eq(t.endUser, filter.end_user),
            filter.provider_id === undefined ? undefined : eq(t.providerId, filter.provider_id),
            filter.status === undefined ? undefined : eq(t.status, filter.status),
            page.after === undefined ? undefined : gt(t.id, page.after),
          ),
        )
        .orderBy(asc(t.id))
        .limit(page.limit);
      return rows.map(fromRow);
    },

    /**
     * Stores a grant: one row per (tenant, provider, account). Connecting the
     * same account again replaces its tokens in place; a grant without a
     * refresh token keeps the stored one. Either way the grant is scheduled
     * from now (`plan`), and a reconnect starts afresh: no failures, no
     * backoff, no lease, no use recorded (so the next hand-out's record makes
     * it due as a connection in use).
     */
    async saveGrant(grant: GrantToSave, newId: string, now: number): Promise<string> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const saved = await outbox.transact(async (tx) => {
          const found = await findByAccount(tx, grant);
          if (found) {
            const existing = found.id;
            const sealed = grant.seal(existing);
            const [row] = await tx
              .update(t)
              .set({
                endUser: grant.end_user,
                accountEmail: grant.account.email,
                accountDisplayName: grant.account.display_name,
                scopes: JSON.stringify(grant.scopes),
                status: 'active',
                accessToken: sealed.access,
                ...(sealed.refresh === null ? {} : { refreshToken: sealed.refresh }),
                tokenType: grant.token_type,
                expiresAt: grant.expires_at,
                ...grantTimes(grant, now),
                nextRefreshAt: grant.plan(existing, sealed.refresh !== null || found.refreshToken !== null),
                // The grant's URL values and metadata are the new grant's (a reconnect may change them).
                connectionParams: jsonOrNull(grant.connection_params ?? null),
                metadata: jsonOrNull(grant.metadata ?? null),
                // A new grant starts a new run: failures, backoff and lease are the old grant's.
                refreshFailures: 0,
                lastRefreshError: null,
                refreshLeaseOwner: null,
                refreshLeaseUntil: null,
                // New tokens are a new version: a refresh begun on the old grant cannot commit over
                // them, and other replicas' hand-out caches see the change.
                tokenVersion: sql`${t.tokenVersion} + 1`,
                updatedAt: now,
              })
              .where(eq(t.id, existing))
              .returning(subjectColumns(t));
            if (row)
              await outbox.record(tx, {
                type: 'connection.reconnected',
                subject: subjectOfRow(row, 'active'),
              });
            return existing;
          }
          const sealed = grant.seal(newId);
          const inserted = await tx
            .insert(t)
            .values({
              id: newId,
              tenant: grant.tenant,
              providerId: grant.provider_id,
              endUser: grant.end_user,
              accountId: grant.account.user_id,
              accountEmail: grant.account.email,
              accountDisplayName: grant.account.display_name,
              scopes: JSON.stringify(grant.scopes),
              status: 'active',
              accessToken: sealed.access,
              refreshToken: sealed.refresh,
              tokenType: grant.token_type,
              expiresAt: grant.expires_at,
              connectionParams: jsonOrNull(grant.connection_params ?? null),
              metadata: jsonOrNull(grant.metadata ?? null),
              ...grantTimes(grant, now),
              nextRefreshAt: grant.plan(newId, sealed.refresh !== null),
              createdAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing()
            .returning(subjectColumns(t));
          if (inserted[0] === undefined) return null;
          await outbox.record(tx, {
            type: 'connection.created',
            subject: subjectOfRow(inserted[0], 'active'),
          });
          return newId;
        });
        if (saved !== null) {
          changed(saved);
          return saved;
        }
        // Another request stored the same account first: replace its tokens instead.
      }
      throw new Error('could not store the connection after concurrent updates');
    },

    async delete(id: string): Promise<boolean> {
      const deleted = await outbox.transact(async (tx) => {
        const [row] = await tx.delete(t).where(eq(t.id, id)).returning(subjectColumns(t));
        if (row)
          await outbox.record(tx, { type: 'connection.deleted', subject: subjectOfRow(row, 'deleted') });
        return row !== undefined;
      });
      changed(id);
      return deleted;
    },

    async existForProvider(providerId: string): Promise<boolean> {
      return (await db.select({ id: t.id }).from(t).where(eq(t.providerId, providerId)).limit(1)).length > 0;
    },
  };
  // A stored grant survives a power cut: the provider has spent the code and may have revoked
  // the grant's previous tokens, so losing the commit would lose the connection.
  return {
    ...store,
    saveGrant: (...args: Parameters<typeof store.saveGrant>) =>
      database.durably(() => store.saveGrant(...args)),
  };
}

/** A JSON object column: null for nothing, so rows without values cost nothing. */
export function parseJson(text: string | null): Record<string, string> | null {
  return text === null ? null : (JSON.parse(text) as Record<string, string>);
}

export function jsonOrNull(value: Record<string, string> | null): string | null {
  return value === null || Object.keys(value).length === 0 ? null : JSON.stringify(value);
}

/** The times a new grant starts with: issued and granted now, never refreshed or used. */
const grantTimes = (grant: GrantToSave, now: number) => ({
  tokenIssuedAt: now,
  grantedAt: now,
  refreshTokenExpiresAt: grant.refresh_token_expires_at,
  lastRefreshedAt: null,
  lastUsedAt: null,
});

export type ConnectionStore = ReturnType<typeof createConnectionStore>;
