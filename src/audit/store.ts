import { and, desc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/open.js';
import type { AuditActorType, AuditDetails, AuditOutcome } from './audit-log.js';

/** An audit event as stored. Events are written by the AuditLog (audit-log.ts); this store reads and prunes. */
export interface AuditEventRecord {
  id: string;
  at: number;
  actor: { type: AuditActorType; id: string };
  action: string;
  target: { type: string; id: string };
  tenant: string | null;
  outcome: AuditOutcome;
  details: AuditDetails;
}

export interface AuditFilter {
  actor_id?: string;
  /** An exact action, or a prefix ending in `.*`: `connection.*` matches `connection.refreshed`. */
  action?: string;
  target_id?: string;
  tenant?: string;
  outcome?: AuditOutcome;
  /** Milliseconds; `since` is inclusive, `until` exclusive. */
  since?: number;
  until?: number;
}

export interface AuditStore {
  /** Newest first; `after` is the last id of the previous page. */
  list(filter: AuditFilter, page: { limit: number; after?: string }): Promise<AuditEventRecord[]>;
  /** Deletes every event before `cutoffMs`, a batch at a time; answers how many. */
  pruneOlderThan(cutoffMs: number): Promise<number>;
}

export function createAuditStore(
  { db, tables }: Database,
  options: { pruneBatchSize?: number } = {},
): AuditStore {
  const t = tables.auditEvents;
  type Row = typeof t.$inferSelect;
  // Each delete is its own short transaction, so a large prune never holds locks for long.
  const pruneBatchSize = Math.max(1, options.pruneBatchSize ?? 10_000);

  const fromRow = (r: Row): AuditEventRecord => ({
    id: r.id,
    at: r.at,
    actor: { type: r.actorType as AuditActorType, id: r.actorId },
    action: r.action,
    target: { type: r.targetType, id: r.targetId },
    tenant: r.tenant,
    outcome: r.outcome as AuditOutcome,
    details: JSON.parse(r.details) as AuditDetails,
  });

  const actionIs = (action: string): SQL | undefined => {
    if (!action.endsWith('.*')) return eq(t.action, action);
    // substr rather than LIKE: exact and case-sensitive on both engines, and `_` is no wildcard.
    const prefix = action.slice(0, -1);
    return sql`substr(${t.action}, 1, ${[...prefix].length}) = ${prefix}`;
  };

  return {
    async list(filter, page) {
      const rows = await db
        .select()
        .from(t)
        .where(
          and(
            filter.actor_id === undefined ? undefined : eq(t.actorId, filter.actor_id),
            filter.action === undefined ? undefined : actionIs(filter.action),
            filter.target_id === undefined ? undefined : eq(t.targetId, filter.target_id),
            filter.tenant === undefined ? undefined : eq(t.tenant, filter.tenant),
            filter.outcome === undefined ? undefined : eq(t.outcome, filter.outcome),
            filter.since === undefined ? undefined : gte(t.at, filter.since),
            filter.until === undefined ? undefined : lt(t.at, filter.until),
            page.after === undefined ? undefined : lt(t.id, page.after),
          ),
        )
        .orderBy(desc(t.id))
        .limit(page.limit);
      return rows.map(fromRow);
    },

    async pruneOlderThan(cutoffMs) {
      let total = 0;
      for (;;) {
        const oldest = db.select({ id: t.id }).from(t).where(lt(t.at, cutoffMs)).limit(pruneBatchSize);
        const deleted = await db.delete(t).where(inArray(t.id, oldest)).returning({ id: t.id });
        total += deleted.length;
        if (deleted.length < pruneBatchSize) return total;
      }
    },
  };
}
