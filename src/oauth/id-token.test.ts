import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../crypto/random.js';
import { AppError } from '../http/errors.js';
import { UnexpectedResponseError } from '../upstream/errors.js';
import { createUpstreamFetch } from '../upstream/http-client.js';
import { type IdTokenExpectations, validateIdToken } from './id-token.js';
import { createJwksCache, JWKS_MAX_AGE_MS, JWKS_UNKNOWN_KID_COOLDOWN_MS } from './jwks.js';

/**
 * The ID token checks against locally generated keys, served as a key set by
 * a real server on 127.0.0.1 and read through the broker's upstream client.
 * The broker's clock is a fake one the tests move.
 */

const ISSUER = 'https://sso.example.com/realms/acme';
const CLIENT_ID = 'custodian-client';
const NONCE = 'nonce-of-this-request';
const MARKER = 'MARKER-claim-value-never-repeated';
const START = 1_800_000_000_000;

type Signer = { kid: string; privateKey: CryptoKey; publicJwk: JWK };
async function signer(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

let served: JWK[] = [];
let requests = 0;
let lastRequest: { method?: string; url?: string; headers?: http.IncomingHttpHeaders } = {};
let failWith: number | null = null;
let server: http.Server;
let jwksUri: string;
let current: Signer;
let es: Signer;
let clock = START;

beforeAll(async () => {
  current = await signer('key-1');
  es = await signer('key-es', 'ES256');
  server = http.createServer((req, res) => {
    requests += 1;
    lastRequest = { method: req.method, url: req.url, headers: req.headers };
    if (failWith !== null) return res.writeHead(failWith).end();
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: served }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const upstream = createUpstreamFetch({
  policy: { allowLoopbackHttp: true },
  timeoutMs: 2000,
  maxResponseBytes: 64 * 1024,
  userAgent: 'custodian-test',
});
let keys = createJwksCache({ fetch: upstream, now: () => clock });

beforeEach(() => {
  served = [current.publicJwk, es.publicJwk];
  requests = 0;
  failWith = null;
  clock = START;
  keys = createJwksCache({ fetch: upstream, now: () => clock });
});

const seconds = () => Math.floor(clock / 1000);

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: CLIENT_ID,
    sub: 'user-42',
    email: 'ada@example.com',
    name: 'Ada',
    nonce: NONCE,
    iat: seconds(),
    exp: seconds() + 300,
    marker: MARKER,
    ...overrides,
  };
}

async function sign(payload: JWTPayload, by: Signer = current, alg = by === es ? 'ES256' : 'RS256') {
  return new SignJWT(payload).setProtectedHeader({ alg, kid: by.kid, typ: 'JWT' }).sign(by.privateKey);
}

const expected = (overrides: Partial<IdTokenExpectations> = {}): IdTokenExpectations => ({
  issuer: ISSUER,
  clientId: CLIENT_ID,
  jwksUri,
  providerId: 'acme-sso',
  nonceHash: hashSecret(NONCE),
  ...overrides,
});

const validate = (token: string | null, overrides: Partial<IdTokenExpectations> = {}) =>
  validateIdToken(keys.keyFor, token, expected(overrides), clock);

/** The refusal of `token`: an id_token_invalid AppError that repeats neither the token nor a claim. */
async function refusal(token: string, overrides: Partial<IdTokenExpectations> = {}): Promise<string> {
  const error = await validate(token, overrides).then(
    () => expect.fail('the token was accepted'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('id_token_invalid');
  expect(appError.status).toBe(502);
  expect(appError.cause).toBeUndefined();
  const text = `${appError.message} ${appError.stack} ${JSON.stringify(appError)}`;
  const payload = token.split('.')[1]!;
  for (const leak of [token, MARKER, 'user-42', NONCE, ...(payload.length > 8 ? [payload] : [])]) {
    expect(text).not.toContain(leak);
  }
  return appError.message;
}

const unsigned = (payload: JWTPayload, header: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

describe('validateIdToken', () => {
  it('answers the claims of a valid token, RSA or EC, and reads the keys once', async () => {
    expect(await validate(await sign(claims()))).toMatchObject({ sub: 'user-42', email: 'ada@example.com' });
    expect(await validate(await sign(claims(), es))).toMatchObject({ sub: 'user-42' });
    expect(requests).toBe(1);
    expect(lastRequest).toMatchObject({ method: 'GET', url: '/certs' });
    expect(lastRequest.headers).toMatchObject({
      accept: 'application/jwk-set+json, application/json',
      'user-agent': 'custodian-test',
    });
    expect(lastRequest.headers).not.toHaveProperty('authorization');
  });

  it('accepts several audiences only with azp naming the client', async () => {
    const audiences = [CLIENT_ID, 'https://api.example.com'];
    expect(await validate(await sign(claims({ aud: audiences, azp: CLIENT_ID })))).toMatchObject({
      sub: 'user-42',
    });
    expect(await refusal(await sign(claims({ aud: audiences })))).toMatch(/azp/);
    expect(await refusal(await sign(claims({ aud: audiences, azp: 'someone-else' })))).toMatch(/azp/);
    expect(await refusal(await sign(claims({ azp: 'someone-else' })))).toMatch(/azp/);
  });

  it('refuses another issuer, even one differing by a trailing slash', async () => {
    expect(await refusal(await sign(claims({ iss: 'https://evil.example.com' })))).toMatch(/another issuer/);
    expect(await refusal(await sign(claims({ iss: `${ISSUER}/` })))).toMatch(/another issuer/);
  });

  it('refuses a token for another client', async () => {
    expect(await refusal(await sign(claims({ aud: 'another-client' })))).toMatch(/not for this client/);
    expect(await refusal(await sign(claims({ aud: ['another-client', 'third'], azp: CLIENT_ID })))).toMatch(
      /not for this client/,
    );
  });

  it('allows 30 s of clock difference on exp and iat, and no more', async () => {
    expect(await validate(await sign(claims({ exp: seconds() - 20 })))).toBeTruthy();
    expect(await refusal(await sign(claims({ exp: seconds() - 31 })))).toMatch(/expired/);
    expect(await validate(await sign(claims({ iat: seconds() + 20 })))).toBeTruthy();
    expect(await refusal(await sign(claims({ iat: seconds() + 31 })))).toMatch(/iat/);
  });

  it('refuses a token issued more than five minutes ago, however long it lives', async () => {
    const old = await sign(claims({ iat: seconds(), exp: seconds() + 3600 }));
    clock += 5 * 60_000;
    expect(await validate(old)).toBeTruthy();
    clock += 31_000;
    expect(await refusal(old)).toMatch(/iat/);
  });

  it('refuses a token without sub, exp or iat, or with an empty sub', async () => {
    expect(await refusal(await sign(claims({ sub: undefined })))).toMatch(/no sub/);
    expect(await refusal(await sign(claims({ sub: '' })))).toMatch(/no sub/);
    expect(await refusal(await sign(claims({ exp: undefined })))).toMatch(/exp/);
    expect(await refusal(await sign(claims({ iat: undefined })))).toMatch(/iat/);
  });

  it('refuses a nonce other than the one sent, a missing one, and any when none was sent', async () => {
    expect(await refusal(await sign(claims({ nonce: 'another-nonce' })))).toMatch(/nonce/);
    expect(await refusal(await sign(claims({ nonce: undefined })))).toMatch(/nonce/);
    expect(await refusal(await sign(claims()), { nonceHash: null })).toMatch(/nonce/);
  });

  it('refuses HS256, even keyed with a secret the key set publishes', async () => {
    const secret = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!');
    served.push({ kty: 'oct', k: Buffer.from(secret).toString('base64url'), kid: 'mac', alg: 'HS256' });
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'mac' }).sign(secret);
    expect(await refusal(token)).toMatch(/algorithm/);
  });

  it('refuses alg none, with or without a signature part', async () => {
    const header = { alg: 'none', typ: 'JWT' };
    expect(await refusal(unsigned(claims(), header))).toMatch(/algorithm/);
    expect(await refusal(`${unsigned(claims(), header)}c2ln`)).toMatch(/algorithm/);
  });

  it('refuses a bad signature, a key confused for another, and garbage', async () => {
    const forged = await sign(claims(), { ...current, privateKey: (await signer('x')).privateKey });
    expect(await refusal(forged)).toMatch(/signature/);
    // An EC key's kid on an RS256 token: no key of that type matches.
    const confused = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: es.kid })
      .sign(current.privateKey);
    expect(await refusal(confused)).toMatch(/no key/);
    expect(await refusal('not.a.jwt')).toMatch(/well-formed/);
    expect(await refusal(`${MARKER}.${MARKER}.${MARKER}`)).toMatch(/well-formed/);
  });

  it('answers id_token_missing when the token answer had none', async () => {
    const error = await validate(null).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'id_token_missing', status: 502 });
    expect(requests).toBe(0);
  });

  it('on an unknown kid refetches the key set, at most once per 30 s', async () => {
    expect(await validate(await sign(claims()))).toBeTruthy();
    expect(requests).toBe(1);
    // The issuer rotates: the new key is published, the old one withdrawn.
    const next = await signer('key-2');
    served = [next.publicJwk];
    const rotated = await sign(claims(), next);
    // Within 30 s of the last fetch an unknown kid does not refetch: refused.
    clock += JWKS_UNKNOWN_KID_COOLDOWN_MS - 1_000;
    expect(await refusal(rotated)).toMatch(/no key/);
    expect(requests).toBe(1);
    // Past it, the key set is refetched and the token verifies.
    clock += 2_000;
    expect(await validate(await sign(claims(), next))).toBeTruthy();
    expect(requests).toBe(2);
    // A stream of made-up kids costs one fetch per 30 s, not one per token.
    const madeUp = await sign(claims(), { ...next, kid: 'made-up' });
    for (let i = 0; i < 5; i++) await refusal(madeUp);
    expect(requests).toBe(2);
    clock += JWKS_UNKNOWN_KID_COOLDOWN_MS + 1;
    await refusal(madeUp);
    expect(requests).toBe(3);
  });

  it('reuses a key set for 10 minutes, then reads it again', async () => {
    const token = () => sign(claims());
    await validate(await token());
    clock += JWKS_MAX_AGE_MS - 1;
    await validate(await token());
    expect(requests).toBe(1);
    clock += 1;
    await validate(await token());
    expect(requests).toBe(2);
  });

  it('shares one fetch between concurrent validations', async () => {
    const token = await sign(claims());
    await Promise.all(Array.from({ length: 5 }, () => validate(token)));
    expect(requests).toBe(1);
  });

  it('keeps a bounded number of key sets', async () => {
    const small = createJwksCache({ fetch: upstream, now: () => clock, maxEntries: 2 });
    const token = await sign(claims());
    for (const path of ['a', 'b', 'c']) {
      await validateIdToken(small.keyFor, token, expected({ jwksUri: `${jwksUri}?${path}` }), clock);
    }
    expect(small.size()).toBe(2);
    expect(requests).toBe(3);
  });

  it('lets a key set that cannot be read fail as the provider’s answer, not the token', async () => {
    failWith = 500;
    const error = await validate(await sign(claims())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as Error).message).not.toContain(MARKER);
  });
});
