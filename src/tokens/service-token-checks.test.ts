import { randomBytes } from 'node:crypto';
import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp, type TestClient } from '../test-support/app.js';

/**
 * What a service route accepts: only a live, unrevoked service token of an
 * enabled client, signed by the broker for the broker. Everything else is a
 * 401 with a Bearer challenge.
 */

const BROKER = 'https://broker.test';
// The checks run on GET /v1/connections: a plain service route with no side effects.
// (GET /v1/providers is checked on its own below.)
const ROUTE = '/v1/connections';
const START = Date.parse('2026-03-01T10:00:00.000Z');

let clock = START;
let t: TestApp;
let client: TestClient;
beforeEach(async () => {
  clock = START;
  t = await createTestApp({ now: () => clock });
  client = await t.client();
});
afterEach(async () => {
  await t.close();
});

const get = (app: TestApp, path: string, authorization?: string) =>
  Promise.resolve(app.app.request(path, { headers: authorization === undefined ? {} : { authorization } }));
const call = (token: string, app: TestApp = t, path = ROUTE) => get(app, path, `Bearer ${token}`);

async function expectRefused(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer realm="custodian", error="invalid_token"');
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.json();
  expect(body.code).toBe('unauthorized');
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(clock / 1000);

function claimsFor(clientId: string, overrides: JWTPayload = {}): JWTPayload {
  return {
    client_id: clientId,
    iss: BROKER,
    aud: BROKER,
    sub: clientId,
    iat: nowSeconds(),
    exp: nowSeconds() + 300,
    jti: randomBytes(16).toString('base64url'),
    ...overrides,
  };
}

/** Signs a token the way the broker does, with any header and claims. */
async function forge(
  options: { claims?: JWTPayload; header?: Record<string, unknown>; key?: CryptoKey; kid?: string } = {},
): Promise<string> {
  const broker = await t.services.keys.current();
  return new SignJWT(options.claims ?? claimsFor(client.clientId))
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: options.kid ?? broker.kid, ...options.header })
    .sign(options.key ?? broker.privateKey);
}

function revoke(who: TestClient, token: string, app: TestApp = t) {
  return Promise.resolve(
    app.app.request('/oauth/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: who.clientId, client_secret: who.secret }).toString(),
    }),
  );
}

async function revokedRows(app: TestApp = t) {
  return app.deps.database.db.select().from(app.deps.database.tables.revokedTokens);
}

describe('a valid token', () => {
  it('is accepted', async () => {
    const res = await call(await client.token());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [], next_cursor: null });
  });

  it('forged here with the broker’s own key and the right header and claims, is accepted (the control)', async () => {
    expect((await call(await forge())).status).toBe(200);
  });
});

describe('401 with a Bearer challenge', () => {
  it('no Authorization header, or another scheme', async () => {
    await expectRefused(await get(t, ROUTE));
    await expectRefused(
      await get(t, ROUTE, `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`),
    );
    await expectRefused(await get(t, ROUTE, 'Bearer'));
    await expectRefused(await call('not.a.jwt'));
  });

  it('a tampered payload', async () => {
    const other = await t.client();
    const token = await client.token();
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    // Claim to be another client, and to live longer.
    await expectRefused(await call(`${header}.${b64({ ...claims, sub: other.clientId })}.${signature}`));
    await expectRefused(await call(`${header}.${b64({ ...claims, exp: claims.exp + 3600 })}.${signature}`));
    // The untouched token still works.
    expect((await call(token)).status).toBe(200);
  });

  it('a tampered signature', async () => {
    const token = await client.token();
    const [header, payload, signature] = token.split('.');
    const bytes = Buffer.from(signature!, 'base64url');
    bytes[10]! ^= 0x01;
    await expectRefused(await call(`${header}.${payload}.${bytes.toString('base64url')}`));
    await expectRefused(await call(`${header}.${payload}.`));
    await expectRefused(await call(`${header}.${payload}`));
  });

  it('alg: none', async () => {
    const { kid } = await t.services.keys.current();
    const claims = claimsFor(client.clientId);
    await expectRefused(await call(`${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64(claims)}.`));
    await expectRefused(await call(`${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64(claims)}`));
  });

  it('HS256 keyed with the public key (algorithm confusion)', async () => {
    const { kid } = await t.services.keys.current();
    const jwks = await (await get(t, '/.well-known/jwks.json')).json();
    const publicJwk = JSON.stringify(jwks.keys.find((k: { kid: string }) => k.kid === kid));
    const token = await new SignJWT(claimsFor(client.clientId))
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
      .sign(new TextEncoder().encode(publicJwk));
    await expectRefused(await call(token));
  });

  it('signed by another ES256 key with the same kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await expectRefused(await call(await forge({ key: privateKey })));
  });

  it('an unknown kid, or none', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await expectRefused(await call(await forge({ key: privateKey, kid: 'not-a-broker-kid' })));
    const broker = await t.services.keys.current();
    const noKid = await new SignJWT(claimsFor(client.clientId))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(broker.privateKey);
    await expectRefused(await call(noKid));
  });

  it.each(['JWT', 'jwt', 'application/at+jwt+x', 'dpop+jwt'])('typ %j instead of at+jwt', async (typ) => {
    await expectRefused(await call(await forge({ header: { typ } })));
  });

  it('no typ', async () => {
    const broker = await t.services.keys.current();
    const token = await new SignJWT(claimsFor(client.clientId))
      .setProtectedHeader({ alg: 'ES256', kid: broker.kid })
      .sign(broker.privateKey);
    await expectRefused(await call(token));
  });

  it.each<[string, JWTPayload]>([
    ['a wrong aud', { aud: 'https://other.test' }],
    ['an aud that only starts like the broker', { aud: 'https://broker.test.evil' }],
    ['an aud list without the broker', { aud: ['https://other.test'] }],
    ['a wrong iss', { iss: 'https://other.test' }],
    ['no jti', { jti: undefined }],
    ['no exp', { exp: undefined }],
    ['an unknown client as sub', { sub: 'svc_nobody00000000000000000' }],
  ])('%s', async (_what, overrides) => {
    await expectRefused(await call(await forge({ claims: claimsFor(client.clientId, overrides) })));
  });

  it('expired: 301 s after issue (whether seen before or not)', async () => {
    const seen = await client.token();
    const unseen = await client.token();
    expect((await call(seen)).status).toBe(200);
    clock += 299_000;
    expect((await call(seen)).status).toBe(200);
    clock += 2_000;
    await expectRefused(await call(seen));
    await expectRefused(await call(unseen));
  });

  it('a token revoked through POST /oauth/revoke, at once', async () => {
    const token = await client.token();
    const sibling = await client.token();
    expect((await call(token)).status).toBe(200);
    const res = await revoke(client, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('');
    await expectRefused(await call(token));
    // Only that token: another of the same client still works.
    expect((await call(sibling)).status).toBe(200);
    expect((await revokedRows()).map((r) => r.jti)).toEqual([decodeJwt(token).jti]);
    // Revoking it again is fine and changes nothing.
    expect((await revoke(client, token)).status).toBe(200);
    expect(await revokedRows()).toHaveLength(1);
  });

  it('forgets revocations of tokens that have expired anyway, at the next revocation', async () => {
    const first = await client.token();
    expect((await revoke(client, first)).status).toBe(200);
    clock += 301_000; // past the first token's 300 s
    const second = await client.token();
    expect((await revoke(client, second)).status).toBe(200);
    expect((await revokedRows()).map((r) => r.jti)).toEqual([decodeJwt(second).jti]);
    await expectRefused(await call(second));
  });

  it('revoking an unknown or a foreign token answers 200 and changes nothing', async () => {
    const other = await t.client();
    const foreign = await other.token();
    const mine = await client.token();
    for (const token of [
      'garbage',
      `${mine}x`,
      foreign,
      await forge({ key: (await generateKeyPair('ES256')).privateKey }),
    ]) {
      const res = await revoke(client, token);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
    expect(await revokedRows()).toEqual([]);
    expect((await call(foreign)).status).toBe(200);
    expect((await call(mine)).status).toBe(200);
  });

  it('revocation needs client authentication', async () => {
    const token = await client.token();
    const res = await Promise.resolve(
      t.app.request('/oauth/revoke', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      }),
    );
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('invalid_client');
    expect((await call(token)).status).toBe(200);
  });

  it('a client disabled afterwards, within the state cache TTL (2 s)', async () => {
    const token = await client.token();
    expect((await call(token)).status).toBe(200);
    const res = await t.admin('PATCH', `/v1/admin/clients/${client.clientId}`, { is_enabled: false });
    expect(res.status).toBe(200);
    clock += 3_000;
    await expectRefused(await call(token));
    // Enabled again, the same token works again (it was never revoked).
    await t.admin('PATCH', `/v1/admin/clients/${client.clientId}`, { is_enabled: true });
    clock += 3_000;
    expect((await call(token)).status).toBe(200);
  });

  it('a client deleted afterwards', async () => {
    const token = await client.token();
    expect((await call(token)).status).toBe(200);
    expect((await t.admin('DELETE', `/v1/admin/clients/${client.clientId}`)).status).toBe(204);
    clock += 3_000;
    await expectRefused(await call(token));
  });

  it('the admin credential', async () => {
    await expectRefused(await call(ADMIN_TOKEN));
  });

  it('the client secret as a bearer token', async () => {
    await expectRefused(await call(client.secret));
  });
});

describe('the other way round', () => {
  it('a service token on an admin route → 401', async () => {
    const res = await call(await client.token(), t, '/v1/admin/providers');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await res.json()).code).toBe('unauthorized');
    expect((await call(await client.token(), t, '/v1/admin/clients')).status).toBe(401);
    expect((await call(await client.token(), t, '/v1/admin/audit-events')).status).toBe(401);
  });
});

describe('GET /v1/providers is a service route', () => {
  // DESIGN.md lists it under "Services (Authorization: Bearer <service token>)".
  it('takes a service token, and refuses the admin credential', async () => {
    const res = await call(await client.token(), t, '/v1/providers');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [], next_cursor: null });
    await expectRefused(await call(ADMIN_TOKEN, t, '/v1/providers'));
  });
});

describe('signing-key rotation', () => {
  it('keeps tokens issued before working, signs new ones with the new kid, and publishes both', async () => {
    const before = await client.token();
    const oldKid = decodeProtectedHeader(before).kid!;
    const newKid = await t.services.keys.rotate();
    expect(newKid).not.toBe(oldKid);

    // First use after the rotation: not from a cache of verified tokens.
    expect((await call(before)).status).toBe(200);
    const after = await client.token();
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect((await call(after)).status).toBe(200);

    const jwks = await (await get(t, '/.well-known/jwks.json')).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');

    // Once every token it signed has expired and the grace period passed, the old key is gone.
    clock += 16 * 60_000;
    const later = await (await get(t, '/.well-known/jwks.json')).json();
    expect(later.keys.map((k: { kid: string }) => k.kid)).toEqual([newKid]);
    await expectRefused(
      await call(await forge({ kid: oldKid, key: (await generateKeyPair('ES256')).privateKey })),
    );
  });
});

describe('two replicas on one database', () => {
  let b: TestApp;
  beforeEach(async () => {
    // Every replica runs with the same vault keys (from the environment), as in production.
    b = await createTestApp({
      testDatabase: t.testDatabase,
      vault: t.deps.vault,
      replicaId: 'b',
      now: () => clock,
    });
  });
  afterEach(async () => {
    await b.close();
  });

  it('verify each other’s tokens', async () => {
    const fromA = await client.token();
    expect((await call(fromA, b)).status).toBe(200);
    const bClient = await b.client();
    const fromB = await bClient.token();
    expect(decodeProtectedHeader(fromB).kid).toBe(decodeProtectedHeader(fromA).kid);
    expect((await call(fromB, t)).status).toBe(200);
    expect((await call(fromB, b)).status).toBe(200);
  });

  it('pick up a rotation made on the other (an unknown kid reloads, at most every 5 s)', async () => {
    expect((await call(await client.token(), b)).status).toBe(200);
    const oldKid = decodeProtectedHeader(await client.token()).kid!;
    const newKid = await t.services.keys.rotate();
    const fresh = await client.token();
    expect(decodeProtectedHeader(fresh).kid).toBe(newKid);

    clock += 5_000;
    expect((await call(fresh, b)).status).toBe(200);
    const jwks = await (await get(b, '/.well-known/jwks.json')).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    // And b now signs with the new key too.
    const bClient = await b.client();
    expect(decodeProtectedHeader(await bClient.token()).kid).toBe(newKid);
  });

  it('see a revocation or a disabled client on the other within the state TTL', async () => {
    const revoked = await client.token();
    const other = await t.client();
    const disabled = await other.token();
    expect((await call(revoked, b)).status).toBe(200);
    expect((await call(disabled, b)).status).toBe(200);

    expect((await revoke(client, revoked)).status).toBe(200);
    expect(
      (await t.admin('PATCH', `/v1/admin/clients/${other.clientId}`, { is_enabled: false })).status,
    ).toBe(200);
    clock += 3_000;
    await expectRefused(await call(revoked, b));
    await expectRefused(await call(disabled, b));
  });
});
