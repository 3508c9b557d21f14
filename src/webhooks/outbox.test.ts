import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnectionStore, type GrantToSave } from '../connections/store.js';
import type { webhookEndpoints } from '../db/schema/postgres.js';
import { createTransact } from '../db/transaction.js';
import { createTokenRows } from '../refresh/token-rows.js';
import { availableEngines, createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { REFRESH_FAILING_THRESHOLD } from './events.js';
import { createOutbox, type Outbox } from './outbox.js';

/**
 * The outbox on both engines: an event commits with the change it reports
 * or not at all, fans out to the endpoints that should hear it (subscribed,
 * enabled, inside a bound client's grants), and carries no token.
 */

const engines = await availableEngines();
const NOW = 1_780_000_000_000;

const grant = (tenant = 'acme', provider = 'dropbox', user = 'acct-1'): GrantToSave => ({
  tenant,
  provider_id: provider,
  end_user: 'user-1',
  account: { user_id: user, email: 'u@example.com', display_name: 'U' },
  scopes: ['files'],
  token_type: 'bearer',
  expires_at: NOW + 3_600_000,
  seal: () => ({ access: 'sealed-access-MARKER', refresh: 'sealed-refresh-MARKER' }),
  refresh_token_expires_at: null,
  plan: () => null,
});

describe.each(engines)('webhook outbox on %s', (engine) => {
  let tdb: TestDatabase;
  let outbox: ReturnType<typeof createOutbox>;
  beforeEach(async () => {
    tdb = await createTestDatabase(engine);
    outbox = createOutbox({
      database: tdb.database,
      transact: createTransact(tdb.database),
      now: () => NOW,
      random: randomBytes,
    });
  });
  afterEach(async () => tdb.destroy());

  const db = () => tdb.database.db;
  const tables = () => tdb.database.tables;
  const addEndpoint = (id: string, extra: Partial<typeof webhookEndpoints.$inferInsert> = {}) =>
    db()
      .insert(tables().webhookEndpoints)
      .values({
        id,
        url: 'https://hooks.example/in',
        isEnabled: true,
        secret: 'v1.x.y.z',
        createdAt: NOW,
        updatedAt: NOW,
        ...extra,
      });
  const addClient = (id: string, tenants: string[] | '*', isEnabled = true) =>
    db()
      .insert(tables().serviceClients)
      .values({
        id,
        name: id,
        isEnabled,
        grants: JSON.stringify({
          tenants,
          providers: '*',
          actions: [],
          return_to_origins: [],
          redirect_uris: [],
        }),
        createdAt: NOW,
        updatedAt: NOW,
      });
  const deliveries = () => db().select().from(tables().webhookDeliveries);

  it('records created, reconnected and deleted with the change, one row per endpoint, same event id', async () => {
    await addEndpoint('whe_a');
    await addEndpoint('whe_b');
    const store = createConnectionStore(tdb.database, () => {}, outbox);
    const id = await store.saveGrant(grant(), 'conn_1', NOW);
    expect(await store.saveGrant(grant(), 'conn_2', NOW)).toBe(id);
    expect(await store.delete(id)).toBe(true);
    const rows = await deliveries();
    expect(rows).toHaveLength(6);
    const types = rows.filter((r) => r.endpointId === 'whe_a').map((r) => r.eventType);
    expect(types.sort()).toEqual(['connection.created', 'connection.deleted', 'connection.reconnected']);
    const created = rows.filter((r) => r.eventType === 'connection.created');
    expect(created[0]!.eventId).toBe(created[1]!.eventId);
    expect(JSON.parse(created[0]!.payload)).toEqual({
      type: 'connection.created',
      timestamp: new Date(NOW).toISOString(),
      data: {
        connection_id: id,
        tenant: 'acme',
        end_user: 'user-1',
        provider_id: 'dropbox',
        account: { user_id: 'acct-1', email: 'u@example.com', display_name: 'U' },
        status: 'active',
      },
    });
    for (const row of rows) expect(row.payload).not.toContain('MARKER');
  });

  it('a failed outbox write rolls the change back, and a failed change writes no event', async () => {
    await addEndpoint('whe_a');
    const crashing: Outbox = {
      transact: outbox.transact,
      record: async (tx, event) => {
        await outbox.record(tx, event);
        throw new Error('crash between the event and the commit');
      },
    };
    const store = createConnectionStore(tdb.database, () => {}, crashing);
    await expect(store.saveGrant(grant(), 'conn_1', NOW)).rejects.toThrow('crash');
    expect(await db().select().from(tables().connections)).toHaveLength(0);
    expect(await deliveries()).toHaveLength(0);

    await expect(
      outbox.transact(async (tx) => {
        await outbox.record(tx, {
          type: 'connection.deleted',
          subject: {
            connection_id: 'c',
            tenant: 'acme',
            end_user: 'u',
            provider_id: 'p',
            account: null,
            status: 'deleted',
          },
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await deliveries()).toHaveLength(0);
    // The runner is usable after a rollback.
    await createConnectionStore(tdb.database, () => {}, outbox).saveGrant(grant(), 'conn_1', NOW);
    expect(await deliveries()).toHaveLength(1);
  });

  it("reaches only subscribed, enabled endpoints, and bound ones only inside their client's grants", async () => {
    await addClient('svc_acme', ['acme']);
    await addClient('svc_other', ['globex']);
    await addClient('svc_off', '*', false);
    await addEndpoint('whe_admin');
    await addEndpoint('whe_acme', { clientId: 'svc_acme' });
    await addEndpoint('whe_other', { clientId: 'svc_other' });
    await addEndpoint('whe_off_client', { clientId: 'svc_off' });
    await addEndpoint('whe_gone_client', { clientId: 'svc_deleted' });
    await addEndpoint('whe_disabled', { isEnabled: false });
    await addEndpoint('whe_deletes_only', { events: JSON.stringify(['connection.deleted']) });
    await createConnectionStore(tdb.database, () => {}, outbox).saveGrant(grant(), 'conn_1', NOW);
    expect((await deliveries()).map((r) => r.endpointId).sort()).toEqual(['whe_acme', 'whe_admin']);
  });

  it('refresh_failing once at the threshold, recovered after, needs_reauth with its code; no event for a plain refresh', async () => {
    await addEndpoint('whe_a');
    const id = await createConnectionStore(tdb.database).saveGrant(grant(), 'conn_1', NOW);
    const rows = createTokenRows(tdb.database, () => {}, outbox);
    const commit = async () => {
      const row = (await rows.read(id))!;
      return rows.commitRefresh(
        id,
        row.tokenVersion,
        {
          accessToken: 'a',
          refreshToken: null,
          tokenType: 'bearer',
          expiresAt: null,
          scopes: null,
          issuedAt: NOW,
          refreshTokenExpiresAt: null,
          usedAt: null,
          nextRefreshAt: null,
        },
        NOW,
      );
    };
    expect(await commit()).toBe(true);
    expect(await deliveries()).toHaveLength(0);
    for (let i = 0; i < REFRESH_FAILING_THRESHOLD + 2; i++) {
      const row = (await rows.read(id))!;
      expect(await rows.acquireLease(id, row.tokenVersion, 'me', NOW, 1000)).toBe(true);
      await rows.recordTransientFailure(id, 'me', 'provider_timeout', NOW, NOW);
    }
    expect((await deliveries()).map((r) => r.eventType)).toEqual(['connection.refresh_failing']);
    expect(JSON.parse((await deliveries())[0]!.payload).data).toMatchObject({
      status: 'active',
      error: 'provider_timeout',
    });
    expect(await commit()).toBe(true);
    expect(await commit()).toBe(true);
    const types = (await deliveries()).map((r) => r.eventType).sort();
    expect(types).toEqual(['connection.recovered', 'connection.refresh_failing']);
    const row = (await rows.read(id))!;
    expect(await rows.markNeedsReauth(id, row.tokenVersion, 'invalid_grant', NOW)).toBe(true);
    const reauth = (await deliveries()).find((r) => r.eventType === 'connection.needs_reauth')!;
    expect(JSON.parse(reauth.payload).data).toMatchObject({ status: 'needs_reauth', error: 'invalid_grant' });
  });
});
