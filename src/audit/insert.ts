import type { Statement } from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/open.js';

export type AuditRow = Database['tables']['auditEvents']['$inferInsert'];
export type AuditInsert = (rows: AuditRow[]) => Promise<void>;

const COLUMNS = 'id, at, actor_type, actor_id, action, target_type, target_id, tenant, outcome, details';
/** An AuditRow's keys, as the JSON of a batch names them (Postgres), in COLUMNS order, and their types. */
const FIELDS = 'id, at, "actorType", "actorId", action, "targetType", "targetId", tenant, outcome, details';
const RECORD =
  'id text, at bigint, "actorType" text, "actorId" text, action text, "targetType" text, "targetId" text, tenant text, outcome text, details text';

/**
 * Writes a batch of audit rows, skipping ids already stored (a retry after a
 * write whose answer was lost). Under load batches hold thousands of rows
 * (a hand-out of each connection not seen in the last second is one), so
 * neither engine builds a statement per batch: SQLite runs one prepared
 * insert per row in a transaction, Postgres inserts from one JSON array.
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
  // The rows go as one JSON parameter that Postgres unpacks: JSON.stringify is native, where one
  // array per column is escaped element by element in JavaScript by the driver (measured: about
  // 4.5 µs of the broker's CPU per row against 11 to 23).
  return async (rows) => {
    await database.db.execute(
      sql`insert into audit_events (${sql.raw(COLUMNS)}) select ${sql.raw(FIELDS)} from json_to_recordset(${JSON.stringify(rows)}::json) as r(${sql.raw(RECORD)}) on conflict (id) do nothing`,
    );
  };
}
