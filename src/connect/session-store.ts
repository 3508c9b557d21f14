import { and, eq, gt, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import type { Database } from '../db/open.js';
import type { ConnectionEvent } from '../webhooks/events.js';
import { noOutbox, type Outbox } from '../webhooks/outbox.js';

export type SessionStatus = 'pending' | 'exchanging' | 'completed' | 'failed';

/** The error of a session whose time ran out, whoever noticed first: the expiry sweep, the callback or complete. */
export const SESSION_EXPIRED = 'session_expired';

/** A session that ended because its time ran out: later uses get the "expired" answer, not "used". */
export const endedByExpiry = (s: Pick<ConnectSession, 'status' | 'error'>) =>
  s.status === 'failed' && s.error === SESSION_EXPIRED;

/** One attempt to connect an account. Secrets in it are hashes, or vault ciphertext (the verifier). */
export interface ConnectSession {
  id: string;
  provider_id: string;
  tenant: string;
  end_user: string;
  scopes: string[];
  return_to: string | null;
  /** The redirect URI sent to the provider: the broker's callback, or the caller's own page. */
  redirect_uri: string;
  /** `browser`: the broker's callback finishes it; `service`: the caller posts the code. */
  completion: 'browser' | 'service';
  created_by: string;
  /** Hash of the state of the latest authorization request; null until there is one. */
  state_hash: string | null;
  connect_token_hash: string;
  browser_binding_hash: string | null;
  code_verifier_ciphertext: string | null;
  /** Hash of the nonce of the latest authorization request; null when it sent none (no ID token is read). */
  nonce_hash: string | null;
  status: SessionStatus;
  error: string | null;
  connection_id: string | null;
  /** The provider's per-connection URL values, checked when the session was created. */
  connection_params: Record<string, string> | null;
  /** A scope upgrade: the connection whose grant this session replaces. */
  upgrade_connection_id: string | null;
  created_at: number;
  expires_at: number;
  updated_at: number;
}

/** `outbox` records `connect_session.failed` in the same transaction as the failure. */
export function createSessionStore(database: Database, outbox: Outbox = noOutbox(database)) {
  const { db, tables } = database;
  const t = tables.connectSessions;
  type Row = typeof t.$inferSelect;

  const fromRow = (r: Row): ConnectSession => ({
    id: r.id,
    provider_id: r.providerId,
    tenant: r.tenant,
    end_user: r.endUser,
    scopes: JSON.parse(r.scopes) as string[],
    return_to: r.returnTo,
    redirect_uri: r.redirectUri,
    completion: r.completion as ConnectSession['completion'],
    created_by: r.createdBy,
    state_hash: r.stateHash,
    connect_token_hash: r.connectTokenHash,
    browser_binding_hash: r.browserBindingHash,
    code_verifier_ciphertext: r.codeVerifier,
    nonce_hash: r.nonceHash,
    status: r.status as SessionStatus,
    error: r.error,
    connection_id: r.connectionId,
    connection_params:
      r.connectionParams === null ? null : (JSON.parse(r.connectionParams) as Record<string, string>),
    upgrade_connection_id: r.upgradeConnectionId,
    created_at: r.createdAt,
    expires_at: r.expiresAt,
    updated_at: r.updatedAt,
  });
  const first = (rows: Row[]) => (rows[0] ? fromRow(rows[0]) : null);

  return {
    async insert(s: ConnectSession): Promise<void> {
      await db.insert(t).values({
        id: s.id,
        providerId: s.provider_id,
        tenant: s.tenant,
        endUser: s.end_user,
        scopes: JSON.stringify(s.scopes),
        returnTo: s.return_to,
        redirectUri: s.redirect_uri,
        completion: s.completion,
        createdBy: s.created_by,
        stateHash: s.state_hash,
        connectTokenHash: s.connect_token_hash,
        browserBindingHash: s.browser_binding_hash,
        codeVerifier: s.code_verifier_ciphertext,
        nonceHash: s.nonce_hash,
        status: s.status,
        error: s.error,
        connectionId: s.connection_id,
        connectionParams: s.connection_params === null ? null : JSON.stringify(s.connection_params),
        upgradeConnectionId: s.upgrade_connection_id,
        createdAt: s.created_at,
        expiresAt: s.expires_at,
        updatedAt: s.updated_at,
      });
    },
    get: async (id: string) => first(await db.select().from(t).where(eq(t.id, id)).limit(1)),
    byStateHash: async (hash: string) =>
      first(await db.select().from(t).where(eq(t.stateHash, hash)).limit(1)),
    byConnectTokenHash: async (hash: string) =>
      first(await db.select().from(t).where(eq(t.connectTokenHash, hash)).limit(1)),

    /**
     * Starts an authorization request for a browser: records the new state (and
     * nonce, null when none is sent) and binds the browser, if no other browser
     * holds the session. `bindingHash` null keeps the current binding (the same
     * browser coming back).
     */
    async beginAuthorization(
      id: string,
      request: { stateHash: string; nonceHash: string | null },
      bindingHash: string | null,
      now: number,
    ) {
      const rows = await db
        .update(t)
        .set({
          stateHash: request.stateHash,
          nonceHash: request.nonceHash,
          updatedAt: now,
          ...(bindingHash === null ? {} : { browserBindingHash: bindingHash }),
        })
        .where(
          and(
            eq(t.id, id),
            eq(t.status, 'pending'),
            gt(t.expiresAt, now),
            bindingHash === null ? undefined : isNull(t.browserBindingHash),
          ),
        )
        .returning({ id: t.id });
      return rows.length === 1;
    },

    /**
     * Takes a pending, unexpired session for its one code exchange. Exactly
     * one caller wins, so a replayed or concurrent callback cannot exchange twice.
     */
    async claim(id: string, now: number): Promise<boolean> {
      const rows = await db
        .update(t)
        .set({ status: 'exchanging', updatedAt: now })
        .where(and(eq(t.id, id), eq(t.status, 'pending'), gt(t.expiresAt, now)))
        .returning({ id: t.id });
      return rows.length === 1;
    },

    /** Ends a session that is pending or exchanging; the verifier is dropped either way. */
    async finish(
      id: string,
      outcome: { status: 'completed'; connectionId: string } | { status: 'failed'; error: string },
      now: number,
    ): Promise<void> {
      const end = (tx: Pick<Database['db'], 'update'>) =>
        tx
          .update(t)
          .set({
            status: outcome.status,
            connectionId: outcome.status === 'completed' ? outcome.connectionId : null,
            error: outcome.status === 'failed' ? outcome.error : null,
            codeVerifier: null,
            updatedAt: now,
          })
          .where(and(eq(t.id, id), inArray(t.status, ['pending', 'exchanging'])))
          .returning({ tenant: t.tenant, endUser: t.endUser, providerId: t.providerId });
      if (outcome.status === 'completed') {
        await end(db);
        return;
      }
      await outbox.transact(async (tx) => {
        for (const row of await end(tx)) await outbox.record(tx, failedEvent(row, outcome.error));
      });
    },

    /**
     * Fails, with `session_expired`, up to `limit` sessions whose time ran out:
     * pending ones once `expires_at` has passed, exchanging ones only once it
     * passed `exchangeGraceMs` ago (their exchange may still be running until
     * then). Each gets its `connect_session.failed` in the same transaction.
     * The status is checked again by the update itself, so replicas sweeping
     * at once, or a callback racing the sweep, end a session exactly once.
     * Answers how many it failed.
     */
    async expire(now: number, exchangeGraceMs: number, limit: number): Promise<number> {
      const due = and(
        lte(t.expiresAt, now),
        or(eq(t.status, 'pending'), and(eq(t.status, 'exchanging'), lte(t.expiresAt, now - exchangeGraceMs))),
      );
      return outbox.transact(async (tx) => {
        const ended = await tx
          .update(t)
          .set({ status: 'failed', error: SESSION_EXPIRED, codeVerifier: null, updatedAt: now })
          .where(and(inArray(t.id, tx.select({ id: t.id }).from(t).where(due).limit(limit)), due))
          .returning({ tenant: t.tenant, endUser: t.endUser, providerId: t.providerId });
        for (const row of ended) await outbox.record(tx, failedEvent(row, SESSION_EXPIRED));
        return ended.length;
      });
    },

    /**
     * Deletes ended sessions that expired before `before`. One still pending or
     * exchanging is kept until the expiry sweep has failed it and so told the
     * webhooks (a broker that was down for longer than the retention, say).
     */
    async prune(before: number): Promise<void> {
      await db.delete(t).where(and(lt(t.expiresAt, before), inArray(t.status, ['completed', 'failed'])));
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/** Every failure reports the same subject: who tried to connect what; no connection, no account, no token. */
function failedEvent(row: { tenant: string; endUser: string; providerId: string }, error: string) {
  return {
    type: 'connect_session.failed',
    subject: {
      connection_id: null,
      tenant: row.tenant,
      end_user: row.endUser,
      provider_id: row.providerId,
      account: null,
      status: 'failed',
    },
    error,
  } satisfies ConnectionEvent;
}
