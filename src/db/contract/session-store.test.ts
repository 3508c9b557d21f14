import { describe, expect, it } from 'vitest';
import { type ConnectSession, createSessionStore } from '../../connect/session-store.js';
import { availableEngines } from '../../test-support/databases.js';
import { useDatabase } from './use-database.js';

const engines = await availableEngines();
const NOW = 1_718_000_000_000;

let counter = 0;
/** A pending session with unique id and hashes; every field can be overridden. */
function session(overrides: Partial<ConnectSession> = {}): ConnectSession {
  counter += 1;
  return {
    id: `cs_${counter}`,
    provider_id: 'dropbox',
    tenant: 'acme',
    end_user: 'user-1',
    scopes: ['files.read', 'files.write'],
    return_to: 'https://app.example/done?x=1',
    redirect_uri: 'http://127.0.0.1:8080/v1/connect/callback',
    completion: 'browser',
    created_by: 'client_backup',
    state_hash: null,
    connect_token_hash: `ct_hash_${counter}`,
    browser_binding_hash: null,
    code_verifier_ciphertext: `v1.k.nonce.verifier-${counter}`,
    nonce_hash: null,
    status: 'pending',
    error: null,
    connection_id: null,
    connection_params: null,
    upgrade_connection_id: null,
    created_at: NOW,
    expires_at: NOW + 600_000,
    updated_at: NOW,
    ...overrides,
  };
}

describe.each(engines)('connect session store contract on %s', (engine) => {
  const database = useDatabase(engine);
  const store = () => createSessionStore(database());

  it('get answers exactly what insert stored, nulls, empty lists and unicode included', async () => {
    const full = session({
      state_hash: 'st_full',
      browser_binding_hash: 'bb_full',
      nonce_hash: 'nh_full',
      end_user: 'Zoë 🚀',
    });
    const sparse = session({
      scopes: [],
      return_to: null,
      code_verifier_ciphertext: null,
      completion: 'service',
    });
    const late = session({ created_at: 2 ** 41 + 3, expires_at: 2 ** 41 + 600_003, updated_at: 2 ** 41 + 5 });
    for (const s of [full, sparse, late]) await store().insert(s);
    expect(await store().get(full.id)).toStrictEqual(full);
    expect(await store().get(sparse.id)).toStrictEqual(sparse);
    expect(await store().get(late.id)).toStrictEqual(late);
    expect(await store().get('cs_missing')).toBeNull();
  });

  it('finds a session by its state hash and by its connect token hash, both unique', async () => {
    const s = session({ state_hash: 'st_find' });
    await store().insert(s);
    expect((await store().byStateHash('st_find'))?.id).toBe(s.id);
    expect((await store().byConnectTokenHash(s.connect_token_hash))?.id).toBe(s.id);
    expect(await store().byStateHash('st_other')).toBeNull();
    expect(await store().byConnectTokenHash('ct_other')).toBeNull();
    await expect(store().insert(session({ connect_token_hash: s.connect_token_hash }))).rejects.toThrow();
    await expect(store().insert(session({ state_hash: 'st_find' }))).rejects.toThrow();
    // Sessions without a state yet do not collide on it.
    await store().insert(session());
    await store().insert(session());
  });

  it('beginAuthorization binds the first browser, refuses another, and lets the same one start again', async () => {
    const s = session();
    await store().insert(s);
    expect(
      await store().beginAuthorization(s.id, { stateHash: 'st_a1', nonceHash: null }, 'bb_first', NOW + 1),
    ).toBe(true);
    expect(
      await store().beginAuthorization(s.id, { stateHash: 'st_a2', nonceHash: null }, 'bb_second', NOW + 2),
    ).toBe(false);
    expect(await store().get(s.id)).toMatchObject({ state_hash: 'st_a1', browser_binding_hash: 'bb_first' });
    // null: the bound browser coming back keeps its binding and gets a new state.
    expect(
      await store().beginAuthorization(s.id, { stateHash: 'st_a3', nonceHash: null }, null, NOW + 3),
    ).toBe(true);
    expect(await store().get(s.id)).toMatchObject({
      state_hash: 'st_a3',
      browser_binding_hash: 'bb_first',
      updated_at: NOW + 3,
    });
    expect(await store().byStateHash('st_a1')).toBeNull();
    // Each request records its own nonce, or none.
    expect(
      await store().beginAuthorization(s.id, { stateHash: 'st_a4', nonceHash: 'nh_a4' }, null, NOW + 4),
    ).toBe(true);
    expect(await store().get(s.id)).toMatchObject({ state_hash: 'st_a4', nonce_hash: 'nh_a4' });
    expect(
      await store().beginAuthorization(s.id, { stateHash: 'st_a5', nonceHash: null }, null, NOW + 5),
    ).toBe(true);
    expect(await store().get(s.id)).toMatchObject({ state_hash: 'st_a5', nonce_hash: null });
  });

  it('beginAuthorization refuses an expired, a claimed and a missing session', async () => {
    const expired = session();
    const claimed = session();
    await store().insert(expired);
    await store().insert(claimed);
    expect(
      await store().beginAuthorization(
        expired.id,
        { stateHash: 'st_e', nonceHash: null },
        'bb',
        expired.expires_at,
      ),
    ).toBe(false);
    expect(await store().claim(claimed.id, NOW)).toBe(true);
    expect(
      await store().beginAuthorization(claimed.id, { stateHash: 'st_c', nonceHash: null }, null, NOW),
    ).toBe(false);
    expect(
      await store().beginAuthorization('cs_missing', { stateHash: 'st_m', nonceHash: null }, null, NOW),
    ).toBe(false);
    expect(await store().get(expired.id)).toStrictEqual(expired);
  });

  it('claim: exactly one of many concurrent callers wins, and never after expiry', async () => {
    const s = session();
    await store().insert(s);
    const results = await Promise.all(Array.from({ length: 8 }, () => store().claim(s.id, NOW + 10)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store().get(s.id)).toMatchObject({ status: 'exchanging', updated_at: NOW + 10 });
    const late = session();
    await store().insert(late);
    expect(await store().claim(late.id, late.expires_at)).toBe(false);
    expect((await store().get(late.id))?.status).toBe('pending');
  });

  it('finish records the outcome once, drops the verifier, and leaves an ended session alone', async () => {
    const done = session();
    const failed = session();
    await store().insert(done);
    await store().insert(failed);
    await store().claim(done.id, NOW);
    await store().finish(done.id, { status: 'completed', connectionId: 'conn_1' }, NOW + 5);
    await store().finish(failed.id, { status: 'failed', error: 'access_denied' }, NOW + 6);
    expect(await store().get(done.id)).toStrictEqual({
      ...done,
      status: 'completed',
      connection_id: 'conn_1',
      code_verifier_ciphertext: null,
      updated_at: NOW + 5,
    });
    expect(await store().get(failed.id)).toStrictEqual({
      ...failed,
      status: 'failed',
      error: 'access_denied',
      code_verifier_ciphertext: null,
      updated_at: NOW + 6,
    });
    await store().finish(done.id, { status: 'failed', error: 'late' }, NOW + 7);
    expect(await store().get(done.id)).toMatchObject({
      status: 'completed',
      error: null,
      updated_at: NOW + 5,
    });
  });

  it('prune deletes the ended sessions that expired before the cut-off, and only those', async () => {
    const cut = NOW + 50_000_000;
    const old = session({ expires_at: cut - 1, status: 'completed', connection_id: 'conn_old' });
    const oldFailed = session({ expires_at: cut - 1, status: 'failed', error: 'access_denied' });
    const edge = session({ expires_at: cut, status: 'failed', error: 'access_denied' });
    const live = session({ expires_at: cut + 1 });
    // Not yet told to the webhooks: kept until the expiry sweep has failed them.
    const unswept = session({ expires_at: cut - 1 });
    const exchanging = session({ expires_at: cut - 1, status: 'exchanging' });
    for (const s of [old, oldFailed, edge, live, unswept, exchanging]) await store().insert(s);
    await store().prune(cut);
    expect(await store().get(old.id)).toBeNull();
    expect(await store().get(oldFailed.id)).toBeNull();
    expect(await store().get(edge.id)).toStrictEqual(edge);
    expect(await store().get(live.id)).toStrictEqual(live);
    expect(await store().get(unswept.id)).toStrictEqual(unswept);
    expect(await store().get(exchanging.id)).toStrictEqual(exchanging);
  });
});
