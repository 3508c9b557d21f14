import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tokenLocation } from '../connections/token-location.js';
import { createLogger } from '../log/logger.js';
import { allGrants, createTestApp, type TestApp, type TestClient } from '../test-support/app.js';
import { seedConnection } from '../test-support/connections.js';
import { startTokenServer } from '../test-support/token-server.js';
import { createHandOutCache } from './cache.js';
import { createCacheRevalidation } from './revalidation.js';

/**
 * The hand-out cache: what it serves from memory, for how long, and which
 * writes make it forget at once (on its own replica) or within its TTL (on
 * another).
 */

describe('createHandOutCache', () => {
  const entry = (id: string, storedAt = 0, tokenVersion = 0) =>
    ({
      row: { id, tokenVersion },
      accessToken: `token-${id}`,
      scope: '',
      storedAt,
      used: false,
    }) as Parameters<ReturnType<typeof createHandOutCache>['put']>[0];
  const stamp = (id: string, tokenVersion = 0, status = 'active') => ({ id, tokenVersion, status });

  it('keeps an entry for ttlMs', () => {
    const cache = createHandOutCache({ ttlMs: 1000, maxEntries: 10 });
    cache.put(entry('a', 5000), cache.ticket());
    expect(cache.get('a', 5999)?.accessToken).toBe('token-a');
    expect(cache.get('a', 6000)).toBeUndefined();
    expect(cache.get('a', 5001)).toBeUndefined();
  });

  it('does not store a read that began before a write to any connection', () => {
    const cache = createHandOutCache({ ttlMs: 1000, maxEntries: 10 });
    const ticket = cache.ticket();
    cache.forget('b');
    cache.put(entry('a'), ticket);
    expect(cache.get('a', 0)).toBeUndefined();
    cache.put(entry('a'), cache.ticket());
    expect(cache.get('a', 0)).toBeDefined();
  });

  it('checks only entries asked for since their last check and past half their TTL', () => {
    const cache = createHandOutCache({ ttlMs: 1000, maxEntries: 10 });
    for (const id of ['used', 'idle', 'young'])
      cache.put(entry(id, id === 'young' ? 400 : 0), cache.ticket());
    cache.get('used', 100);
    cache.get('young', 450);
    expect(cache.due(499)).toEqual([]);
    expect(cache.due(500)).toEqual(['used']);
    expect(cache.due(900)).toEqual(['used', 'young']);
    cache.revalidated(['used', 'young'], [stamp('used'), stamp('young')], 950);
    expect(cache.due(1400)).toEqual([]); // checked, and not asked for since
  });

  it('keeps an unchanged entry a TTL from the check; forgets one whose version or status changed, or that is gone', () => {
    const cache = createHandOutCache({ ttlMs: 1000, maxEntries: 10 });
    for (const id of ['same', 'newer', 'dead', 'gone']) cache.put(entry(id, 0, 3), cache.ticket());
    cache.revalidated(
      ['same', 'newer', 'dead', 'gone'],
      [stamp('same', 3), stamp('newer', 4), stamp('dead', 3, 'needs_reauth')],
      900,
    );
    expect(cache.get('same', 1899)?.accessToken).toBe('token-same');
    expect(cache.get('same', 1900)).toBeUndefined();
    for (const id of ['newer', 'dead', 'gone']) expect(cache.get(id, 901)).toBeUndefined();
  });

  it('leaves an entry stored after the check began as it is', () => {
    const cache = createHandOutCache({ ttlMs: 1000, maxEntries: 10 });
    cache.put(entry('a', 500, 4), cache.ticket());
    // The check read version 3 before this entry's own read saw 4: it is neither confirmed nor forgotten.
    cache.revalidated(['a'], [stamp('a', 3)], 400);
    expect(cache.get('a', 1499)?.accessToken).toBe('token-a');
    expect(cache.get('a', 1500)).toBeUndefined();
  });

  it('lets entries expire at their TTL when the check fails, and logs it', async () => {
    const cache = createHandOutCache({ ttlMs: 1000, maxEntries: 10 });
    cache.put(entry('a'), cache.ticket());
    cache.get('a', 600);
    const lines: string[] = [];
    const revalidation = createCacheRevalidation({
      cache,
      rows: { stamps: async () => Promise.reject(new Error('database gone')) },
      now: () => 600,
      log: createLogger({ level: 'error', write: (line) => lines.push(line) }),
    });
    await revalidation.runOnce();
    expect(lines.join('\n')).toContain('hand-out cache check failed');
    expect(cache.get('a', 999)).toBeDefined();
    expect(cache.get('a', 1000)).toBeUndefined();
  });

  it('forgets the oldest entry beyond maxEntries, and stores nothing with a TTL of 0', () => {
    const cache = createHandOutCache({ ttlMs: 1000, maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) cache.put(entry(id), cache.ticket());
    expect(['a', 'b', 'c'].map((id) => cache.get(id, 0) !== undefined)).toEqual([false, true, true]);
    const off = createHandOutCache({ ttlMs: 0, maxEntries: 2 });
    off.put(entry('a'), off.ticket());
    expect(off.get('a', 0)).toBeUndefined();
  });
});

describe('hand-outs through the cache', () => {
  let clock = 1_800_000_000_000;
  const now = () => clock;
  let t: TestApp;
  let acme: TestClient;

  const seed = (app: TestApp, id: string, accessToken: string) =>
    seedConnection(app.deps, {
      id,
      providerId: 'dropbox',
      accessToken,
      expiresAt: clock + 3600_000,
      now: clock,
    });
  /** Changes the stored token behind the broker's back, as another replica's refresh would. */
  const storeToken = async (app: TestApp, id: string, accessToken: string) => {
    const { rows } = app.services.handOut;
    const row = (await rows.read(id))!;
    const sealed = app.deps.vault.encrypt(accessToken, tokenLocation(id, 'access_token'));
    const { database } = app.deps;
    await database.db
      .update(database.tables.connections)
      .set({ accessToken: sealed, tokenVersion: row.tokenVersion + 1 })
      .where(eq(database.tables.connections.id, id));
  };
  const handOut = async (client: TestClient, id: string) => {
    const res = await client.request('POST', `/v1/connections/${id}/access-token`, {});
    return {
      status: res.status,
      token: res.status === 200 ? ((await res.json()) as { access_token: string }).access_token : undefined,
    };
  };

  beforeAll(async () => {
    t = await createTestApp({ now });
    expect(
      (
        await t.admin('POST', '/v1/admin/providers', {
          preset: 'dropbox',
          client_id: 'c',
          client_secret: 's',
        })
      ).status,
    ).toBe(201);
    acme = await t.client(allGrants({ tenants: ['acme'] }));
  });
  afterAll(() => t.close());
  afterEach(() => {
    clock += 10_000;
  });

  it('serves a second hand-out from memory within the TTL, and reads again after it', async () => {
    await seed(t, 'conn_ttl', 'first');
    expect(await handOut(acme, 'conn_ttl')).toEqual({ status: 200, token: 'first' });
    await storeToken(t, 'conn_ttl', 'second');
    clock += 1999;
    expect((await handOut(acme, 'conn_ttl')).token).toBe('first');
    clock += 1;
    expect((await handOut(acme, 'conn_ttl')).token).toBe('second');
  });

  it('forgets at once what this replica deletes, re-authorizes or refreshes', async () => {
    await seed(t, 'conn_del', 'kept');
    expect((await handOut(acme, 'conn_del')).token).toBe('kept');
    expect((await acme.request('DELETE', '/v1/connections/conn_del')).status).toBe(204);
    expect((await handOut(acme, 'conn_del')).status).toBe(404);

    await seed(t, 'conn_dead', 'doomed');
    expect((await handOut(acme, 'conn_dead')).token).toBe('doomed');
    const { rows } = t.services.handOut;
    const dead = (await rows.read('conn_dead'))!;
    expect(await rows.markNeedsReauth('conn_dead', dead.tokenVersion, 'invalid_grant', clock)).toBe(true);
    expect((await handOut(acme, 'conn_dead')).status).toBe(409);

    await seed(t, 'conn_new', 'old');
    expect((await handOut(acme, 'conn_new')).token).toBe('old');
    const row = (await rows.read('conn_new'))!;
    const committed = await rows.commitRefresh(
      'conn_new',
      row.tokenVersion,
      {
        accessToken: t.deps.vault.encrypt('new', tokenLocation('conn_new', 'access_token')),
        refreshToken: null,
        tokenType: 'Bearer',
        expiresAt: clock + 3600_000,
        scopes: null,
        issuedAt: clock,
        refreshTokenExpiresAt: null,
        usedAt: null,
        nextRefreshAt: null,
      },
      clock,
    );
    expect(committed).toBe(true);
    expect((await handOut(acme, 'conn_new')).token).toBe('new');
  });

  it('still answers 404 outside the caller’s tenants and 403 without the action', async () => {
    await seed(t, 'conn_iso', 'secret-ish');
    expect((await handOut(acme, 'conn_iso')).token).toBe('secret-ish');
    const bravo = await t.client(allGrants({ tenants: ['bravo'] }));
    expect((await handOut(bravo, 'conn_iso')).status).toBe(404);
    const reader = await t.client(allGrants({ tenants: ['acme'], actions: ['read_connections'] }));
    expect((await handOut(reader, 'conn_iso')).status).toBe(403);
  });

  it('sees a deletion by another replica within the TTL', async () => {
    const other = await createTestApp({ now, testDatabase: t.testDatabase });
    try {
      await seed(t, 'conn_far', 'far');
      expect((await handOut(acme, 'conn_far')).token).toBe('far');
      const { database } = other.deps;
      expect(await other.services.connections.delete('conn_far')).toBe(true);
      expect(await database.db.select().from(database.tables.connections)).not.toContainEqual(
        expect.objectContaining({ id: 'conn_far' }),
      );
      // Still in this replica's memory, for at most the TTL.
      expect((await handOut(acme, 'conn_far')).token).toBe('far');
      clock += 2000;
      expect((await handOut(acme, 'conn_far')).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('checks busy connections in bulk: served past the TTL while unchanged, read again once changed', async () => {
    const other = await createTestApp({ now, testDatabase: t.testDatabase });
    const reads: string[] = [];
    const { rows } = t.services.handOut;
    const read = rows.read;
    rows.read = async (id) => {
      reads.push(id);
      return read(id);
    };
    try {
      await seed(t, 'conn_busy', 'busy-1');
      expect((await handOut(acme, 'conn_busy')).token).toBe('busy-1');
      for (let step = 0; step < 6; step++) {
        clock += 500;
        expect((await handOut(acme, 'conn_busy')).token).toBe('busy-1');
        await t.services.handOutRevalidation.runOnce();
      }
      // Three seconds, past the 2 s TTL, and one read: the checks kept it current.
      expect(reads).toEqual(['conn_busy']);

      // Another replica re-authorizes the account: new tokens, a new version.
      const saved = await other.services.connections.saveGrant(
        {
          tenant: 'acme',
          provider_id: 'dropbox',
          end_user: 'u',
          account: { user_id: 'acct-conn_busy', email: null, display_name: null },
          scopes: ['files'],
          token_type: 'Bearer',
          expires_at: clock + 3600_000,
          refresh_token_expires_at: null,
          plan: () => null,
          seal: (id) => ({
            // Replicas share the vault keys; the test apps each have their own, so seal with this one's.
            access: t.deps.vault.encrypt('busy-2', tokenLocation(id, 'access_token')),
            refresh: null,
          }),
        },
        'conn_unused',
        clock,
      );
      expect(saved).toBe('conn_busy');
      clock += 1000;
      // Within the TTL of the last check it is still the old token; the check past half the TTL sees the change.
      expect((await handOut(acme, 'conn_busy')).token).toBe('busy-1');
      await t.services.handOutRevalidation.runOnce();
      expect((await handOut(acme, 'conn_busy')).token).toBe('busy-2');
      expect(reads).toEqual(['conn_busy', 'conn_busy']);

      // Deleted elsewhere: gone at the next check.
      expect(await other.services.connections.delete('conn_busy')).toBe(true);
      clock += 1000;
      expect((await handOut(acme, 'conn_busy')).token).toBe('busy-2');
      await t.services.handOutRevalidation.runOnce();
      expect((await handOut(acme, 'conn_busy')).status).toBe(404);
    } finally {
      rows.read = read;
      await other.close();
    }
  });

  it('reads every time with the cache off', async () => {
    const uncached = await createTestApp({ now, handOutCacheMs: 0 });
    try {
      expect(
        (
          await uncached.admin('POST', '/v1/admin/providers', {
            preset: 'dropbox',
            client_id: 'c',
            client_secret: 's',
          })
        ).status,
      ).toBe(201);
      const client = await uncached.client(allGrants({ tenants: ['acme'] }));
      await seed(uncached, 'conn_off', 'one');
      expect((await handOut(client, 'conn_off')).token).toBe('one');
      await storeToken(uncached, 'conn_off', 'two');
      expect((await handOut(client, 'conn_off')).token).toBe('two');
    } finally {
      await uncached.close();
    }
  });
});

/**
 * The freshness rule holds on the memory path too: an entry the bulk check keeps
 * current past the TTL is still refreshed once its token passes half its lifetime
 * or expires. (Tests that let the TTL run out would pass even if memory ignored
 * the token's age: the database path checks it too.)
 */
describe('freshness of hand-outs answered from memory', () => {
  let clock = 1_800_000_000_000;
  const now = () => clock;
  let t: TestApp;
  let acme: TestClient;
  let tokens: Awaited<ReturnType<typeof startTokenServer>>;
  const reads: string[] = [];

  beforeAll(async () => {
    tokens = await startTokenServer();
    t = await createTestApp({ now, allowLoopbackHttp: true });
    await tokens.register(t); // expiry_buffer_seconds: 60, more than these tokens ever live
    acme = await t.client(allGrants({ tenants: ['acme'] }));
    const { rows } = t.services.handOut;
    const read = rows.read;
    rows.read = async (id) => {
      reads.push(id);
      return read(id);
    };
  });
  afterAll(async () => {
    await t.close();
    await tokens.close();
  });
  afterEach(() => {
    clock += 10_000;
    reads.length = 0;
  });

  const seedShortLived = (id: string, lifetimeMs: number) =>
    seedConnection(t.deps, {
      id,
      providerId: 'scripted',
      accessToken: `${id}-first`,
      tokenIssuedAt: clock,
      expiresAt: clock + lifetimeMs,
      now: clock,
    });
  const handOut = async (id: string) => {
    const res = await acme.request('POST', `/v1/connections/${id}/access-token`, {});
    expect(res.status).toBe(200);
    return (await res.json()) as { access_token: string; expires_in: number };
  };

  it('refreshes once when a token kept in memory passes half its lifetime, and answers the new one', async () => {
    await seedShortLived('conn_half', 10_000);
    const refreshes = tokens.received.length;
    expect(await handOut('conn_half')).toMatchObject({ access_token: 'conn_half-first', expires_in: 10 });
    // Every second a hand-out and a bulk check: the entry stays in memory, never read again.
    for (let second = 1; second <= 5; second++) {
      clock += 1000;
      expect(await handOut('conn_half')).toMatchObject({
        access_token: 'conn_half-first',
        expires_in: 10 - second,
      });
      await t.services.handOutRevalidation.runOnce();
    }
    expect(reads).toEqual(['conn_half']);
    expect(tokens.received.length).toBe(refreshes);

    // 6 s into a 10 s token: under half its lifetime left, though the entry is still in memory
    // and so is its provider (re-read every 2 s), so the hand-out could be answered without a read.
    clock += 1000;
    await t.services.handOut.providers.get('scripted');
    expect(t.services.handOut.providers.peek('scripted')).toBeTruthy();
    expect(t.services.handOut.cache.get('conn_half', clock)).toBeDefined();
    const renewed = await handOut('conn_half');
    expect(renewed.access_token).not.toBe('conn_half-first');
    expect(renewed.expires_in).toBe(3600);
    expect(tokens.received.length).toBe(refreshes + 1);
    expect(tokens.received.at(-1)?.get('grant_type')).toBe('refresh_token');
    // And the new token is then served as it is.
    clock += 1000;
    expect(await handOut('conn_half')).toMatchObject({
      access_token: renewed.access_token,
      expires_in: 3599,
    });
    expect(tokens.received.length).toBe(refreshes + 1);
  });

  it('refreshes once when a token kept in memory has expired, and answers the new one', async () => {
    // A one-second token: its whole life fits in the cache's 2 s TTL.
    await seedShortLived('conn_expired', 1000);
    const refreshes = tokens.received.length;
    expect(await handOut('conn_expired')).toMatchObject({
      access_token: 'conn_expired-first',
      expires_in: 1,
    });
    clock += 1500;
    expect(t.services.handOut.providers.peek('scripted')).toBeTruthy();
    expect(t.services.handOut.cache.get('conn_expired', clock)).toBeDefined();
    const renewed = await handOut('conn_expired');
    expect(renewed.access_token).not.toBe('conn_expired-first');
    expect(renewed.expires_in).toBe(3600);
    expect(tokens.received.length).toBe(refreshes + 1);
  });
});
