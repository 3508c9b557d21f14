import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXCHANGE_GRACE_MS } from '../../connect/session-expiry.js';
import { type ConnectSession, createSessionStore } from '../../connect/session-store.js';
import { availableEngines, createTestDatabase, type TestDatabase } from '../../test-support/databases.js';
import { createOutbox } from '../../webhooks/outbox.js';
import { type Database, openDatabase } from '../open.js';
import { createTransact } from '../transaction.js';

/**
 * The expiry sweep's statement on both engines: expired sessions fail with
 * `session_expired` and one `connect_session.failed` each, in the same
 * transaction; nothing else changes; replicas sweeping at once report each
 * session once.
 */

const engines = await availableEngines();
const NOW = 1_718_000_000_000;
const EXPIRES = NOW + 600_000;

let counter = 0;
function session(overrides: Partial<ConnectSession> = {}): ConnectSession {
  counter += 1;
  return {
    id: `cs_exp_${counter}`,
    provider_id: 'dropbox',
    tenant: 'acme',
    end_user: `user-${counter}`,
    scopes: ['files.read'],
    return_to: null,
    redirect_uri: 'http://127.0.0.1:8080/v1/connect/callback',
    completion: 'browser',
    created_by: 'client_backup',
    state_hash: null,
    connect_token_hash: `ct_exp_${counter}`,
    browser_binding_hash: null,
    code_verifier_ciphertext: `v1.k.nonce.VERIFIER-MARKER-${counter}`,
    nonce_hash: null,
    status: 'pending',
    error: null,
    connection_id: null,
    connection_params: null,
    upgrade_connection_id: null,
    created_at: NOW,
    expires_at: EXPIRES,
    updated_at: NOW,
    ...overrides,
  };
}

describe.each(engines)('connect session expiry on %s', (engine) => {
  let tdb: TestDatabase;
  let replica: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase(engine);
    // Another replica: its own handle (its own pool on Postgres) on the same database.
    replica = openDatabase(tdb.url);
    await tdb.database.db.insert(tdb.database.tables.webhookEndpoints).values({
      id: 'wh_1',
      url: 'https://hooks.example/in',
      isEnabled: true,
      secret: 'v1.x.y.z',
      createdAt: NOW,
      updatedAt: NOW,
    });
  });
  afterAll(async () => {
    await replica.close();
    await tdb.destroy();
  });
  beforeEach(async () => {
    const { db, tables } = tdb.database;
    await db.delete(tables.webhookDeliveries);
    await db.delete(tables.connectSessions);
  });

  // One transaction runner per handle, as in the app (SQLite's queues the handle's transactions).
  const outboxes = new Map<Database, ReturnType<typeof createOutbox>>();
  const outboxOf = (database: Database) => {
    const outbox =
      outboxes.get(database) ??
      createOutbox({ database, transact: createTransact(database), now: () => NOW, random: randomBytes });
    outboxes.set(database, outbox);
    return outbox;
  };
  const storeOn = (database: Database) => createSessionStore(database, outboxOf(database));
  let primary: ReturnType<typeof storeOn> | undefined;
  const store = () => {
    primary ??= storeOn(tdb.database);
    return primary;
  };
  const events = async () =>
    (await tdb.database.db.select().from(tdb.database.tables.webhookDeliveries)).map((row) => ({
      type: row.eventType,
      payload: row.payload,
      body: JSON.parse(row.payload) as { type: string; data: Record<string, unknown> },
    }));

  it('fails an expired pending session with session_expired and records one event, without a secret', async () => {
    const s = session();
    await store().insert(s);
    expect(await store().expire(EXPIRES, EXCHANGE_GRACE_MS, 200)).toBe(1);
    expect(await store().get(s.id)).toStrictEqual({
      ...s,
      status: 'failed',
      error: 'session_expired',
      code_verifier_ciphertext: null,
      updated_at: EXPIRES,
    });
    const recorded = await events();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.type).toBe('connect_session.failed');
    expect(recorded[0]!.body.data).toStrictEqual({
      connection_id: null,
      tenant: 'acme',
      end_user: s.end_user,
      provider_id: 'dropbox',
      account: null,
      status: 'failed',
      error: 'session_expired',
    });
    expect(recorded[0]!.payload).not.toContain('MARKER');
    // Swept again: nothing more.
    expect(await store().expire(EXPIRES + 60_000, EXCHANGE_GRACE_MS, 200)).toBe(0);
    expect(await events()).toHaveLength(1);
  });

  it('leaves unexpired, ended and recently claimed sessions alone', async () => {
    const live = session({ expires_at: EXPIRES + 1 });
    const completed = session({
      status: 'completed',
      connection_id: 'conn_1',
      code_verifier_ciphertext: null,
    });
    const failed = session({ status: 'failed', error: 'access_denied', code_verifier_ciphertext: null });
    // Claimed before expiry: its exchange may still be running within the grace.
    const exchanging = session({ status: 'exchanging' });
    const all = [live, completed, failed, exchanging];
    for (const s of all) await store().insert(s);
    expect(await store().expire(EXPIRES, EXCHANGE_GRACE_MS, 200)).toBe(0);
    expect(await store().expire(EXPIRES + EXCHANGE_GRACE_MS - 1, EXCHANGE_GRACE_MS, 200)).toBe(1);
    for (const s of [completed, failed, exchanging]) expect(await store().get(s.id)).toStrictEqual(s);
    expect((await events()).map((e) => e.body.data.end_user)).toStrictEqual([live.end_user]);
  });

  it('fails an exchanging session once the grace has passed: its replica died mid-exchange', async () => {
    const s = session({ status: 'exchanging' });
    await store().insert(s);
    expect(await store().expire(EXPIRES + EXCHANGE_GRACE_MS, EXCHANGE_GRACE_MS, 200)).toBe(1);
    expect(await store().get(s.id)).toMatchObject({ status: 'failed', error: 'session_expired' });
    expect(await events()).toHaveLength(1);
  });

  it('a sweep after a failure recorded by the callback adds nothing, and finish after the sweep adds nothing', async () => {
    const byCallback = session();
    const bySweep = session();
    await store().insert(byCallback);
    await store().insert(bySweep);
    await store().finish(byCallback.id, { status: 'failed', error: 'session_expired' }, EXPIRES);
    expect(await store().expire(EXPIRES, EXCHANGE_GRACE_MS, 200)).toBe(1);
    await store().finish(bySweep.id, { status: 'failed', error: 'session_expired' }, EXPIRES + 1);
    await store().finish(bySweep.id, { status: 'completed', connectionId: 'conn_late' }, EXPIRES + 1);
    expect(await store().get(bySweep.id)).toMatchObject({ status: 'failed', connection_id: null });
    expect((await events()).map((e) => e.body.data.end_user).sort()).toStrictEqual(
      [byCallback.end_user, bySweep.end_user].sort(),
    );
  });

  it('works in bounded batches', async () => {
    for (let i = 0; i < 5; i++) await store().insert(session());
    const counts = [];
    for (let i = 0; i < 4; i++) counts.push(await store().expire(EXPIRES, EXCHANGE_GRACE_MS, 2));
    expect(counts).toStrictEqual([2, 2, 1, 0]);
    expect(await events()).toHaveLength(5);
  });

  it('two replicas sweeping at once report each session exactly once', async () => {
    const sessions = Array.from({ length: 60 }, () => session());
    for (const s of sessions) await store().insert(s);
    const other = storeOn(engine === 'postgres' ? replica : tdb.database);
    // On SQLite one process has one writer; the second store shares its handle and queue.
    const sweepAll = async (s: ReturnType<typeof storeOn>) => {
      let total = 0;
      for (;;) {
        const n = await s.expire(EXPIRES, EXCHANGE_GRACE_MS, 7);
        total += n;
        if (n === 0) return total;
      }
    };
    const [a, b] = await Promise.all([sweepAll(store()), sweepAll(other)]);
    expect(a + b).toBe(60);
    const users = (await events()).map((e) => e.body.data.end_user);
    expect(users).toHaveLength(60);
    expect(new Set(users)).toStrictEqual(new Set(sessions.map((s) => s.end_user)));
  });
});
