import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { seedConnection } from '../test-support/connections.js';
import { availableEngines } from '../test-support/databases.js';

/**
 * The background refresher's decisions on due connections: an idle one is
 * moved to its keep-alive time without a provider call, one at its grant's
 * absolute end is marked needs_reauth, and a hand-out makes an idle one a
 * connection in use, renewed ahead of expiry.
 */

const engines = await availableEngines();
const DAY = 86_400_000;

describe.each(engines)('background refresher on %s', (engine) => {
  let t: TestApp;
  let server: Server;
  let calls: number;
  let clock: number;

  beforeEach(async () => {
    calls = 0;
    clock = Date.now();
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: `at-${calls}`, token_type: 'Bearer', expires_in: 3600 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp({ engine, allowLoopbackHttp: true, now: () => clock, upstreamTimeoutMs: 5_000 });
    const res = await t.admin('POST', '/v1/admin/providers', {
      provider_id: 'jira',
      display_name: 'Jira-like',
      client_id: 'cid',
      client_secret: 'csecret',
      authorization_url: `${base}/authorize`,
      token_url: `${base}/token`,
      userinfo: { user_id: ['/sub'] },
      refresh_token_idle_seconds: 90 * 86_400,
      refresh_token_max_seconds: 365 * 86_400,
    });
    expect(res.status).toBe(201);
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await t.close();
  });

  const seed = (
    id: string,
    fields: Parameters<typeof seedConnection>[1] extends infer C ? Partial<C> : never,
  ) =>
    seedConnection(t.deps, {
      id,
      providerId: 'jira',
      accessToken: `old-${id}`,
      expiresAt: clock + 3600_000,
      tokenIssuedAt: clock,
      grantedAt: clock,
      nextRefreshAt: clock - 1,
      now: clock,
      ...fields,
    });
  const read = async (id: string) => (await t.services.handOut.rows.read(id))!;

  it('moves an idle connection to its keep-alive time without calling the provider', async () => {
    // Due (as the migration leaves a grant stored before plans existed), its token long expired, never used.
    await seed('idle', { expiresAt: clock - 3600_000 });
    expect(await t.services.background.runOnce()).toMatchObject({ due: 1, rescheduled: 1, refreshed: 0 });
    expect(calls).toBe(0);
    const row = await read('idle');
    expect(row.nextRefreshAt! - clock).toBeGreaterThanOrEqual(0.7 * 90 * DAY);
    expect(row.nextRefreshAt! - clock).toBeLessThan(0.8 * 90 * DAY);
    expect((await t.services.background.runOnce()).due).toBe(0);

    // At its keep-alive time it is renewed once, and planned for the next one.
    clock = row.nextRefreshAt!;
    expect(await t.services.background.runOnce()).toMatchObject({ due: 1, refreshed: 1 });
    expect(calls).toBe(1);
    const renewed = await read('idle');
    expect(renewed.lastRefreshedAt).toBe(clock);
    expect(renewed.nextRefreshAt! - clock).toBeGreaterThanOrEqual(0.7 * 90 * DAY);
  });

  it('marks a grant at its absolute end needs_reauth before anyone asks, and shows why', async () => {
    await seed('ending', { grantedAt: clock - 365 * DAY });
    expect(await t.services.background.runOnce()).toMatchObject({ due: 1, ended: 1 });
    expect(calls).toBe(0);
    const listed = await (await t.service('GET', '/v1/connections?status=needs_reauth')).json();
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({
      id: 'ending',
      status: 'needs_reauth',
      last_error: 'refresh_token_expired',
      next_refresh_at: null,
      refresh_token_expires_at: new Date(clock).toISOString(),
    });
    expect((await t.service('POST', '/v1/connections/ending/access-token')).status).toBe(409);
    expect(calls).toBe(0);
  });

  it('renews a connection ahead of expiry once it is handed out, and stops when it goes idle', async () => {
    await seed('used', { nextRefreshAt: clock + 60 * DAY });
    const first = await t.service('POST', '/v1/connections/used/access-token');
    expect(first.status).toBe(200);
    expect(calls).toBe(0);
    // The round writes the use: the connection is due and planned as one in use (its token is young).
    expect(await t.services.background.runOnce()).toMatchObject({ due: 1, rescheduled: 1 });
    const planned = await read('used');
    expect(planned.lastUsedAt).toBe(clock);
    const before = clock + 3600_000 - planned.nextRefreshAt!;
    expect(before).toBeGreaterThanOrEqual(300_000);
    expect(before).toBeLessThanOrEqual(450_000);

    clock = planned.nextRefreshAt!;
    expect(await t.services.background.runOnce()).toMatchObject({ refreshed: 1 });
    expect(calls).toBe(1);
    // Still in use: the next token is planned ahead of its expiry too.
    expect((await read('used')).nextRefreshAt!).toBeLessThan(clock + 3600_000);

    // Two hours without a hand-out: when that plan comes, it is moved to the keep-alive time instead.
    clock += 3 * 3600_000;
    expect(await t.services.background.runOnce()).toMatchObject({ due: 1, rescheduled: 1, refreshed: 0 });
    expect(calls).toBe(1);
    expect((await read('used')).nextRefreshAt! - clock).toBeGreaterThan(60 * DAY);
  });
});
