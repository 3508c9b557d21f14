import { is } from 'drizzle-orm';
import { bigint, PgTable, getTableConfig as pgConfig, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { SQLiteTable, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgSchema from '../schema/postgres.js';
import * as sqliteSchema from '../schema/sqlite.js';

/**
 * The two dialect schemas describe one database: the same tables, columns (by the JavaScript type
 * they read as, nullability, primary key, default) and indexes (columns in order, uniqueness,
 * condition). Types differ by engine on purpose (SQLite's integer holds booleans and epoch
 * milliseconds that Postgres keeps as boolean and bigint), so they are compared as drizzle reads
 * them, not by SQL name.
 */

type Config = ReturnType<typeof pgConfig> | ReturnType<typeof sqliteConfig>;
type Shape = Record<string, Record<string, string>>;

function shapeOf(config: Config): Shape {
  const shape: Shape = { columns: {}, indexes: {}, keys: {} };
  for (const c of config.columns) {
    shape.columns![c.name] =
      `${c.dataType}${c.notNull ? ' not null' : ''}${c.primary ? ' primary key' : ''}` +
      `${c.hasDefault ? ` default ${JSON.stringify(c.default ?? 'fn')}` : ''}${c.isUnique ? ' unique' : ''}`;
  }
  for (const { config: i } of config.indexes) {
    const columns = i.columns.map((c) => ('name' in c && typeof c.name === 'string' ? c.name : 'expression'));
    shape.indexes![i.name ?? 'unnamed'] =
      `${i.unique ? 'unique ' : ''}(${columns.join(', ')})${i.where ? ' where …' : ''}`;
  }
  for (const pk of config.primaryKeys)
    shape.keys![pk.getName()] = `primary (${pk.columns.map((c) => c.name)})`;
  for (const u of config.uniqueConstraints)
    shape.keys![u.getName()!] = `unique (${u.columns.map((c) => c.name)})`;
  for (const fk of config.foreignKeys) {
    const ref = fk.reference();
    shape.keys![fk.getName()] =
      `foreign (${ref.columns.map((c) => c.name)}) → ${ref.foreignColumns.map((c) => c.name)}`;
  }
  return shape;
}

function describeSchema(schema: Record<string, unknown>): Record<string, Shape> {
  const tables: Record<string, Shape> = {};
  for (const value of Object.values(schema)) {
    if (is(value, PgTable)) tables[pgConfig(value).name] = shapeOf(pgConfig(value));
    else if (is(value, SQLiteTable)) tables[sqliteConfig(value).name] = shapeOf(sqliteConfig(value));
  }
  return tables;
}

/** Every way `a` and `b` differ, one readable line each. */
function differences(a: Record<string, Shape>, b: Record<string, Shape>): string[] {
  const found: string[] = [];
  for (const table of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!a[table] || !b[table]) {
      found.push(`table ${table}: only in ${a[table] ? 'SQLite' : 'Postgres'}`);
      continue;
    }
    for (const part of ['columns', 'indexes', 'keys']) {
      const x = a[table]![part]!;
      const y = b[table]![part]!;
      for (const name of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (x[name] !== y[name])
          found.push(`table ${table} ${part} ${name}: SQLite ${x[name]} / Postgres ${y[name]}`);
      }
    }
  }
  return found;
}

const sqlite = describeSchema(sqliteSchema);
const postgres = describeSchema(pgSchema);

describe('the SQLite and Postgres schemas', () => {
  it('have the same tables, columns, nullability, keys and indexes', () => {
    expect(Object.keys(sqlite).length).toBeGreaterThanOrEqual(9);
    expect(differences(sqlite, postgres)).toEqual([]);
  });

  it('describe what the stores rely on (the comparison sees nullability, defaults and indexes)', () => {
    const connections = sqlite.connections!;
    expect(connections.columns!.id).toBe('string not null primary key');
    expect(connections.columns!.refresh_token).toBe('string');
    expect(connections.columns!.token_version).toBe('number not null default 0');
    expect(connections.columns!.expires_at).toBe('number');
    expect(sqlite.providers!.columns!.is_enabled).toBe('boolean not null');
    expect(connections.indexes!.connections_account).toBe('unique (tenant, provider_id, account_id)');
  });

  it('a table that drifts on one engine is reported, whatever the drift', () => {
    // Postgres' revoked_tokens as it would read after an edit to one file only.
    const drifted = pgTable('revoked_tokens', {
      jti: text('jti').primaryKey(),
      expiresAt: bigint('expires_at', { mode: 'number' }),
      reason: text('reason'),
    });
    const secrets = pgTable(
      'client_secrets',
      {
        id: text('id').primaryKey(),
        clientId: text('client_id').notNull(),
        secretHash: text('secret_hash').notNull(),
        createdAt: bigint('created_at', { mode: 'number' }).notNull(),
        expiresAt: bigint('expires_at', { mode: 'number' }),
      },
      (t) => [uniqueIndex('client_secrets_client_id').on(t.clientId, t.createdAt)],
    );
    const extra = pgTable('only_here', { id: text('id').primaryKey() });
    const drift = { ...pgSchema, revokedTokens: drifted, clientSecrets: secrets, extra };
    expect(differences(sqlite, describeSchema(drift))).toEqual([
      'table client_secrets indexes client_secrets_client_id: SQLite (client_id) / Postgres unique (client_id, created_at)',
      'table revoked_tokens columns expires_at: SQLite number not null / Postgres number',
      'table revoked_tokens columns reason: SQLite undefined / Postgres string',
      'table only_here: only in Postgres',
    ]);
    const { auditEvents: _dropped, ...withoutAudit } = pgSchema;
    expect(differences(sqlite, describeSchema(withoutAudit))).toEqual(['table audit_events: only in SQLite']);
  });
});
