import { is, sql } from 'drizzle-orm';
import { PgTable, getTableConfig as pgConfig } from 'drizzle-orm/pg-core';
import { SQLiteTable, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { availableEngines } from '../../test-support/databases.js';
import * as pgSchema from '../schema/postgres.js';
import * as sqliteSchema from '../schema/sqlite.js';
import { useDatabase } from './use-database.js';

/**
 * What the migrations build is what the schema declares (a schema edited without
 * `npm run db:generate` fails here): per table, each column with its nullability, and each
 * index with its uniqueness and columns, read back from the migrated database.
 */

const engines = await availableEngines();
type Described = Record<string, string[]>;

function declared(engine: 'sqlite' | 'postgres'): Described {
  const tables: Described = {};
  for (const value of Object.values(engine === 'sqlite' ? sqliteSchema : pgSchema)) {
    const config = is(value, PgTable) ? pgConfig(value) : is(value, SQLiteTable) ? sqliteConfig(value) : null;
    if (!config) continue;
    tables[config.name] = [
      ...config.columns.map((c) => `${c.name}${c.notNull ? ' not null' : ''}`),
      ...config.indexes.map(
        ({ config: i }) =>
          `index ${i.name} ${i.unique ? 'unique ' : ''}(${i.columns.map((c) => ('name' in c ? c.name : '?')).join(', ')})`,
      ),
    ].sort();
  }
  return tables;
}

describe.each(engines)('the migrated %s database', (engine) => {
  const database = useDatabase(engine);

  it('has the tables, columns, nullability and indexes the schema declares', async () => {
    const expected = declared(engine);
    const found: Described = {};
    for (const table of Object.keys(expected)) {
      found[table] = engine === 'sqlite' ? readSqlite(table) : await readPostgres(table);
    }
    expect(found).toEqual(expected);
  });

  function readSqlite(table: string): string[] {
    const sqlite = database().sqlite!;
    const columns = sqlite.pragma(`table_info(${table})`) as Array<{
      name: string;
      notnull: number;
      pk: number;
    }>;
    const indexes = (
      sqlite.pragma(`index_list(${table})`) as Array<{ name: string; unique: number; origin: string }>
    )
      .filter((i) => i.origin === 'c')
      .map((i) => {
        const cols = (sqlite.pragma(`index_info(${i.name})`) as Array<{ name: string }>).map((c) => c.name);
        return `index ${i.name} ${i.unique ? 'unique ' : ''}(${cols.join(', ')})`;
      });
    // A primary key column is not null whatever SQLite's table_info says for text keys.
    return [...columns.map((c) => `${c.name}${c.notnull || c.pk ? ' not null' : ''}`), ...indexes].sort();
  }

  async function readPostgres(table: string): Promise<string[]> {
    const { rows: columns } = await database().db.execute(
      sql`select column_name as name, is_nullable from information_schema.columns
          where table_schema = 'public' and table_name = ${table}`,
    );
    const { rows: indexes } = await database().db.execute(
      sql`select i.relname as name, x.indisunique as unique,
              array(select a.attname from unnest(x.indkey) with ordinality k(n, o)
                    join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.n order by k.o)::text[] as cols
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
       where t.relname = ${table} and not x.indisprimary`,
    );
    return [
      ...(columns as unknown as Array<{ name: string; is_nullable: string }>).map(
        (c) => `${c.name}${c.is_nullable === 'NO' ? ' not null' : ''}`,
      ),
      ...(indexes as unknown as Array<{ name: string; unique: boolean; cols: string[] }>).map(
        (i) => `index ${i.name} ${i.unique ? 'unique ' : ''}(${i.cols.join(', ')})`,
      ),
    ].sort();
  }
});
