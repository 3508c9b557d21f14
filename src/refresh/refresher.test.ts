import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenLocation } from '../connections/token-location.js';
import { allGrants, createTestApp, type TestApp } from '../test-support/app.js';
import { availableEngines } from '../test-support/databases.js';

/**
 * Refresh semantics against a scripted token endpoint: what is kept, what is
 * retried and when, and that background refreshers on one database renew each
 * connection once.
 */

type Answer = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };

const engines = await availableEngines();

describe.each(engines)('refresh on %s', (engine) => {
  let t: TestApp;
  let server: Server;
  let script: Answer[];
  let received: URLSearchParams[];
  let clock: number;
  let issued: number;

  beforeEach(async () => {
    script = [];
    received = [];
    issued = 0;
    clock = Date.now();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        received.push(new URLSearchParams(body));
        const answer = script.shift() ?? {
          status: 200,
          body: {
            access_token: `at-${++issued}`,
            token_type: 'Bearer',
            expires_in: 3600,
            refresh_token: `rt-${issued}`,
          },
        };
        setTimeout(() => {
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp({ engine, allowLoopbackHttp: true, now: () => clock, upstreamTimeoutMs: 1500 });
    const res = await t.admin('POST', '/v1/admin/providers', {
      provider_id: 'scripted',
      display_name: 'Scripted',
      client_id: 'cid',
      client_secret: 'csecret',
      authorization_url: `${base}/authorize`,
      token_url: `${base}/token`,
      expiry_buffer_seconds: 60,
      userinfo: { user_id: ['/sub'] },
    });
    expect(res.status).toBe(201);
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await t.close();
  });

  async function seed(id: string, overrides: { expiresAt?: number; nextRefreshAt?: number | null } = {}) {
    const { vault, database } = t.deps;
    await database.db.insert(database.tables.connections).values({
      id,
      tenant: 'acme',
      providerId: 'scripted',
      endUser: 'u',
      accountId: `acct-${id}`,
      scopes: '["files"]',
      status: 'active',
      accessToken: vault.encrypt(`old-at-${id}`, tokenLocation(id, 'access_token')),
      refreshToken: vault.encrypt(`old-rt-${id}`, tokenLocation(id, 'refresh_token')),
      tokenType: 'Bearer',
      expiresAt: overrides.expiresAt ?? clock - 1000,
      nextRefreshAt: overrides.nextRefreshAt === undefined ? clock - 1000 : overrides.nextRefreshAt,
      // Handed out a minute ago: in use, so an expired token is due (idle ones are background.test.ts's).
      lastUsedAt: clock - 60_000,
      tokenIssuedAt: clock - 3600_000,
      grantedAt: clock - 3600_000,
      createdAt: clock,
      updatedAt: clock,
    });
  }

  const read = (id: string) => t.services.handOut.rows.read(id).then((r) => r!);
  const decrypt = (id: string, value: string, column: 'access_token' | 'refresh_token') =>
    t.deps.vault.decrypt(value, tokenLocation(id, column));
  const refresh = async (id: string) => t.services.handOut.refresher.refresh(await read(id), 'on_demand');

  it('sends the stored refresh token and commits the new tokens before answering', async () => {
    await seed('c1');
    const outcome = await refresh('c1');
    expect(Object.fromEntries(received[0]!)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'old-rt-c1',
    });
    expect(outcome.kind).toBe('fresh');
    const row = await read('c1');
    expect(decrypt('c1', row.accessToken, 'access_token')).toBe('at-1');
    expect(decrypt('c1', row.refreshToken!, 'refresh_token')).toBe('rt-1');
    expect(row.expiresAt).toBe(clock + 3600_000);
    expect(row.tokenVersion).toBe(1);
    // In use (a hand-out's refresh): scheduled between one and one and a half buffers before expiry.
    expect(row.nextRefreshAt).toBeGreaterThanOrEqual(clock + 3600_000 - 90_000);
    expect(row.nextRefreshAt).toBeLessThanOrEqual(clock + 3600_000 - 60_000);
    expect(row.refreshLeaseOwner).toBeNull();
  });

  it('stores a stated refresh_token_expires_in, renews before it, and keeps it when a later answer states none', async () => {
    await seed('c-rtl');
    const first = clock;
    // A refresh token that dies in ten minutes, well before the hour-long access token.
    script.push({
      status: 200,
      body: {
        access_token: 'at-short-rt',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'rt-short',
        refresh_token_expires_in: 600,
      },
    });
    expect((await refresh('c-rtl')).kind).toBe('fresh');
    let row = await read('c-rtl');
    expect(row.refreshTokenExpiresAt).toBe(first + 600_000);
    // The keep-alive renewal at 70-80 % of the refresh token's life, not just before the access token's expiry.
    expect(row.nextRefreshAt).toBeGreaterThanOrEqual(first + 420_000);
    expect(row.nextRefreshAt).toBeLessThanOrEqual(first + 480_000);
    const view = await (await t.service('GET', '/v1/connections/c-rtl')).json();
    expect(view.refresh_token_expires_at).toBe(new Date(first + 600_000).toISOString());

    // A minute later an answer without the field: the stated end stands, and still governs the plan.
    clock += 60_000;
    expect((await refresh('c-rtl')).kind).toBe('fresh');
    row = await read('c-rtl');
    expect(decrypt('c-rtl', row.refreshToken!, 'refresh_token')).toBe('rt-1');
    expect(row.refreshTokenExpiresAt).toBe(first + 600_000);
    expect(row.nextRefreshAt).toBeGreaterThanOrEqual(clock + 540_000 * 0.7);
    expect(row.nextRefreshAt).toBeLessThanOrEqual(clock + 540_000 * 0.8);
  });

  it('a connect whose answer states refresh_token_expires_in shows it, and is scheduled to keep that token alive', async () => {
    const OWN = 'https://app.example/back';
    const client = await t.client(allGrants({ redirect_uris: [OWN] }));
    const started = await client.request('POST', '/v1/connect-sessions', {
      provider: 'scripted',
      tenant: 'acme',
      end_user: 'u',
      redirect_uri: OWN,
    });
    expect(started.status).toBe(201);
    const session = await started.json();
    const state = new URL(session.authorization_url).searchParams.get('state');
    script.push({
      status: 200,
      body: {
        access_token: 'at-connect',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'rt-connect',
        refresh_token_expires_in: 600,
        sub: 'acct-connect',
      },
    });
    const done = await client.request('POST', `/v1/connect-sessions/${session.id}/complete`, {
      code: 'a-code',
      state,
    });
    expect(done.status).toBe(200);
    const { connection_id } = await done.json();
    expect(Object.fromEntries(received[0]!)).toMatchObject({
      grant_type: 'authorization_code',
      code: 'a-code',
    });

    const view = await (await client.request('GET', `/v1/connections/${connection_id}`)).json();
    expect(view.refresh_token_expires_at).toBe(new Date(clock + 600_000).toISOString());
    // Never used yet: renewed only to keep the refresh token alive, at 70-80 % of its ten minutes.
    const next = Date.parse(view.next_refresh_at);
    expect(next).toBeGreaterThanOrEqual(clock + 420_000);
    expect(next).toBeLessThanOrEqual(clock + 480_000);
  });

  it.each([
    ['a 500', { status: 500, body: { error: 'server_error' } }, undefined],
    ['a 503 with Retry-After', { status: 503, headers: { 'retry-after': '600' } }, 600],
    [
      'a 429 with Retry-After',
      { status: 429, body: { error: 'slow_down' }, headers: { 'retry-after': '900' } },
      900,
    ],
    // The provider calls' timeout is 1.5 s: generous enough that 40 refreshes at once on a loaded CI machine
    // do not time out, short enough to keep this case quick.
    ['a timeout', { status: 200, delayMs: 2500, body: {} }, undefined],
    ['an invalid_client', { status: 401, body: { error: 'invalid_client' } }, undefined],
  ] as const)('keeps the tokens on %s and backs off', async (_name, answer, retryAfter) => {
    await seed('c2');
    const before = await read('c2');
    script.push(answer as Answer);
    const outcome = await refresh('c2');
    expect(outcome.kind).toBe('unavailable');
    const row = await read('c2');
    expect(row.accessToken).toBe(before.accessToken);
    expect(row.refreshToken).toBe(before.refreshToken);
    expect(row.status).toBe('active');
    expect(row.tokenVersion).toBe(0);
    expect(row.refreshFailures).toBe(1);
    expect(row.refreshLeaseOwner).toBeNull();
    expect(row.nextRefreshAt! - clock).toBeGreaterThanOrEqual((retryAfter ?? 24) * 1000);
  });

  it('backs off further after each failure, up to an hour', async () => {
    await seed('c3');
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      script.push({ status: 500 });
      await refresh('c3');
      const row = await read('c3');
      delays.push(row.nextRefreshAt! - clock);
    }
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[4]!).toBeGreaterThan(delays[1]!);
    expect(Math.max(...delays)).toBeLessThanOrEqual(3_600_000 * 1.2);
    expect((await read('c3')).refreshFailures).toBe(12);
  });

  it('marks needs_reauth on invalid_grant, keeping the stored tokens', async () => {
    await seed('c4');
    const before = await read('c4');
    script.push({ status: 400, body: { error: 'invalid_grant' } });
    expect((await refresh('c4')).kind).toBe('needs_reauth');
    const row = await read('c4');
    expect(row.status).toBe('needs_reauth');
    expect(row.lastRefreshError).toBe('invalid_grant');
    expect(row.refreshToken).toBe(before.refreshToken);
    expect(row.nextRefreshAt).toBeNull();
  });

  it('does not mark needs_reauth when another replica refreshed first (invalid_grant after a newer version)', async () => {
    await seed('c5');
    const stale = await read('c5');
    // Another replica commits new tokens while this one is still calling the provider.
    script.push({ status: 400, body: { error: 'invalid_grant' }, delayMs: 50 });
    const pending = t.services.handOut.refresher.refresh(stale, 'on_demand');
    await new Promise((r) => setTimeout(r, 10));
    const rows = t.services.handOut.rows;
    expect(
      await rows.commitRefresh(
        'c5',
        0,
        {
          accessToken: t.deps.vault.encrypt('other-at', tokenLocation('c5', 'access_token')),
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
      ),
    ).toBe(true);
    const outcome = await pending;
    expect(outcome.kind).toBe('fresh');
    const row = await read('c5');
    expect(row.status).toBe('active');
    expect(decrypt('c5', row.accessToken, 'access_token')).toBe('other-at');
  });

  it('renews every due connection once, with two background refreshers on one database', async () => {
    for (let i = 0; i < 40; i++) await seed(`due-${String(i).padStart(2, '0')}`);
    await seed('not-due', { expiresAt: clock + 3600_000, nextRefreshAt: clock + 3000_000 });
    const other = await createTestApp({
      engine,
      testDatabase: t.testDatabase,
      vault: t.deps.vault,
      replicaId: 'replica-b',
      allowLoopbackHttp: true,
      now: () => clock,
      upstreamTimeoutMs: 1500,
    });
    try {
      const [a, b] = await Promise.all([
        t.services.background.runOnce(),
        other.services.background.runOnce(),
      ]);
      expect(a.refreshed + b.refreshed).toBe(40);
      const sent = received.map((r) => r.get('refresh_token'));
      expect(sent).toHaveLength(40);
      expect(new Set(sent).size).toBe(40);
      expect(sent).not.toContain('old-rt-not-due');
      expect((await t.services.background.runOnce()).due).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('keeps waiting callers on the lease holder’s result, across replicas', async () => {
    await seed('c6');
    const other = await createTestApp({
      engine,
      testDatabase: t.testDatabase,
      vault: t.deps.vault,
      replicaId: 'replica-b',
      allowLoopbackHttp: true,
      now: () => clock,
      upstreamTimeoutMs: 1500,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    try {
      script.push({
        status: 200,
        delayMs: 100,
        body: {
          access_token: 'shared-at',
          token_type: 'Bearer',
          expires_in: 3600,
          refresh_token: 'shared-rt',
        },
      });
      const row = await read('c6');
      const [mine, theirs] = await Promise.all([
        t.services.handOut.refresher.refresh(row, 'on_demand'),
        other.services.handOut.refresher.refresh(row, 'on_demand'),
      ]);
      expect(received).toHaveLength(1);
      expect(mine.kind).toBe('fresh');
      expect(theirs.kind).toBe('fresh');
      const final = await read('c6');
      expect(decrypt('c6', final.accessToken, 'access_token')).toBe('shared-at');
    } finally {
      await other.close();
    }
  });
});
