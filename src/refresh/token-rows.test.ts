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

  it('recordUse: stamps the use, and makes a connection that was idle due now (not one in backoff)', async () => {
    const rows = createTokenRows(t.database);
    const now = 1_900_000_000_000;
    const deps = { database: t.database, vault };
    await seedConnection(deps, {
      id: 'use_idle',
      providerId: 'p',
      accessToken: 'a',
      expiresAt: now + 3600_000,
      nextRefreshAt: now + 86_400_000,
    });
    await seedConnection(deps, {
      id: 'use_busy',
      providerId: 'p',
      accessToken: 'a',
      expiresAt: now + 3600_000,
      nextRefreshAt: now + 3_000_000,
      lastUsedAt: now - 60_000,
    });
    await seedConnection(deps, {
      id: 'use_failing',
      providerId: 'p',
      accessToken: 'a',
      expiresAt: now + 3600_000,
      nextRefreshAt: now + 300_000,
      refreshFailures: 2,
    });
    await seedConnection(deps, {
      id: 'use_unplanned',
      providerId: 'p',
      accessToken: 'a',
      expiresAt: now + 3600_000,
      nextRefreshAt: null,
    });
    await seedConnection(deps, {
      id: 'use_no_refresh',
      providerId: 'p',
      accessToken: 'a',
      refreshToken: null,
      expiresAt: null,
      nextRefreshAt: null,
    });
    await rows.recordUse(
      ['use_idle', 'use_busy', 'use_failing', 'use_unplanned', 'use_no_refresh', 'conn_reauth'],
      now,
    );
    const read = async (id: string) => (await rows.read(id))!;
    expect(await read('use_idle')).toMatchObject({ lastUsedAt: now, nextRefreshAt: now });
    expect(await read('use_unplanned')).toMatchObject({ lastUsedAt: now, nextRefreshAt: now });
    // Already in use: its plan stands. In backoff: the retry time stands. Nothing to refresh: nothing planned.
    expect(await read('use_busy')).toMatchObject({ lastUsedAt: now, nextRefreshAt: now + 3_000_000 });
    expect(await read('use_failing')).toMatchObject({ lastUsedAt: now, nextRefreshAt: now + 300_000 });
    expect(await read('use_no_refresh')).toMatchObject({ lastUsedAt: now, nextRefreshAt: null });
    // A connection that needs its user is not touched.
    expect((await read('conn_reauth')).lastUsedAt).toBeNull();
    await rows.recordUse([], now);
  });

  it('reschedule: moves the plan of a current row only, never a backoff or a newer version', async () => {
    const rows = createTokenRows(t.database);
    const now = 1_900_000_000_000;
    const deps = { database: t.database, vault };
    await seedConnection(deps, {
      id: 'plan_ok',
      providerId: 'p',
      accessToken: 'a',
      expiresAt: now,
      nextRefreshAt: now - 1,
    });
    await seedConnection(deps, {
      id: 'plan_backoff',
      providerId: 'p',
      accessToken: 'a',
      expiresAt: now,
      nextRefreshAt: now - 1,
      refreshFailures: 1,
    });
    await rows.reschedule('plan_ok', 0, now + 5_000, now);
    await rows.reschedule('plan_backoff', 0, now + 5_000, now);
    await rows.reschedule('conn_reauth', 7, now + 5_000, now);
    expect((await rows.read('plan_ok'))!.nextRefreshAt).toBe(now + 5_000);
    expect((await rows.read('plan_backoff'))!.nextRefreshAt).toBe(now - 1);
    await rows.reschedule('plan_ok', 3, now + 9_000, now);
    expect((await rows.read('plan_ok'))!.nextRefreshAt).toBe(now + 5_000);
    expect((await rows.read('conn_reauth'))!.nextRefreshAt).toBeNull();
  });
});
