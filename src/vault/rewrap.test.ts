import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/open.js';
import { templateDefaults } from '../providers/definition.js';
import { createProviderStore, type ProviderRecord, type ProviderStore } from '../providers/store.js';
import { availableEngines, createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import type { VaultKey } from './keys.js';
import { type RewrapReport, rewrap } from './rewrap.js';
import { keyIdOf, type SecretLocation, Vault, VaultError } from './vault.js';

const engines = await availableEngines();

const keyA: VaultKey = { id: 'key-a', material: randomBytes(32) };
const keyB: VaultKey = { id: 'key-b', material: randomBytes(32) };
const onlyA = new Vault([keyA]);
const rotated = new Vault([keyB, keyA]);
const onlyB = new Vault([keyB]);

const SECRET_ROWS = 450;
const NULL_EVERY = 15;
const where = (rowId: string): SecretLocation => ({ table: 'providers', column: 'client_secret', rowId });

function provider(id: string, secret: string | null): ProviderRecord {
  return {
    ...templateDefaults(),
    provider_id: id,
    display_name: `Provider ${id}`,
    preset: null,
    is_enabled: true,
    client_id: `client-${id}`,
    client_secret_ciphertext: secret,
    authorization_url: `https://${id}.example/authorize`,
    token_url: `https://${id}.example/token`,
    scopes: ['read'],
    userinfo: { method: 'GET', user_id: ['/id'], email: ['/email'], display_name: ['/name'] },
    expiry_buffer_seconds: 60,
    refresh_token_idle_seconds: null,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
  };
}

async function allRows(store: ProviderStore): Promise<ProviderRecord[]> {
  return store.list({ limit: 10_000 });
}

/**
 * A database whose `db.update(...)` runs `before(lastRowId)` just before the
 * statement is sent, i.e. after rewrap has read the row and made the new
 * ciphertext: the window a concurrent writer could hit.
 */
function interleavedDatabase(database: Database, before: () => Promise<void>): Database {
  const real = database.db;
  const deferred = (build: (db: typeof real) => unknown): unknown =>
    new Proxy(() => {}, {
      get(_target, prop) {
        if (prop === 'then') {
          return (onFulfilled: (value: unknown) => unknown, onRejected: (reason: unknown) => unknown) =>
            before()
              .then(() => build(real))
              .then(onFulfilled, onRejected);
        }
        return (...args: unknown[]) =>
          deferred((db) => {
            const builder = build(db) as Record<PropertyKey, (...a: unknown[]) => unknown>;
            return builder[prop]!(...args);
          });
      },
    });
  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === 'update') return (table: unknown) => deferred((d) => d.update(table as never));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...database, db };
}

describe.each(engines)('rewrap on %s', (engine) => {
  let t: TestDatabase;
  let store: ProviderStore;
  /** provider_id -> original plaintext (null for rows without a secret). */
  let plaintexts: Map<string, string | null>;

  beforeEach(async () => {
    t = await createTestDatabase(engine);
    store = createProviderStore(t.database);
    plaintexts = new Map();
    let made = 0;
    for (let i = 0; made < SECRET_ROWS; i++) {
      const id = `p${String(i).padStart(4, '0')}`;
      const plain = i % NULL_EVERY === 7 ? null : `secret-${id}-${randomBytes(6).toString('hex')}`;
      if (plain !== null) made++;
      plaintexts.set(id, plain);
      const secret = plain === null ? null : onlyA.encrypt(plain, where(id));
      expect(await store.insert(provider(id, secret))).toBe(true);
    }
  }, 60_000);

  afterEach(async () => {
    await t.destroy();
  });

  const nullRows = () => [...plaintexts.values()].filter((p) => p === null).length;

  /** Every row is present, unchanged apart from its secret, and its secret decrypts (once) to the original. */
  async function expectIntact(onKey?: string) {
    const rows = await allRows(store);
    expect(rows.map((r) => r.provider_id)).toEqual([...plaintexts.keys()]);
    const keyIds = new Map<string, number>();
    for (const row of rows) {
      const plain = plaintexts.get(row.provider_id)!;
      expect(row).toEqual(provider(row.provider_id, row.client_secret_ciphertext));
      if (plain === null) {
        expect(row.client_secret_ciphertext).toBeNull();
        continue;
      }
      const stored = row.client_secret_ciphertext!;
      const keyId = keyIdOf(stored);
      keyIds.set(keyId, (keyIds.get(keyId) ?? 0) + 1);
      expect(rotated.decrypt(stored, where(row.provider_id))).toBe(plain);
      if (onKey) expect(keyId).toBe(onKey);
    }
    return keyIds;
  }

  it('seeds the expected rows, all on key A', async () => {
    expect(nullRows()).toBeGreaterThan(0);
    const keyIds = await expectIntact('key-a');
    expect(keyIds).toEqual(new Map([['key-a', SECRET_ROWS]]));
  });

  it('moves every row to the current key, and a second run does nothing', async () => {
    const first = providersOnly(await rewrap(t.database, rotated, { batchSize: 100 }));
    expect(first).toEqual([
      { column: 'providers.client_secret', scanned: SECRET_ROWS, rewrapped: SECRET_ROWS },
    ]);
    await expectIntact('key-b');
    // Readable with key A gone: every value really is on B, and encrypted once.
    for (const row of await allRows(store)) {
      const plain = plaintexts.get(row.provider_id)!;
      if (plain !== null)
        expect(onlyB.decrypt(row.client_secret_ciphertext!, where(row.provider_id))).toBe(plain);
    }

    const snapshot = await allRows(store);
    const second = providersOnly(await rewrap(t.database, rotated));
    expect(second).toEqual([{ column: 'providers.client_secret', scanned: SECRET_ROWS, rewrapped: 0 }]);
    expect(await allRows(store)).toEqual(snapshot);
  });

  it('finishes an interrupted run when run again, losing and double-encrypting nothing', async () => {
    const controller = new AbortController();
    let encrypted = 0;
    // Aborts once the first batch of 100 has been re-encrypted; rewrap notices before the next batch.
    const aborting = new (class extends Vault {
      override encrypt(plaintext: string, at: SecretLocation): string {
        const out = super.encrypt(plaintext, at);
        if (++encrypted === 100) controller.abort();
        return out;
      }
    })([keyB, keyA]);

    await expect(rewrap(t.database, aborting, { batchSize: 100, signal: controller.signal })).rejects.toThrow(
      expect.objectContaining({ name: 'AbortError' }),
    );
    const mixed = await expectIntact();
    const doneFirst = mixed.get('key-b') ?? 0;
    expect(doneFirst).toBeGreaterThan(0);
    expect(doneFirst).toBeLessThan(SECRET_ROWS);
    expect(doneFirst + (mixed.get('key-a') ?? 0)).toBe(SECRET_ROWS);

    const rest = providersOnly(await rewrap(t.database, rotated, { batchSize: 100 }));
    expect(rest).toEqual([
      { column: 'providers.client_secret', scanned: SECRET_ROWS, rewrapped: SECRET_ROWS - doneFirst },
    ]);
    await expectIntact('key-b');
  });

  it('stops at once, changing nothing, when aborted before it starts', async () => {
    const before = await allRows(store);
    await expect(rewrap(t.database, rotated, { signal: AbortSignal.abort() })).rejects.toThrow(
      expect.objectContaining({ name: 'AbortError' }),
    );
    expect(await allRows(store)).toEqual(before);
  });

  it('fails clearly and changes nothing when the old key was dropped first', async () => {
    const before = await allRows(store);
    const failure = rewrap(t.database, onlyB);
    await expect(failure).rejects.toThrow(VaultError);
    await expect(failure).rejects.toThrow(/no configured vault key has id "key-a"/);
    expect(await allRows(store)).toEqual(before);
  });

  it('does not overwrite a row changed between its read and its write', async () => {
    let lastRowId: string | undefined;
    const watching = new (class extends Vault {
      override decrypt(stored: string, at: SecretLocation): string {
        lastRowId = at.rowId;
        return super.decrypt(stored, at);
      }
    })([keyB, keyA]);
    let changedRow: string | undefined;
    let concurrent: string | undefined;
    const database = interleavedDatabase(t.database, async () => {
      if (changedRow !== undefined) return;
      // An admin replaces this row's secret while rewrap holds the old value in hand.
      changedRow = lastRowId!;
      concurrent = onlyB.encrypt('replaced by an admin', where(changedRow));
      const current = (await store.get(changedRow))!;
      expect(await store.update({ ...current, client_secret_ciphertext: concurrent })).toBe(true);
    });

    const report = providersOnly(await rewrap(database, watching, { batchSize: 100 }));
    expect(changedRow).toBeDefined();
    expect(report).toEqual([
      { column: 'providers.client_secret', scanned: SECRET_ROWS, rewrapped: SECRET_ROWS - 1 },
    ]);
    const changed = (await store.get(changedRow!))!;
    expect(changed.client_secret_ciphertext).toBe(concurrent);
    expect(onlyB.decrypt(changed.client_secret_ciphertext!, where(changedRow!))).toBe('replaced by an admin');

    plaintexts.set(changedRow!, 'replaced by an admin');
    await expectIntact('key-b');
  });
});

/** The seeded rows are providers; every other encrypted column is empty here and reports zeros. */
function providersOnly(reports: RewrapReport[]): RewrapReport[] {
  for (const r of reports.filter((r) => r.column !== 'providers.client_secret')) {
    expect(r).toMatchObject({ scanned: 0, rewrapped: 0 });
  }
  return reports.filter((r) => r.column === 'providers.client_secret');
}
