import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { templateDefaults } from '../../providers/definition.js';
import { createProviderStore, type ProviderStore } from '../../providers/store.js';
import { availableEngines, createTestDatabase, type TestDatabase } from '../../test-support/databases.js';
import { providerRecord, sparseRecord } from './records.js';

const engines = await availableEngines();

describe.each(engines)('provider store contract on %s', (engine) => {
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

    it('lists only the ids asked for (the providers granted to a client), with the other filters', async () => {
      for (const id of ['box', 'dropbox', 'github', 'gitlab'])
        expect(await store.insert(providerRecord(id, { is_enabled: id !== 'github' }))).toBe(true);
      const ids = async (options: Parameters<ProviderStore['list']>[0]) =>
        (await store.list(options)).map((r) => r.provider_id);
      expect(await ids({ limit: 10, only: ['gitlab', 'box', 'absent'] })).toEqual(['box', 'gitlab']);
      expect(await ids({ limit: 10, only: [] })).toEqual([]);
      expect(await ids({ limit: 10, only: ['github', 'gitlab'], enabledOnly: true })).toEqual(['gitlab']);
      expect(await ids({ limit: 1, only: ['box', 'dropbox', 'gitlab'], after: 'box' })).toEqual(['dropbox']);
    });
  });
});
