import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, allGrants, createTestApp, type TestApp } from '../test-support/app.js';
import { seedConnection } from '../test-support/connections.js';
import type { RateLimitConfig } from './limits.js';

/**
 * The limits as callers meet them: 429 with Retry-After and the draft's
 * RateLimit fields, problem+json on the API and RFC 6749 JSON on /oauth/*,
 * and one client's or address's limit never touching another's.
 */

const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function app(limits: Partial<RateLimitConfig>, extra: Parameters<typeof createTestApp>[0] = {}) {
  t = await createTestApp({ rateLimits: { windowSeconds: 60, ...limits }, ...extra });
  return t;
}

const tokenRequest = (t: TestApp, id: string, secret: string, address = '10.0.0.1') =>
  t.app.request(
    '/oauth/token',
    {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    },
    from(address),
  );

function expectLimited(res: Response, policy: string, limit: number) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers.get('ratelimit-policy')).toBe(`"${policy}";q=${limit};w=60`);
  expect(res.headers.get('ratelimit')).toBe(`"${policy}";r=0;t=${retryAfter}`);
}

describe('failed client authentication', () => {
  it('repeated bad secrets get 429 with Retry-After while another client still gets its token', async () => {
    const t = await app({ clientFailures: 3, addressFailures: 1000 });
    const victim = await t.client();
    const other = await t.client();
    for (let i = 0; i < 3; i++)
      expect((await tokenRequest(t, victim.clientId, `wrong-${i}`)).status).toBe(401);

    const limited = await tokenRequest(t, victim.clientId, 'wrong-again');
    expectLimited(limited, 'client-auth-failures', 3);
    expect(limited.headers.get('content-type')).toBe('application/json');
    expect(await limited.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.stringMatching(/^too many failed client authentications; retry after \d+ s$/),
    });
    // No oracle: the right secret waits too, answered exactly like a wrong one.
    const right = await tokenRequest(t, victim.clientId, victim.secret);
    expectLimited(right, 'client-auth-failures', 3);

    const otherAnswer = await tokenRequest(t, other.clientId, other.secret);
    expect(otherAnswer.status).toBe(200);
    expect((await otherAnswer.json()).access_token).toEqual(expect.any(String));
    // client_secret_post is counted under the same client id.
    const posted = await t.app.request(
      '/oauth/token',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: victim.clientId,
          client_secret: victim.secret,
        }),
      },
      from('10.0.0.9'),
    );
    expect(posted.status).toBe(429);
  });

  it('counts failures per source address across client ids, and not the socket of another address', async () => {
    const t = await app({ clientFailures: 1000, addressFailures: 4 });
    const client = await t.client();
    for (let i = 0; i < 4; i++)
      expect((await tokenRequest(t, `made-up-${i}`, 'x', '10.0.0.7')).status).toBe(401);
    expectLimited(
      await tokenRequest(t, client.clientId, client.secret, '10.0.0.7'),
      'address-auth-failures',
      4,
    );
    expect((await tokenRequest(t, client.clientId, client.secret, '10.0.0.8')).status).toBe(200);
    // The IPv4-mapped form is the same address.
    expect((await tokenRequest(t, client.clientId, client.secret, '::ffff:10.0.0.7')).status).toBe(429);
  });

  it('believes X-Forwarded-For only from a configured proxy', async () => {
    const t = await app({ clientFailures: 1000, addressFailures: 2 }, { trustedProxies: ['10.9.9.9'] });
    const client = await t.client();
    const via = (peer: string, forwarded: string, secret: string) =>
      t.app.request(
        '/oauth/token',
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-forwarded-for': forwarded,
            authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`,
          },
          body: 'grant_type=client_credentials',
        },
        from(peer),
      );
    // An untrusted peer's header is ignored: its failures count against the peer itself.
    for (let i = 0; i < 2; i++) expect((await via('10.0.0.5', `192.0.2.${i}`, 'bad')).status).toBe(401);
    expect((await via('10.0.0.5', '192.0.2.77', client.secret)).status).toBe(429);
    // Through the trusted proxy, the forwarded client is the one counted (rightmost untrusted hop).
    for (let i = 0; i < 2; i++)
      expect((await via('10.9.9.9', '198.51.100.1, 203.0.113.5', 'bad')).status).toBe(401);
    expect((await via('10.9.9.9', '203.0.113.5', client.secret)).status).toBe(429);
    expect((await via('10.9.9.9', '203.0.113.6', client.secret)).status).toBe(200);
  });

  it('limits /oauth/revoke through the same counts', async () => {
    const t = await app({ clientFailures: 2, addressFailures: 1000 });
    const client = await t.client();
    for (let i = 0; i < 2; i++) expect((await tokenRequest(t, client.clientId, 'bad')).status).toBe(401);
    const revoke = await t.app.request(
      '/oauth/revoke',
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`,
        },
        body: 'token=whatever',
      },
      from('10.0.0.1'),
    );
    expectLimited(revoke, 'client-auth-failures', 2);
  });
});

describe('failed admin authentication', () => {
  const adminRequest = (t: TestApp, token: string, address: string) =>
    t.app.request('/v1/admin/providers', { headers: { authorization: `Bearer ${token}` } }, from(address));

  it('limits an address after repeated bad credentials, the right one included; other addresses are not affected', async () => {
    const t = await app({ adminFailures: 3 });
    for (let i = 0; i < 3; i++) expect((await adminRequest(t, `wrong-${i}`, '10.1.1.1')).status).toBe(401);
    const limited = await adminRequest(t, ADMIN_TOKEN, '10.1.1.1');
    expectLimited(limited, 'admin-auth-failures', 3);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(await limited.json()).toMatchObject({
      status: 429,
      code: 'rate_limited',
      title: 'Too Many Requests',
    });
    expect((await adminRequest(t, ADMIN_TOKEN, '10.1.1.2')).status).toBe(200);
    // Successes do not count.
    for (let i = 0; i < 5; i++) expect((await adminRequest(t, ADMIN_TOKEN, '10.1.1.3')).status).toBe(200);
  });
});

describe('hand-outs and connect sessions per service client', () => {
  it('answers the hand-out past the limit 429; another client is unaffected; token exchange says it in RFC 6749 terms', async () => {
    const t = await app({ handOuts: 3 });
    const dns = await t.admin('POST', '/v1/admin/providers', {
      preset: 'dropbox',
      client_id: 'x',
      client_secret: 'y',
    });
    expect(dns.status).toBe(201);
    await seedConnection(t.deps, {
      id: 'c1',
      providerId: 'dropbox',
      accessToken: 'at',
      expiresAt: Date.now() + 3_600_000,
    });
    const busy = await t.client();
    const calm = await t.client();
    for (let i = 0; i < 3; i++)
      expect((await busy.request('POST', '/v1/connections/c1/access-token')).status).toBe(200);
    const limited = await busy.request('POST', '/v1/connections/c1/access-token');
    expectLimited(limited, 'handouts', 3);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited', status: 429 });
    expect((await calm.request('POST', '/v1/connections/c1/access-token')).status).toBe(200);

    const exchange = await t.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        client_id: busy.clientId,
        client_secret: busy.secret,
        resource: 'https://broker.test/v1/connections/c1',
      }),
    });
    expectLimited(exchange, 'handouts', 3);
    expect((await exchange.json()).error).toBe('temporarily_unavailable');
  });

  it('limits connect sessions per client, and records nothing for the refused one', async () => {
    const t = await app({ connectSessions: 2 });
    expect(
      (
        await t.admin('POST', '/v1/admin/providers', {
          preset: 'dropbox',
          client_id: 'x',
          client_secret: 'y',
        })
      ).status,
    ).toBe(201);
    const grants = allGrants({ return_to_origins: ['https://app.example.com'] });
    const busy = await t.client(grants);
    const calm = await t.client(grants);
    const body = {
      provider: 'dropbox',
      tenant: 'acme',
      end_user: 'u1',
      return_to: 'https://app.example.com/done',
    };
    for (let i = 0; i < 2; i++)
      expect((await busy.request('POST', '/v1/connect-sessions', body)).status).toBe(201);
    expectLimited(await busy.request('POST', '/v1/connect-sessions', body), 'connect-sessions', 2);
    expect((await calm.request('POST', '/v1/connect-sessions', body)).status).toBe(201);
    const sessions = await t.deps.database.db.select().from(t.deps.database.tables.connectSessions);
    expect(sessions).toHaveLength(3);
  });
});
