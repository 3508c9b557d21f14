import { describe, expect, it } from 'vitest';
import { createConnectionStore } from '../../connections/store.js';
import { type Commit, createTokenRows } from '../../refresh/token-rows.js';
import { availableEngines } from '../../test-support/databases.js';
import { grant, NOW } from './records.js';
import { useDatabase } from './use-database.js';

const engines = await availableEngines();
const LEASE = 30_000;

const tokens = (n: number, overrides: Partial<Commit> = {}): Commit => ({
  accessToken: `sealed(access-${n})`,
  refreshToken: `sealed(refresh-${n})`,
  tokenType: 'Bearer',
  expiresAt: NOW + 3_600_000 * n,
  scopes: null,
  issuedAt: NOW,
  refreshTokenExpiresAt: null,
  usedAt: null,
  nextRefreshAt: NOW + 3_000_000 * n,
  ...overrides,
});

describe.each(engines)('token rows contract on %s', (engine) => {
  const database = useDatabase(engine);
  const changed: string[] = [];
  const rows = () => createTokenRows(database(), (id) => changed.push(id));
  let counter = 0;
  /** A fresh active connection, stored as the connect flow stores one. */
  const connection = async () => {
    counter += 1;
    const id = `conn_tok_${counter}`;
    await createConnectionStore(database()).saveGrant(grant('t-tokens', `acct-${counter}`), id, NOW);
    return id;
  };

  it('read answers the stored row as version 0 with no lease, and null for a missing id', async () => {
    const id = await connection();
    expect(await rows().read(id)).toMatchObject({
      id,
      status: 'active',
      accessToken: `sealed(${id}, access-1)`,
      refreshToken: `sealed(${id}, refresh-1)`,
      tokenVersion: 0,
      refreshLeaseOwner: null,
      refreshLeaseUntil: null,
      refreshFailures: 0,
      lastRefreshError: null,
    });
    expect(await rows().read('conn_missing')).toBeNull();
  });

  it('acquireLease: one of many concurrent owners wins; the lease is free again once it ends', async () => {
    const id = await connection();
    const won = await Promise.all(
      Array.from({ length: 8 }, (_, i) => rows().acquireLease(id, 0, `owner-${i}`, NOW, LEASE)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = `owner-${won.indexOf(true)}`;
    expect(await rows().read(id)).toMatchObject({
      refreshLeaseOwner: winner,
      refreshLeaseUntil: NOW + LEASE,
    });
    expect(await rows().acquireLease(id, 0, 'late', NOW + LEASE, LEASE)).toBe(false);
    expect(await rows().acquireLease(id, 0, 'late', NOW + LEASE + 1, LEASE)).toBe(true);
    expect((await rows().read(id))?.refreshLeaseOwner).toBe('late');
  });

  it('acquireLease refuses a stale version, a connection needing its user, and a missing one', async () => {
    const id = await connection();
    expect(await rows().acquireLease(id, 1, 'o', NOW, LEASE)).toBe(false);
    expect(await rows().markNeedsReauth(id, 0, 'invalid_grant', NOW)).toBe(true);
    expect(await rows().acquireLease(id, 0, 'o', NOW, LEASE)).toBe(false);
    expect(await rows().acquireLease('conn_missing', 0, 'o', NOW, LEASE)).toBe(false);
  });

  it('commit stores new tokens once per version, bumps it, and clears lease, failures and error', async () => {
    const id = await connection();
    await rows().acquireLease(id, 0, 'o', NOW, LEASE);
    await rows().recordTransientFailure(id, 'o', 'provider_timeout', NOW + 30_000, NOW);
    await rows().acquireLease(id, 0, 'o', NOW, LEASE);
    changed.length = 0;
    expect(await rows().commitRefresh(id, 0, tokens(2, { scopes: ['a', 'b'] }), NOW + 5)).toBe(true);
    expect(changed).toEqual([id]);
    expect(await rows().read(id)).toMatchObject({
      accessToken: 'sealed(access-2)',
      refreshToken: 'sealed(refresh-2)',
      expiresAt: NOW + 7_200_000,
      scopes: '["a","b"]',
      tokenVersion: 1,
      nextRefreshAt: NOW + 6_000_000,
      refreshLeaseOwner: null,
      refreshLeaseUntil: null,
      refreshFailures: 0,
      lastRefreshError: null,
      updatedAt: NOW + 5,
    });
    // A second refresher that read version 0 loses, and changes nothing.
    expect(await rows().commitRefresh(id, 0, tokens(3), NOW + 6)).toBe(false);
    expect((await rows().read(id))?.accessToken).toBe('sealed(access-2)');
  });

  it('commit without a refresh token or scopes keeps the stored ones', async () => {
    const id = await connection();
    expect(await rows().commitRefresh(id, 0, tokens(2, { refreshToken: null, expiresAt: null }), NOW)).toBe(
      true,
    );
    expect(await rows().read(id)).toMatchObject({
      accessToken: 'sealed(access-2)',
      refreshToken: `sealed(${id}, refresh-1)`,
      scopes: '["files.read"]',
      expiresAt: null,
      tokenVersion: 1,
    });
  });

  it('commit stores a stated refresh token expiry and last use; an answer stating none (null) keeps the stored ones', async () => {
    const id = await connection();
    const stated = tokens(2, { refreshTokenExpiresAt: NOW + 600_000, usedAt: NOW + 1 });
    expect(await rows().commitRefresh(id, 0, stated, NOW + 1)).toBe(true);
    expect(await rows().read(id)).toMatchObject({
      refreshTokenExpiresAt: NOW + 600_000,
      lastUsedAt: NOW + 1,
      tokenIssuedAt: NOW,
      lastRefreshedAt: NOW + 1,
    });
    const silent = tokens(3, { refreshTokenExpiresAt: null, usedAt: null, issuedAt: NOW + 60_000 });
    expect(await rows().commitRefresh(id, 1, silent, NOW + 60_000)).toBe(true);
    expect(await rows().read(id)).toMatchObject({
      accessToken: 'sealed(access-3)',
      refreshToken: 'sealed(refresh-3)',
      refreshTokenExpiresAt: NOW + 600_000,
      lastUsedAt: NOW + 1,
      tokenIssuedAt: NOW + 60_000,
      lastRefreshedAt: NOW + 60_000,
      tokenVersion: 2,
    });
  });

  it('markNeedsReauth only on the version seen, unscheduling the connection', async () => {
    const id = await connection();
    await rows().commitRefresh(id, 0, tokens(1), NOW);
    expect(await rows().markNeedsReauth(id, 0, 'invalid_grant', NOW + 1)).toBe(false);
    expect((await rows().read(id))?.status).toBe('active');
    expect(await rows().markNeedsReauth(id, 1, 'invalid_grant', NOW + 2)).toBe(true);
    expect(await rows().read(id)).toMatchObject({
      status: 'needs_reauth',
      nextRefreshAt: null,
      lastRefreshError: 'invalid_grant',
      tokenVersion: 1,
      updatedAt: NOW + 2,
    });
  });

  it('recordFailure counts only the lease owner, keeps the tokens and reschedules', async () => {
    const id = await connection();
    await rows().acquireLease(id, 0, 'owner', NOW, LEASE);
    await rows().recordTransientFailure(id, 'intruder', 'provider_error', NOW + 1, NOW);
    expect(await rows().read(id)).toMatchObject({ refreshFailures: 0, refreshLeaseOwner: 'owner' });
    await rows().recordTransientFailure(id, 'owner', 'provider_error', NOW + 60_000, NOW + 1);
    await rows().acquireLease(id, 0, 'owner', NOW + 2, LEASE);
    await rows().recordTransientFailure(id, 'owner', 'provider_timeout', NOW + 120_000, NOW + 3);
    expect(await rows().read(id)).toMatchObject({
      accessToken: `sealed(${id}, access-1)`,
      tokenVersion: 0,
      refreshFailures: 2,
      lastRefreshError: 'provider_timeout',
      nextRefreshAt: NOW + 120_000,
      refreshLeaseOwner: null,
      refreshLeaseUntil: null,
    });
  });

  it('stamps answers version and status of the ids that exist, whatever characters they hold', async () => {
    const a = await connection();
    const b = await connection();
    await rows().markNeedsReauth(b, 0, 'invalid_grant', NOW);
    const odd = [`conn_"q"`, 'conn_a,b', 'conn_{x}', 'conn_\\', "conn_o'k"];
    const store = createConnectionStore(database());
    for (const [i, id] of odd.entries()) await store.saveGrant(grant('t-odd', `acct-odd-${i}`), id, NOW);
    const stamps = await rows().stamps([a, b, 'conn_missing', ...odd]);
    expect(stamps.sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(
      [
        { id: a, tokenVersion: 0, status: 'active' },
        { id: b, tokenVersion: 0, status: 'needs_reauth' },
        ...odd.map((id) => ({ id, tokenVersion: 0, status: 'active' })),
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    expect(await rows().stamps([])).toEqual([]);
  });

  it('due lists active, unleased connections scheduled by now, soonest first, up to the limit', async () => {
    const at = NOW + 10 ** 9; // later than every other test's schedule
    const [early, late, future, leased, reauth] = [
      await connection(),
      await connection(),
      await connection(),
      await connection(),
      await connection(),
    ];
    const schedule = async (id: string, next: number) =>
      rows().commitRefresh(id, 0, tokens(1, { nextRefreshAt: next }), NOW);
    await schedule(late!, at + 20);
    await schedule(early!, at + 10);
    await schedule(future!, at + 1000);
    await schedule(leased!, at);
    await schedule(reauth!, at);
    await rows().acquireLease(leased!, 1, 'o', at + 50, LEASE);
    await rows().markNeedsReauth(reauth!, 1, 'invalid_grant', NOW);
    const due = (await rows().due(at + 100, 100)).filter((r) =>
      [early, late, future, leased, reauth].includes(r.id),
    );
    expect(due).toEqual([
      { id: early, tokenVersion: 1 },
      { id: late, tokenVersion: 1 },
    ]);
    // The lease ends: the connection is due again, and it was scheduled first.
    const after = await rows().due(at + 50 + LEASE + 1, 100);
    expect(after.map((r) => r.id).filter((id) => [early, late, leased].includes(id))).toEqual([
      leased,
      early,
      late,
    ]);
    expect(await rows().due(at + 100, 1)).toHaveLength(1);
  });
});
