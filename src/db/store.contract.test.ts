import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { templateDefaults } from '../providers/definition.js';
import { createProviderStore, type ProviderRecord, type ProviderStore } from '../providers/store.js';
import { availableEngines, createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { openDatabase } from './open.js';

const engines = await availableEngines();

/** A complete provider record; every field can be overridden. */
function providerRecord(id: string, overrides: Partial<ProviderRecord> = {}): ProviderRecord {
  return {
    // A field added later keeps its default here; every field known now is set to a non-default value.
    ...templateDefaults(),
    provider_id: id,
    display_name: `Provider ${id}`,
    preset: 'dropbox',
    is_enabled: true,
    client_id: `client-${id}`,
    client_secret_ciphertext: `v1.k.nonce-${id}.body-${id}`,
    client_auth_method: 'client_secret_post',
    authorization_url: `https://${id}.example/oauth2/authorize`,
    token_url: `https://${id}.example/oauth2/token`,
    userinfo_url: `https://api.${id}.example/2/users/get_current_account`,
    revocation_url: `https://api.${id}.example/2/auth/token/revoke`,
    issuer: `https://${id}.example`,
    pkce: true,
    scopes: ['account_info.read', 'files.content.read'],
    scope_separator: ' ',
    authorization_params: { token_access_type: 'offline', prompt: 'consent' },
    token_params: { audience: 'https://api.example' },
    userinfo: {
      method: 'POST',
      body: 'null',
      user_id: ['/account_id', '/uid'],
      email: ['/email'],
      display_name: ['/name/display_name', '/name/familiar_name'],
    },
    expiry_buffer_seconds: 120,
    default_token_lifetime_seconds: 14_400,
    refresh_token_idle_seconds: 5_184_000,
    refresh_token_max_seconds: 31_536_000,
    token_errors_with_200: false,
    created_at: 1_718_000_000_123,
    updated_at: 1_718_000_000_456,
    ...overrides,
  };
}

/** The opposite of every default: falsy booleans, nulls, empty collections, a GET userinfo without body. */
function sparseRecord(id: string): ProviderRecord {
  return providerRecord(id, {
    display_name: 'Ünïcode “name” 🚀',
    preset: null,
    is_enabled: false,
    client_secret_ciphertext: null,
    client_auth_method: 'none',
    userinfo_url: null,
    revocation_url: null,
    issuer: null,
    pkce: false,
    scopes: [],
    scope_separator: ',',
    authorization_params: {},
    token_params: {},
    userinfo: { method: 'GET', user_id: ['/id'], email: [], display_name: [] },
    expiry_buffer_seconds: 0,
    default_token_lifetime_seconds: null,
    token_errors_with_200: true,
    created_at: 0,
    updated_at: 1,
  });
}

describe.each(engines)('storage contract on %s', (engine) => {
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

  describe('ProviderStore', () => {
    let t: TestDatabase;
    let store: ProviderStore;
    beforeEach(async () => {
      t = await createTestDatabase(engine);
      store = createProviderStore(t.database);
    });
    afterEach(async () => {
      await t.destroy();
    });

    it('get returns exactly what insert stored, with its types', async () => {
      const full = providerRecord('dropbox');
      const sparse = sparseRecord('bare');
      expect(await store.insert(full)).toBe(true);
      expect(await store.insert(sparse)).toBe(true);

      const gotFull = await store.get('dropbox');
      expect(gotFull).toStrictEqual(full);
      expect(typeof gotFull!.is_enabled).toBe('boolean');
      expect(typeof gotFull!.pkce).toBe('boolean');
      expect(typeof gotFull!.token_errors_with_200).toBe('boolean');
      expect(typeof gotFull!.created_at).toBe('number');
      expect(typeof gotFull!.updated_at).toBe('number');
      expect(typeof gotFull!.expiry_buffer_seconds).toBe('number');

      const gotSparse = await store.get('bare');
      expect(gotSparse).toStrictEqual(sparse);
      expect(gotSparse!.is_enabled).toBe(false);
      expect(gotSparse!.pkce).toBe(false);
      expect(gotSparse!.created_at).toBe(0);
    });

    it("reads a provider stored before a template field existed with that field's default", async () => {
      const record = providerRecord('older');
      expect(await store.insert(record)).toBe(true);
      // The settings JSON as written before the refresh-token lifetimes and the 200-error flag existed.
      const { refresh_token_idle_seconds, refresh_token_max_seconds, token_errors_with_200, ...older } =
        JSON.parse((await rawSettings('older'))!);
      expect([refresh_token_idle_seconds, refresh_token_max_seconds, token_errors_with_200]).toEqual([
        5_184_000,
        31_536_000,
        false,
      ]);
      const { db, tables } = t.database;
      await db
        .update(tables.providers)
        .set({ settings: JSON.stringify({ ...older, retired_field: 'ignored' }) })
        .where(eq(tables.providers.id, 'older'));

      const defaults = templateDefaults();
      expect(await store.get('older')).toStrictEqual({
        ...record,
        refresh_token_idle_seconds: defaults.refresh_token_idle_seconds,
        refresh_token_max_seconds: defaults.refresh_token_max_seconds,
        token_errors_with_200: defaults.token_errors_with_200,
      });
    });

    async function rawSettings(id: string): Promise<string | undefined> {
      const { db, tables } = t.database;
      const rows = await db
        .select({ settings: tables.providers.settings })
        .from(tables.providers)
        .where(eq(tables.providers.id, id));
      return rows[0]?.settings;
    }

    it('get returns null for a missing id', async () => {
      expect(await store.get('nobody')).toBeNull();
    });

    it('keeps timestamps beyond 2^32 ms exactly', async () => {
      const big = [2 ** 32 + 1, 2 ** 41 + 7, 8_640_000_000_000_000];
      for (const [i, at] of big.entries()) {
        const record = providerRecord(`time-${i}`, { created_at: at, updated_at: at + 1 });
        expect(await store.insert(record)).toBe(true);
        const got = await store.get(`time-${i}`);
        expect(got!.created_at).toBe(at);
        expect(got!.updated_at).toBe(at + 1);
        expect(typeof got!.created_at).toBe('number');
      }
    });

    it('insert of a taken id returns false and leaves the row alone', async () => {
      const original = providerRecord('github');
      expect(await store.insert(original)).toBe(true);
      const intruder = sparseRecord('github');
      expect(await store.insert(intruder)).toBe(false);
      expect(await store.get('github')).toStrictEqual(original);
      expect(await store.list({ limit: 10 })).toHaveLength(1);
    });

    it('lists by id, paging with after and limit, optionally enabled only', async () => {
      // Inserted out of order; ids include digits and dashes, compared by code point.
      const ids = ['zoom', 'a-b', 'github', 'a0', 'ab', 'box', 'x9', 'gitlab', 'b-2', 'b1'];
      const disabled = new Set(['github', 'a0', 'x9']);
      for (const id of ids) {
        expect(await store.insert(providerRecord(id, { is_enabled: !disabled.has(id) }))).toBe(true);
      }
      const sorted = [...ids].sort();
      expect(sorted).toEqual(['a-b', 'a0', 'ab', 'b-2', 'b1', 'box', 'github', 'gitlab', 'x9', 'zoom']);

      const all = await store.list({ limit: 100 });
      expect(all.map((r) => r.provider_id)).toEqual(sorted);
      expect(all[0]).toStrictEqual(providerRecord('a-b'));

      expect((await store.list({ limit: 3 })).map((r) => r.provider_id)).toEqual(['a-b', 'a0', 'ab']);
      expect((await store.list({ limit: 3, after: 'ab' })).map((r) => r.provider_id)).toEqual([
        'b-2',
        'b1',
        'box',
      ]);
      // `after` need not be an existing id.
      expect((await store.list({ limit: 2, after: 'c' })).map((r) => r.provider_id)).toEqual([
        'github',
        'gitlab',
      ]);
      expect(await store.list({ limit: 5, after: 'zoom' })).toEqual([]);

      // Paging through everything visits each row once, in order.
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.list({ limit: 3, after });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        seen.push(...page.map((r) => r.provider_id));
        after = page.at(-1)!.provider_id;
      }
      expect(seen).toEqual(sorted);

      const enabled = sorted.filter((id) => !disabled.has(id));
      const onlyEnabled = await store.list({ limit: 100, enabledOnly: true });
      expect(onlyEnabled.map((r) => r.provider_id)).toEqual(enabled);
      expect(onlyEnabled.every((r) => r.is_enabled === true)).toBe(true);
      expect(
        (await store.list({ limit: 2, after: 'a-b', enabledOnly: true })).map((r) => r.provider_id),
      ).toEqual(['ab', 'b-2']);
      expect((await store.list({ limit: 100, enabledOnly: false })).map((r) => r.provider_id)).toEqual(
        sorted,
      );
    });

    it('update replaces everything but created_at, and returns false for a missing row', async () => {
      const original = providerRecord('gitlab');
      expect(await store.insert(original)).toBe(true);
      const changed = { ...sparseRecord('gitlab'), created_at: 42, updated_at: 2 ** 40 };
      expect(await store.update(changed)).toBe(true);
      expect(await store.get('gitlab')).toStrictEqual({ ...changed, created_at: original.created_at });

      expect(await store.update(providerRecord('missing'))).toBe(false);
      expect(await store.get('missing')).toBeNull();
      expect((await store.list({ limit: 10 })).map((r) => r.provider_id)).toEqual(['gitlab']);
    });

    it('delete returns true once, then false', async () => {
      expect(await store.insert(providerRecord('box'))).toBe(true);
      expect(await store.insert(providerRecord('zoom'))).toBe(true);
      expect(await store.delete('box')).toBe(true);
      expect(await store.get('box')).toBeNull();
      expect(await store.delete('box')).toBe(false);
      expect(await store.delete('never-there')).toBe(false);
      expect(await store.get('zoom')).toStrictEqual(providerRecord('zoom'));
    });
  });
});
