import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Custodian, CustodianError } from '../src/sdk/index.js';
import { ADMIN_TOKEN, allGrants, type TestClient } from '../src/test-support/app.js';
import { seedConnection } from '../src/test-support/connections.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * The SDK client against the real broker on HTTP: its caches, its
 * single-flight, its retry on a provider's 401, and its typed errors.
 */

let broker: ServedBroker;
let tokenServer: Server;
let refreshes = 0;
let registered: TestClient;
const calls: string[] = [];

/** The SDK's fetch, counting what it asks the broker. */
const countingFetch: typeof fetch = (input, init) => {
  calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
  return fetch(input, init);
};
const count = (what: string) => calls.filter((c) => c === what).length;

beforeAll(async () => {
  tokenServer = createServer((_req, res) => {
    refreshes++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ access_token: `refreshed-${refreshes}`, token_type: 'Bearer', expires_in: 3600 }),
    );
  });
  await new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
  broker = await serveBroker();
  const res = await fetch(`${broker.url}/v1/admin/providers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      provider_id: 'dropbox-test',
      display_name: 'Scripted',
      client_id: 'cid',
      client_secret: 'csecret',
      authorization_url: `${base}/authorize`,
      token_url: `${base}/token`,
      userinfo: { user_id: ['/sub'] },
    }),
  });
  expect(res.status).toBe(201);
  registered = await broker.t.client(allGrants({ tenants: ['acme'] }));
  for (const [id, tenant, status] of [
    ['conn_a', 'acme', 'active'],
    ['conn_b', 'acme', 'active'],
    ['conn_dead', 'acme', 'needs_reauth'],
    ['conn_other', 'bravo', 'active'],
  ] as const) {
    await seedConnection(broker.t.deps, {
      id,
      tenant,
      status,
      providerId: 'dropbox-test',
      accessToken: `stored-${id}`,
      refreshToken: 'rt',
      expiresAt: Date.now() + 3600_000,
    });
  }
});

afterAll(async () => {
  await broker?.close();
  tokenServer?.closeAllConnections();
  await new Promise<void>((r) => tokenServer?.close(() => r()));
});

beforeEach(() => {
  calls.length = 0;
});

const sdk = (overrides: Partial<ConstructorParameters<typeof Custodian>[0]> = {}) =>
  new Custodian({
    baseUrl: `${broker.url}/`,
    clientId: registered.clientId,
    clientSecret: registered.secret,
    fetch: countingFetch,
    ...overrides,
  });

describe('Custodian client', () => {
  it('authenticates once and reuses its service token', async () => {
    const custodian = sdk();
    await custodian.listProviders();
    await custodian.listConnections();
    await custodian.getConnection('conn_a');
    expect(count('POST /oauth/token')).toBe(1);
  });

  it('caches an access token until shortly before it expires', async () => {
    const custodian = sdk();
    const first = await custodian.getAccessToken('conn_a');
    const second = await custodian.getAccessToken('conn_a');
    expect(first.accessToken).toBe('stored-conn_a');
    expect(second).toBe(first);
    expect(first).toMatchObject({
      connectionId: 'conn_a',
      providerId: 'dropbox-test',
      account: { userId: 'acct-conn_a' },
    });
    expect(count('POST /v1/connections/conn_a/access-token')).toBe(1);
    // Asking for more validity than the cached token has left goes back to the broker.
    await custodian.getAccessToken('conn_a', { minValiditySeconds: 7200 });
    expect(count('POST /v1/connections/conn_a/access-token')).toBe(2);
  });

  it('hands out one token source per connection, which reads through the cache', async () => {
    const custodian = sdk();
    const source = custodian.tokenSource('conn_a');
    // The same object each time: uploaders keep per-account state on it (Drive's spare file ids).
    expect(custodian.tokenSource('conn_a')).toBe(source);
    expect(custodian.tokenSource('conn_b')).not.toBe(source);
    const token = await source.get();
    expect(await source.get()).toBe(token);
    expect((await custodian.getAccessToken('conn_a')).accessToken).toBe(token);
    expect(count('POST /v1/connections/conn_a/access-token')).toBe(1);
  });

  it('shares one broker request among concurrent callers', async () => {
    const custodian = sdk();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => custodian.getAccessToken('conn_b')));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(count('POST /v1/connections/conn_b/access-token')).toBe(1);
    expect(count('POST /oauth/token')).toBe(1);
  });

  it('retries once with a forced refresh when the provider answers 401', async () => {
    const custodian = sdk();
    const seen: string[] = [];
    const result = await custodian.withAccessToken('conn_a', async (token) => {
      seen.push(token);
      return new Response(null, { status: seen.length === 1 ? 401 : 200 });
    });
    expect(result.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[1]).not.toBe(seen[0]);
    expect(seen[1]).toMatch(/^refreshed-/);
    // A second 401 is the caller's to handle: no loop.
    const again = await custodian.withAccessToken('conn_a', async () => new Response(null, { status: 401 }));
    expect(again.status).toBe(401);
  });

  it('also retries when fn throws an error carrying status 401', async () => {
    const custodian = sdk();
    let attempts = 0;
    const value = await custodian.withAccessToken('conn_b', async () => {
      attempts++;
      if (attempts === 1) throw Object.assign(new Error('expired'), { status: 401 });
      return 'ok';
    });
    expect(value).toBe('ok');
    expect(attempts).toBe(2);
  });

  it.each([
    ['needs_reauth', 'conn_dead', 409],
    ['not_found', 'conn_missing', 404],
    ['not_found', 'conn_other', 404],
  ] as const)('raises %s for %s', async (code, id, status) => {
    const error = await sdk()
      .getAccessToken(id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CustodianError);
    expect(error).toMatchObject({ code, status });
  });

  it('raises unauthorized for a wrong secret, and unavailable when the broker is unreachable', async () => {
    const wrong = await sdk({ clientSecret: 'cs_wrong' })
      .listProviders()
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'unauthorized', status: 401 });
    const down = await sdk({ baseUrl: 'http://127.0.0.1:1' })
      .listProviders()
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'unavailable', status: 0 });
  });

  it('raises forbidden for an action the client lacks', async () => {
    const readOnly = await broker.t.client(allGrants({ tenants: ['acme'], actions: ['read_connections'] }));
    const error = await sdk({ clientId: readOnly.clientId, clientSecret: readOnly.secret })
      .getAccessToken('conn_a')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('gets a new service token once when the broker refuses the cached one', async () => {
    let sent: string | undefined;
    const custodian = sdk({
      fetch: (input, init) => {
        const auth = new Headers(init?.headers).get('authorization');
        if (auth?.startsWith('Bearer ')) sent = auth.slice(7);
        return countingFetch(input, init);
      },
    });
    await custodian.listProviders();
    // The service token the SDK caches is revoked behind its back.
    const revoked = await fetch(`${broker.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: sent!,
        client_id: registered.clientId,
        client_secret: registered.secret,
      }),
    });
    expect(revoked.status).toBe(200);
    await custodian.listProviders();
    expect(count('POST /oauth/token')).toBe(2);
    expect(count('GET /v1/providers')).toBe(3);
  });

  it('speaks the other service routes', async () => {
    const custodian = sdk();
    const providers = await custodian.listProviders();
    expect(providers.data.map((p) => p.provider_id)).toContain('dropbox-test');
    const list = await custodian.listConnections({ tenant: 'acme', limit: 2 });
    expect(list.data).toHaveLength(2);
    expect(list.next_cursor).toEqual(expect.any(String));
    const session = await custodian.createConnectSession({
      provider: 'dropbox-test',
      tenant: 'acme',
      end_user: 'u-9',
    });
    expect(session.connect_url).toContain('/connect/');
    expect((await custodian.getConnectSession(session.id)).status).toBe('pending');
    await custodian.deleteConnection('conn_b', { revoke: false });
    const gone = await custodian.getConnection('conn_b').catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 'not_found' });
  });
});

describe('Custodian client with ADMIN_TOKEN', () => {
  it('is not a service credential', async () => {
    const error = await sdk({ clientId: 'admin', clientSecret: ADMIN_TOKEN })
      .listProviders()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unauthorized' });
  });
});
