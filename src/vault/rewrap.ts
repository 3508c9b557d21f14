import { and, asc, eq, gt, isNotNull } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../db/open.js';
import type { Vault } from './vault.js';

/** A column holding vault ciphertexts, and the key column they are bound to. */
interface SecretColumn {
  table: PgTable;
  tableName: string;
  columnName: string;
  id: PgColumn;
  value: PgColumn;
  /** The drizzle property name of `value`, for `update().set()`. */
  valueKey: string;
}

/** Every encrypted column. A new one must be listed here, or rewrap will miss it. */
export function secretColumns({ tables: t }: Database): SecretColumn[] {
  const column = (
    tableName: string,
    table: PgTable,
    id: PgColumn,
    columnName: string,
    value: PgColumn,
    valueKey: string,
  ): SecretColumn => ({ table, tableName, columnName, id, value, valueKey });
  return [
    column(
      'providers',
      t.providers,
      t.providers.id,
      'client_secret',
      t.providers.clientSecret,
      'clientSecret',
    ),
    column(
      'connect_sessions',
      t.connectSessions,
      t.connectSessions.id,
      'code_verifier',
      t.connectSessions.codeVerifier,
      'codeVerifier',
    ),
    column(
      'connections',
      t.connections,
      t.connections.id,
      'access_token',
      t.connections.accessToken,
      'accessToken',
    ),
    column(
      'connections',
      t.connections,
      t.connections.id,
      'refresh_token',
      t.connections.refreshToken,
      'refreshToken',
    ),
    column(
      'signing_keys',
      t.signingKeys,
      t.signingKeys.kid,
      'private_jwk',
      t.signingKeys.privateJwk,
      'privateJwk',
    ),
    column('broker_secrets', t.brokerSecrets, t.brokerSecrets.name, 'value', t.brokerSecrets.value, 'value'),
    column(
      'webhook_endpoints',
      t.webhookEndpoints,
      t.webhookEndpoints.id,
      'secret',
      t.webhookEndpoints.secret,
      'secret',
    ),
    column(
      'webhook_endpoints',
      t.webhookEndpoints,
      t.webhookEndpoints.id,
      'previous_secret',
      t.webhookEndpoints.previousSecret,
      'previousSecret',
    ),
  ];
}

export interface RewrapReport {
  column: string;
  scanned: number;
  rewrapped: number;
}

/**
 * Moves every ciphertext made with an older key to the current key. Each row
 * is replaced only if it still holds the value that was read, so it is safe
 * beside a running broker; rows already on the current key are skipped, so
 * an interrupted run is finished by running it again.
 */
export async function rewrap(
  database: Database,
  vault: Vault,
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<RewrapReport[]> {
  const batchSize = options.batchSize ?? 200;
  const reports: RewrapReport[] = [];
  for (const spec of secretColumns(database)) {
    const report = { column: `${spec.tableName}.${spec.columnName}`, scanned: 0, rewrapped: 0 };
    reports.push(report);
    let after: string | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      const rows = (await database.db
        .select({ id: spec.id, value: spec.value })
        .from(spec.table)
        .where(and(isNotNull(spec.value), after === undefined ? undefined : gt(spec.id, after)))
        .orderBy(asc(spec.id))
        .limit(batchSize)) as Array<{ id: string; value: string }>;
      if (rows.length === 0) break;
      for (const row of rows) {
        report.scanned++;
        if (!vault.needsRewrap(row.value)) continue;
        const where = { table: spec.tableName, column: spec.columnName, rowId: row.id };
        const next = vault.encrypt(vault.decrypt(row.value, where), where);
        const updated = await database.db
          .update(spec.table)
          .set({ [spec.valueKey]: next })
          .where(and(eq(spec.id, row.id), eq(spec.value, row.value)))
          .returning({ id: spec.id });
        report.rewrapped += updated.length;
      }
      after = rows.at(-1)!.id;
    }
  }
  return reports;
}
