import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type ConnectionRecord, createConnectionStore } from '../../connections/store.js';
import { availableEngines } from '../../test-support/databases.js';
import { grant, NOW } from './records.js';
import { useDatabase } from './use-database.js';

const engines = await availableEngines();

describe.each(engines)('connection store contract on %s', (engine) => {
  const database = useDatabase(engine);
  const changed: string[] = [];
  const store = () => createConnectionStore(database(), (id) => changed.push(id));

  it('saveGrant stores a new grant under the id given, sealed for that id', async () => {
    const id = await store().saveGrant(grant('t-new', 'acct-1'), 'conn_new', NOW);
    expect(id).toBe('conn_new');
    expect(await store().get('conn_new')).toStrictEqual({
      id: 'conn_new',
      tenant: 't-new',
      provider_id: 'dropbox',
      end_user: 'user-1',
      account: { user_id: 'acct-1', email: 'acct-1@example.com', display_name: 'Zoë 🚀' },
      scopes: ['files.read'],
      status: 'active',
      access_token_ciphertext: 'sealed(conn_new, access-1)',
      refresh_token_ciphertext: 'sealed(conn_new, refresh-1)',
      token_type: 'Bearer',
      expires_at: NOW + 3_600_000,
      granted_at: NOW,
      refresh_token_expires_at: null,
      last_refreshed_at: null,
      next_refresh_at: NOW + 1_000 + 'conn_new'.length,
      last_error: null,
      connection_params: null,
      metadata: {},
      created_at: NOW,
      updated_at: NOW,
    } satisfies ConnectionRecord);
    expect(await store().get('conn_missing')).toBeNull();
  });

  it('keeps nulls and times beyond 2^32 ms exactly', async () => {
    const bare = grant('t-null', 'acct-n', {
      account: { user_id: 'acct-n', email: null, display_name: null },
      scopes: [],
      expires_at: null,
      seal: (rowId) => ({ access: `sealed(${rowId})`, refresh: null }),
    });
    await store().saveGrant(bare, 'conn_null', 2 ** 41 + 9);
    expect(await store().get('conn_null')).toMatchObject({
      account: { user_id: 'acct-n', email: null, display_name: null },
      scopes: [],
      refresh_token_ciphertext: null,
      expires_at: null,
      created_at: 2 ** 41 + 9,
    });
  });

  it('connecting the same account again replaces the tokens in place, keeping a refresh token not sent', async () => {
    await store().saveGrant(grant('t-again', 'acct-2'), 'conn_first', NOW);
    changed.length = 0;
    const again = grant('t-again', 'acct-2', {
      end_user: 'user-2',
      scopes: ['files.read', 'files.write'],
      expires_at: NOW + 7_200_000,
      seal: (rowId) => ({ access: `sealed(${rowId}, access-2)`, refresh: null }),
    });
    expect(await store().saveGrant(again, 'conn_second', NOW + 1000)).toBe('conn_first');
    expect(changed).toEqual(['conn_first']);
    expect(await store().get('conn_second')).toBeNull();
    expect(await store().get('conn_first')).toMatchObject({
      end_user: 'user-2',
      scopes: ['files.read', 'files.write'],
      access_token_ciphertext: 'sealed(conn_first, access-2)',
      refresh_token_ciphertext: 'sealed(conn_first, refresh-1)',
      expires_at: NOW + 7_200_000,
      created_at: NOW,
      updated_at: NOW + 1000,
    });
    // The same account in another tenant, or at another provider, is another connection.
    expect(await store().saveGrant(grant('t-other', 'acct-2'), 'conn_tenant', NOW)).toBe('conn_tenant');
    const box = grant('t-again', 'acct-2', { provider_id: 'box' });
    expect(await store().saveGrant(box, 'conn_box', NOW)).toBe('conn_box');
  });

  it('a reconnect starts a new run: no failures, error, lease or use; issued, granted and scheduled now; a new version', async () => {
    await store().saveGrant(grant('t-reset', 'acct-r'), 'conn_reset', NOW);
    // The old grant as a failing refresh leaves it: backing off, leased, last used long ago.
    const { db, tables } = database();
    const c = tables.connections;
    await db
      .update(c)
      .set({
        status: 'needs_reauth',
        refreshFailures: 4,
        lastRefreshError: 'provider_error',
        refreshLeaseOwner: 'replica-a',
        refreshLeaseUntil: NOW + 50_000,
        nextRefreshAt: NOW + 900_000,
        lastRefreshedAt: NOW + 10,
        lastUsedAt: NOW + 20,
        refreshTokenExpiresAt: NOW + 30,
        tokenVersion: 6,
      })
      .where(eq(c.id, 'conn_reset'));

    const later = NOW + 60_000;
    const again = grant('t-reset', 'acct-r', {
      expires_at: later + 3_600_000,
      refresh_token_expires_at: later + 86_400_000,
      seal: (rowId) => ({ access: `sealed(${rowId}, access-2)`, refresh: `sealed(${rowId}, refresh-2)` }),
      plan: (rowId, hasRefreshToken) => (hasRefreshToken ? later + 7_000 + rowId.length : null),
    });
    expect(await store().saveGrant(again, 'conn_unused', later)).toBe('conn_reset');
    const [row] = await db.select().from(c).where(eq(c.id, 'conn_reset'));
    expect(row).toMatchObject({
      status: 'active',
      refreshFailures: 0,
      lastRefreshError: null,
      refreshLeaseOwner: null,
      refreshLeaseUntil: null,
      // The new grant's plan, not the old backoff.
      nextRefreshAt: later + 7_000 + 'conn_reset'.length,
      tokenVersion: 7,
      tokenIssuedAt: later,
      grantedAt: later,
      // As the new answer stated it; never refreshed, and no use recorded yet.
      refreshTokenExpiresAt: later + 86_400_000,
      lastRefreshedAt: null,
      lastUsedAt: null,
      expiresAt: later + 3_600_000,
      createdAt: NOW,
      updatedAt: later,
    });
    expect(await store().get('conn_reset')).toMatchObject({
      status: 'active',
      next_refresh_at: later + 7_000 + 'conn_reset'.length,
      last_error: null,
      granted_at: later,
      last_refreshed_at: null,
      refresh_token_expires_at: later + 86_400_000,
    });
  });

  it('concurrent saves of one new account make one row, and every caller gets its id', async () => {
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        store().saveGrant(grant('t-race', 'acct-race'), `conn_race_${i}`, NOW),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    expect(await store().list({ tenant: 't-race' }, { limit: 10 })).toHaveLength(1);
  });

  it('lists by id with every filter, paging with after and limit', async () => {
    const rows: Array<[string, string, string, string]> = [
      ['conn_l5', 'list-a', 'dropbox', 'alice'],
      ['conn_l1', 'list-a', 'box', 'alice'],
      ['conn_l3', 'list-b', 'dropbox', 'bob'],
      ['conn_l2', 'list-a', 'dropbox', 'bob'],
      ['conn_l4', 'list-c', 'box', 'alice'],
    ];
    for (const [id, tenant, provider, user] of rows) {
      await store().saveGrant(
        grant(tenant, `acct-${id}`, { provider_id: provider, end_user: user }),
        id,
        NOW,
      );
    }
    const ids = async (filter: Parameters<ReturnType<typeof store>['list']>[0], limit = 10, after?: string) =>
      (await store().list(filter, { limit, after })).map((c) => c.id);
    const tenants = ['list-a', 'list-b', 'list-c'];
    expect(await ids({ tenants })).toEqual(['conn_l1', 'conn_l2', 'conn_l3', 'conn_l4', 'conn_l5']);
    expect(await ids({ tenant: 'list-a' })).toEqual(['conn_l1', 'conn_l2', 'conn_l5']);
    expect(await ids({ tenants: ['list-b', 'list-c'] })).toEqual(['conn_l3', 'conn_l4']);
    expect(await ids({ tenants, providers: ['box'] })).toEqual(['conn_l1', 'conn_l4']);
    expect(await ids({ tenants, provider_id: 'dropbox', end_user: 'bob' })).toEqual(['conn_l2', 'conn_l3']);
    expect(await ids({ tenants, status: 'active' }, 2)).toEqual(['conn_l1', 'conn_l2']);
    expect(await ids({ tenants, status: 'needs_reauth' })).toEqual([]);
    expect(await ids({ tenants }, 2, 'conn_l2')).toEqual(['conn_l3', 'conn_l4']);
    expect(await ids({ tenants: [] })).toEqual([]);
  });

  it('delete answers true once, then false, and reports the change', async () => {
    await store().saveGrant(grant('t-del', 'acct-d'), 'conn_del', NOW);
    changed.length = 0;
    expect(await store().delete('conn_del')).toBe(true);
    expect(await store().delete('conn_del')).toBe(false);
    expect(await store().get('conn_del')).toBeNull();
    expect(changed).toContain('conn_del');
  });

  it('existForProvider sees any connection of a provider', async () => {
    expect(await store().existForProvider('never-used')).toBe(false);
    await store().saveGrant(grant('t-exist', 'acct-e', { provider_id: 'used-once' }), 'conn_exist', NOW);
    expect(await store().existForProvider('used-once')).toBe(true);
    await store().delete('conn_exist');
    expect(await store().existForProvider('used-once')).toBe(false);
  });

  it('keeps connection_params and metadata, replaces them on reconnect, and reads none as null and {}', async () => {
    const withValues = grant('t-meta', 'acct-m', {
      connection_params: { realm: 'acme' },
      metadata: { instance_url: 'https://ü.example' },
    });
    const id = await store().saveGrant(withValues, 'conn_meta', NOW);
    expect(await store().get(id)).toMatchObject({
      connection_params: { realm: 'acme' },
      metadata: { instance_url: 'https://ü.example' },
    });
    expect(
      await store().saveGrant(grant('t-meta', 'acct-m', { metadata: { org: '42' } }), 'x', NOW + 1),
    ).toBe(id);
    expect(await store().get(id)).toMatchObject({ connection_params: null, metadata: { org: '42' } });
    await store().saveGrant(grant('t-meta', 'acct-bare'), 'conn_bare', NOW);
    expect(await store().get('conn_bare')).toMatchObject({ connection_params: null, metadata: {} });
  });
});
