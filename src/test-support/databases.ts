import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../db/open.js';

/**
 * Real databases for tests: a SQLite file in a temporary folder, and a fresh
 * Postgres database per call on the server named by CUSTODIAN_TEST_POSTGRES_URL
 * (default: the local one). Without a reachable server the Postgres suites
 * skip and say so; with CUSTODIAN_REQUIRE_POSTGRES=1 (CI) they fail instead.
 */

export const postgresAdminUrl =
  process.env.CUSTODIAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

export const postgresRequired = process.env.CUSTODIAN_REQUIRE_POSTGRES === '1';

/** The engines a contract suite runs on here, with a visible notice for any that is skipped. */
export async function availableEngines(): Promise<Array<'sqlite' | 'postgres'>> {
  if (await postgresReachable()) return ['sqlite', 'postgres'];
  if (postgresRequired)
    throw new Error(`CUSTODIAN_REQUIRE_POSTGRES=1 but ${postgresAdminUrl} is not reachable`);
  process.stderr.write(
    `\n[custodian tests] NOTICE: Postgres at ${postgresAdminUrl} is not reachable; ` +
      'the Postgres variants of these suites are SKIPPED. Set CUSTODIAN_TEST_POSTGRES_URL to run them.\n\n',
  );
  return ['sqlite'];
}

export interface TestDatabase {
  database: Database;
  url: string;
  /** Closes the handle and deletes the file or database. */
  destroy(): Promise<void>;
}

export async function createTestDatabase(
  engine: 'sqlite' | 'postgres',
  migrate = true,
): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-test-'));
    const url = join(dir, 'test.db');
    const database = openDatabase(url);
    if (migrate) await database.migrate();
    return {
      database,
      url,
      destroy: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `custodian_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database ${name}`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const database = openDatabase(url.toString());
  if (migrate) await database.migrate();
  return {
    database,
    url: url.toString(),
    destroy: async () => {
      await database.close();
      await withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
