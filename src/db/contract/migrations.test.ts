import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createProviderStore } from '../../providers/store.js';
import { availableEngines, createTestDatabase, type TestDatabase } from '../../test-support/databases.js';
import { openDatabase } from '../open.js';
import { providerRecord } from './records.js';

const engines = await availableEngines();

describe.each(engines)('migrations contract on %s', (engine) => {
  describe('migrations', () => {
    let t: TestDatabase;
    afterEach(async () => {
      await t.destroy();
    });

    it('reports a fresh database as not migrated, and migrated after migrate()', async () => {
      t = await createTestDatabase(engine, false);
      expect(await t.database.isMigrated()).toBe(false);
      await t.database.migrate();
      expect(await t.database.isMigrated()).toBe(true);
    });

    it('migrate() is idempotent', async () => {
      t = await createTestDatabase(engine, false);
      await t.database.migrate();
      const store = createProviderStore(t.database);
      expect(await store.insert(providerRecord('kept'))).toBe(true);
      await t.database.migrate();
      expect(await t.database.isMigrated()).toBe(true);
      // Nothing was recreated or dropped by the second run.
      expect(await store.get('kept')).toEqual(providerRecord('kept'));
    });

    it('ping() answers', async () => {
      t = await createTestDatabase(engine, false);
      await expect(t.database.ping()).resolves.toBeUndefined();
      await t.database.migrate();
      await expect(t.database.ping()).resolves.toBeUndefined();
    });

    it('a second handle on the same database sees the migrations', async () => {
      t = await createTestDatabase(engine);
      const other = openDatabase(t.url);
      try {
        expect(await other.isMigrated()).toBe(true);
        await other.migrate();
        expect(await createProviderStore(other).list({ limit: 10 })).toEqual([]);
      } finally {
        await other.close();
      }
    });

    // Postgres only: one process owns a SQLite file's migrations.
    if (engine !== 'postgres') return;

    it('concurrent migrate() calls on a fresh database all succeed (advisory lock)', async () => {
      t = await createTestDatabase(engine, false);
      const handles = [t.database, openDatabase(t.url), openDatabase(t.url)];
      try {
        // Two calls on one handle and one on each of two more, as replicas starting together would.
        const results = await Promise.allSettled([
          handles[0]!.migrate(),
          handles[0]!.migrate(),
          handles[1]!.migrate(),
          handles[2]!.migrate(),
        ]);
        expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual([
          'fulfilled',
          'fulfilled',
          'fulfilled',
          'fulfilled',
        ]);
        for (const handle of handles) expect(await handle.isMigrated()).toBe(true);
      } finally {
        await handles[1]!.close();
        await handles[2]!.close();
      }
      // Each migration was applied exactly once.
      const client = new pg.Client({ connectionString: t.url });
      await client.connect();
      try {
        const applied = await client.query(
          'select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash',
        );
        expect(applied.rows.length).toBeGreaterThan(0);
        for (const row of applied.rows as Array<{ n: number }>) expect(row.n).toBe(1);
      } finally {
        await client.end();
      }
    });
  });
});
