import type { Statement } from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/open.js';

export type AuditRow = Database['tables']['auditEvents']['$inferInsert'];
export type AuditInsert = (rows: AuditRow[]) => Promise<void>;

const COLUMNS = 'id, at, actor_type, actor_id, action, target_type, target_id, tenant, outcome, details';

/**
 * Writes a batch of audit rows, skipping ids already stored (a retry after a
 * write whose answer was lost). Under load batches hold thousands of rows
 * (a hand-out of each connection not seen in the last second is one), so
 * neither engine builds a statement per batch: SQLite runs one prepared
 * insert per row in a transaction, Postgres inserts from ten arrays.
 */
export function createAuditInsert(database: Database): AuditInsert {
  const client = database.sqlite;
  if (client !== undefined) {
    let insert: Statement<unknown[]> | undefined;
    const insertAll = client.transaction((rows: AuditRow[]) => {
      insert ??= client.prepare(
        `insert into audit_events (${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`,
      );
      for (const r of rows) {
        insert.run(
          r.id,
          r.at,
          r.actorType,
          r.actorId,
          r.action,
          r.targetType,
          r.targetId,
          r.tenant ?? null,
          r.outcome,
          r.details,
        );
      }
    });
    return async (rows) => {
      insertAll(rows);
    };
  }
  // One array per column, in COLUMNS order; `at` is epoch milliseconds.
  const arrays = (rows: AuditRow[]) =>
    [
      rows.map((r) => r.id),
      rows.map((r) => r.at),
      rows.map((r) => r.actorType),
      rows.map((r) => r.actorId),
      rows.map((r) => r.action),
      rows.map((r) => r.targetType),
      rows.map((r) => r.targetId),
      rows.map((r) => r.tenant ?? null),
      rows.map((r) => r.outcome),
      rows.map((r) => r.details),
    ].map((values, i) => sql`${sql.param(values)}::${sql.raw(i === 1 ? 'bigint' : 'text')}[]`);
  return async (rows) => {
    await database.db.execute(
      sql`insert into audit_events (${sql.raw(COLUMNS)}) select * from unnest(${sql.join(arrays(rows), sql`, `)}) on conflict (id) do nothing`,
    );
  };
}
