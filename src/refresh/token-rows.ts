import { and, eq, gte, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../db/open.js';
import { REFRESH_FAILING_THRESHOLD, subjectColumns, subjectOfRow } from '../webhooks/events.js';
import { noOutbox, type Outbox } from '../webhooks/outbox.js';

/**
 * The connection-row operations of hand-out and refresh. Each is a single
 * statement, prepared once: the point read runs on every hand-out, and the
 * writes are conditional so that concurrent replicas cannot both win.
 */

export type TokenRow = Awaited<ReturnType<ReturnType<typeof createTokenRows>['read']>>;

export interface Commit {
  accessToken: string;
  /** Null keeps the stored refresh token (a provider that does not rotate it). */
  refreshToken: string | null;
  tokenType: string;
  expiresAt: number | null;
  scopes: string[] | null;
  nextRefreshAt: number | null;
}

/**
 * `changed` hears of every write to a connection's tokens or status (the hand-out cache forgets it).
 * `outbox` records the connection events of a status change in the same transaction; a plain
 * refresh and every read stay single statements without one.
 */
export function createTokenRows(
  database: Database,
  changed: (id: string) => void = () => {},
  outbox: Outbox = noOutbox(database),
) {
  const { db, tables } = database;
  const t = tables.connections;
  // Prepared on first use, not at start-up: SQLite compiles a statement against
  // the schema, which does not exist before migrations have run.
  let byId: ReturnType<typeof prepareById> | undefined;
  const prepareById = () =>
    db
      .select()
      .from(t)
      .where(eq(t.id, sql.placeholder('id')))
      .limit(1)
      .prepare('custodian_connection_by_id');
  // The ids go in as one parameter (a JSON array on SQLite, an array on Postgres): one statement,
  // prepared once, for any number of them. Built per call with one parameter each, a check of
  // 1,000 ids cost about 5 ms of CPU; prepared, 1.3 ms (SQLite) and 2 ms (Postgres).
  let byIds: ReturnType<typeof prepareByIds> | undefined;
  const prepareByIds = () =>
    db
      .select({ id: t.id, tokenVersion: t.tokenVersion, status: t.status })
      .from(t)
      .where(
        database.sqlite
          ? sql`${t.id} in (select value from json_each(${sql.placeholder('ids')}))`
          : sql`${t.id} = any(${sql.placeholder('ids')}::text[])`,
      )
      .prepare('custodian_connection_stamps');

  return {
    async read(id: string) {
      byId ??= prepareById();
      const rows = (await byId.execute({ id })) as Array<typeof t.$inferSelect>;
      return rows[0] ?? null;
    },

    /**
     * Takes the refresh lease if it is free (or expired) and the tokens are
     * still the version the caller saw. One caller wins, across replicas.
     */
    async acquireLease(id: string, seenVersion: number, owner: string, now: number, leaseMs: number) {
      const rows = await db
        .update(t)
        .set({ refreshLeaseOwner: owner, refreshLeaseUntil: now + leaseMs })
        .where(
          and(
            eq(t.id, id),
            eq(t.tokenVersion, seenVersion),
            eq(t.status, 'active'),
            or(isNull(t.refreshLeaseUntil), lt(t.refreshLeaseUntil, now)),
          ),
        )
        .returning({ id: t.id });
      return rows.length === 1;
    },

    /** Stores refreshed tokens, only if nobody else changed them since `seenVersion`. */
    async commit(id: string, seenVersion: number, tokens: Commit, now: number) {
      const values = {
        accessToken: tokens.accessToken,
        ...(tokens.refreshToken === null ? {} : { refreshToken: tokens.refreshToken }),
        tokenType: tokens.tokenType,
        expiresAt: tokens.expiresAt,
        ...(tokens.scopes === null ? {} : { scopes: JSON.stringify(tokens.scopes) }),
        tokenVersion: seenVersion + 1,
        refreshLeaseOwner: null,
        refreshLeaseUntil: null,
        nextRefreshAt: tokens.nextRefreshAt,
        refreshFailures: 0,
        lastRefreshError: null,
        updatedAt: now,
      };
      const seen = and(eq(t.id, id), eq(t.tokenVersion, seenVersion));
      // A connection that was not reported failing has nothing to report: one statement.
      let rows = await db
        .update(t)
        .set(values)
        .where(and(seen, lt(t.refreshFailures, REFRESH_FAILING_THRESHOLD)))
        .returning({ id: t.id });
      if (rows.length === 0)
        rows = await outbox.transact(async (tx) => {
          const recovered = await tx
            .update(t)
            .set(values)
            .where(and(seen, gte(t.refreshFailures, REFRESH_FAILING_THRESHOLD)))
            .returning(subjectColumns(t));
          for (const row of recovered)
            await outbox.record(tx, { type: 'connection.recovered', subject: subjectOfRow(row, 'active') });
          return recovered;
        });
      changed(id);
      return rows.length === 1;
    },

    /** The grant is dead at the provider: only a new connect flow can help. */
    async markNeedsReauth(id: string, seenVersion: number, error: string, now: number) {
      const rows = await outbox.transact(async (tx) => {
        const marked = await tx
          .update(t)
          .set({
            status: 'needs_reauth',
            refreshLeaseOwner: null,
            refreshLeaseUntil: null,
            nextRefreshAt: null,
            lastRefreshError: error,
            updatedAt: now,
          })
          .where(and(eq(t.id, id), eq(t.tokenVersion, seenVersion)))
          .returning(subjectColumns(t));
        for (const row of marked)
          await outbox.record(tx, {
            type: 'connection.needs_reauth',
            subject: subjectOfRow(row, 'needs_reauth'),
            error,
          });
        return marked;
      });
      changed(id);
      return rows.length === 1;
    },

    /** A transient failure: tokens kept, lease released, next attempt not before `retryAt`. */
    async recordFailure(id: string, owner: string, error: string, retryAt: number, now: number) {
      await outbox.transact(async (tx) => {
        const [row] = await tx
          .update(t)
          .set({
            refreshLeaseOwner: null,
            refreshLeaseUntil: null,
            refreshFailures: sql`${t.refreshFailures} + 1`,
            lastRefreshError: error,
            nextRefreshAt: retryAt,
            updatedAt: now,
          })
          .where(and(eq(t.id, id), eq(t.refreshLeaseOwner, owner)))
          .returning({ ...subjectColumns(t), failures: t.refreshFailures, status: t.status });
        // Reported once, when the run of failures reaches the threshold; `recovered` ends it.
        if (row?.failures === REFRESH_FAILING_THRESHOLD)
          await outbox.record(tx, {
            type: 'connection.refresh_failing',
            subject: subjectOfRow(row, row.status),
            error,
          });
      });
    },

    /** The token version and status of each of `ids` that still exists (the hand-out cache's check). */
    async stamps(ids: string[]) {
      byIds ??= prepareByIds();
      const rows = await byIds.execute({ ids: database.sqlite ? JSON.stringify(ids) : ids });
      return rows as Array<{ id: string; tokenVersion: number; status: string }>;
    },

    /** Connections the background refresher should renew now, oldest due first. */
    async due(now: number, limit: number) {
      return db
        .select({ id: t.id, tokenVersion: t.tokenVersion })
        .from(t)
        .where(
          and(
            eq(t.status, 'active'),
            lte(t.nextRefreshAt, now),
            or(isNull(t.refreshLeaseUntil), lt(t.refreshLeaseUntil, now)),
          ),
        )
        .orderBy(t.nextRefreshAt)
        .limit(limit);
    },
  };
}

export type TokenRows = ReturnType<typeof createTokenRows>;
