import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test-support/databases.js';
import type { Database } from '../open.js';

/**
 * One migrated database (a SQLite file or a fresh Postgres database) for a contract suite's
 * `describe`, made before its tests and dropped after. Tests share it, so each uses its own ids
 * or tenant; the getter is read inside tests, once the database exists.
 */
export function useDatabase(engine: 'sqlite' | 'postgres'): () => Database {
  let t: TestDatabase | undefined;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await t?.destroy();
  });
  return () => {
    if (!t) throw new Error('the contract database is made in beforeAll');
    return t.database;
  };
}
