import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConnection } from '../test-support/connections.js';
import { availableEngines, createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { Vault } from '../vault/vault.js';
import { createTokenRows } from './token-rows.js';

const engines = await availableEngines();

describe.each(engines)('token rows on %s', (engine) => {
  let t: TestDatabase;
  const vault = new Vault([{ id: 'test1', material: randomBytes(32) }]);
  // Ids with the characters a JSON array or a Postgres array literal would have to escape.
  const odd = ['conn_"quoted"', 'conn_a,b', 'conn_{brace}', 'conn_back\\slash', "conn_o'clock"];

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    const deps = { database: t.database, vault };
    await seedConnection(deps, {
      id: 'conn_active',
      providerId: 'dropbox',
      accessToken: 'a',
      expiresAt: null,
    });
    await seedConnection(deps, {
      id: 'conn_reauth',
      providerId: 'dropbox',
      accessToken: 'b',
      expiresAt: null,
      status: 'needs_reauth',
      tokenVersion: 7,
    });
    for (const id of odd)
      await seedConnection(deps, { id, providerId: 'dropbox', accessToken: 'c', expiresAt: null });
  });
  afterAll(() => t.destroy());

  it('stamps: version and status of each id that exists, whatever characters it holds', async () => {
    const rows = createTokenRows(t.database);
    const stamps = await rows.stamps(['conn_active', 'conn_missing', 'conn_reauth', ...odd]);
    const byId = Object.fromEntries(stamps.map((s) => [s.id, s]));
    expect(Object.keys(byId).sort()).toEqual(['conn_active', 'conn_reauth', ...odd].sort());
    expect(byId.conn_active).toEqual({ id: 'conn_active', tokenVersion: 0, status: 'active' });
    expect(byId.conn_reauth).toEqual({ id: 'conn_reauth', tokenVersion: 7, status: 'needs_reauth' });
    // The statement is prepared once and serves any number of ids, none included.
    expect(await rows.stamps([])).toEqual([]);
    const many = Array.from({ length: 1500 }, (_, i) => `conn_none_${i}`).concat('conn_active');
    expect((await rows.stamps(many)).map((s) => s.id)).toEqual(['conn_active']);
  });
});
