import { and, asc, count, desc, eq, inArray, isNull, lt, lte, min, ne, or } from 'drizzle-orm';
import type { Database } from '../db/open.js';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One try at sending: when, how it ended, how long it took. */
export interface Attempt {
  at: number;
  status_code: number | null;
  /** The broker's network error code when no HTTP answer came (`upstream_timeout`, ...). */
  error_code: string | null;
  duration_ms: number;
  /** At most a few hundred characters of the answer, for whoever debugs the receiver. */
  response_excerpt: string | null;
}

export interface DeliveryRecord {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: DeliveryStatus;
  attempts: Attempt[];
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

export function createDeliveryStore({ db, tables }: Database) {
  const t = tables.webhookDeliveries;
  const e = tables.webhookEndpoints;
  type Row = typeof t.$inferSelect;
  const fromRow = (r: Row): DeliveryRecord => ({
    id: r.id,
    endpoint_id: r.endpointId,
    event_id: r.eventId,
    event_type: r.eventType,
    payload: r.payload,
    status: r.status as DeliveryStatus,
    attempts: JSON.parse(r.attempts) as Attempt[],
    next_attempt_at: r.nextAttemptAt,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  });
  const due = (now: number) =>
    and(eq(t.status, 'pending'), lte(t.nextAttemptAt, now), or(isNull(t.leaseUntil), lt(t.leaseUntil, now)));

  return {
    async insert(r: Omit<DeliveryRecord, 'attempts' | 'status' | 'updated_at'>) {
      await db.insert(t).values({
        id: r.id,
        endpointId: r.endpoint_id,
        eventId: r.event_id,
        eventType: r.event_type,
        payload: r.payload,
        status: 'pending',
        attempts: '[]',
        nextAttemptAt: r.next_attempt_at,
        createdAt: r.created_at,
        updatedAt: r.created_at,
      });
    },

    /** Deliveries not yet ended, and those of them due now and not being sent (the `webhook_deliveries_due` index). */
    async backlog(now: number) {
      const [pending] = await db.select({ n: count() }).from(t).where(eq(t.status, 'pending'));
      const [dueNow] = await db.select({ n: count() }).from(t).where(due(now));
      return { pending: Number(pending?.n ?? 0), due: Number(dueNow?.n ?? 0) };
    },

    /** Enabled endpoints with deliveries due, the longest-waiting first. */
    async endpointsDue(now: number, limit: number) {
      const rows = await db
        .select({ endpointId: t.endpointId, oldest: min(t.nextAttemptAt) })
        .from(t)
        .innerJoin(e, and(eq(e.id, t.endpointId), eq(e.isEnabled, true)))
        .where(due(now))
        .groupBy(t.endpointId)
        .orderBy(asc(min(t.nextAttemptAt)))
        .limit(limit);
      return rows.map((r) => r.endpointId);
    },

    /**
     * Leases up to `limit` due deliveries of one endpoint. The update re-checks
     * that each is still due and unleased, so of two replicas reaching for the
     * same row exactly one gets it (the refresher's lease pattern).
     */
    async claim(endpointId: string, owner: string, now: number, leaseMs: number, limit: number) {
      const candidates = await db
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.endpointId, endpointId), due(now)))
        .orderBy(asc(t.nextAttemptAt))
        .limit(limit);
      if (candidates.length === 0) return [];
      const rows = await db
        .update(t)
        .set({ leaseOwner: owner, leaseUntil: now + leaseMs })
        .where(
          and(
            inArray(
              t.id,
              candidates.map((c) => c.id),
            ),
            due(now),
          ),
        )
        .returning();
      return rows.map(fromRow);
    },

    /** Stores an attempt's outcome, only while this replica still holds the lease. */
    async finishAttempt(
      id: string,
      owner: string,
      outcome: { status: DeliveryStatus; attempts: Attempt[]; nextAttemptAt: number | null },
      now: number,
    ) {
      const rows = await db
        .update(t)
        .set({
          status: outcome.status,
          attempts: JSON.stringify(outcome.attempts),
          attemptCount: outcome.attempts.length,
          nextAttemptAt: outcome.nextAttemptAt,
          leaseOwner: null,
          leaseUntil: null,
          updatedAt: now,
        })
        .where(and(eq(t.id, id), eq(t.leaseOwner, owner)))
        .returning({ id: t.id });
      return rows.length === 1;
    },

    async get(endpointId: string, id: string) {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.id, id), eq(t.endpointId, endpointId)))
        .limit(1);
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** Newest first; `before` is the last id of the previous page. */
    async list(
      endpointId: string,
      filter: { status?: DeliveryStatus; event_type?: string },
      page: { limit: number; before?: string },
    ) {
      const rows = await db
        .select()
        .from(t)
        .where(
          and(
            eq(t.endpointId, endpointId),
            filter.status === undefined ? undefined : eq(t.status, filter.status),
            filter.event_type === undefined ? undefined : eq(t.eventType, filter.event_type),
            page.before === undefined ? undefined : lt(t.id, page.before),
          ),
        )
        .orderBy(desc(t.id))
        .limit(page.limit);
      return rows.map(fromRow);
    },

    /** Due now, whatever its state; its attempts so far are kept. */
    async retryNow(endpointId: string, id: string, now: number) {
      const rows = await db
        .update(t)
        .set({ status: 'pending', nextAttemptAt: now, leaseOwner: null, leaseUntil: null, updatedAt: now })
        .where(and(eq(t.id, id), eq(t.endpointId, endpointId)))
        .returning();
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** Gives up on an endpoint's waiting deliveries (it was disabled as gone or failing). */
    async failPending(endpointId: string, now: number) {
      await db
        .update(t)
        .set({ status: 'failed', nextAttemptAt: null, updatedAt: now })
        .where(and(eq(t.endpointId, endpointId), eq(t.status, 'pending')));
    },

    async deleteForEndpoint(endpointId: string) {
      await db.delete(t).where(eq(t.endpointId, endpointId));
    },

    /** Deletes finished deliveries made before `cutoff` (the audit retention); answers how many. */
    async pruneOlderThan(cutoff: number) {
      const rows = await db
        .delete(t)
        .where(and(lt(t.createdAt, cutoff), ne(t.status, 'pending')))
        .returning({ id: t.id });
      return rows.length;
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;
