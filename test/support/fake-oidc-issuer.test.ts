import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOidcIssuer, startFakeOidcIssuer } from './fake-oidc-issuer.js';

/** The fake issuer enforces what it claims to, so a broker that breaks a rule is caught. */

const REDIRECT = 'https://app.example/back';
let fake: FakeOidcIssuer;

beforeAll(async () => {
  fake = await startFakeOidcIssuer({ redirectUris: [REDIRECT] });
});
afterAll(async () => {
  await fake.close();
});

const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

async function authorize(overrides: Record<string, string | null> = {}) {
  const url = new URL(`${fake.issuer}/authorize`);
  const params: Record<string, string | null> = {
    client_id: fake.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid email',
    state: 'st',
    nonce: 'n-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, back: res.status === 302 ? new URL(res.headers.get('location')!) : null };
}

const basic = (secret: string) =>
  `Basic ${Buffer.from(`${fake.clientId}:${encodeURIComponent(secret)}`).toString('base64')}`;

const exchange = (code: string, overrides: Record<string, string> = {}, secret = fake.clientSecret) =>
  fetch(`${fake.issuer}/token`, {
    method: 'POST',
    headers: { authorization: basic(secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      ...overrides,
    }),
  });

describe('fake OIDC issuer', () => {
  it('issues a code once, and an ID token that verifies against its key set with the nonce sent', async () => {
    const { back } = await authorize();
    expect(back!.searchParams.get('iss')).toBe(fake.issuer);
    const code = back!.searchParams.get('code')!;
    const answer = await (await exchange(code)).json();
    const keys = await (await fetch(`${fake.issuer}/jwks`)).json();
    const { payload } = await jwtVerify(answer.id_token, createLocalJWKSet(keys), {
      issuer: fake.issuer,
      audience: fake.clientId,
    });
    expect(payload).toMatchObject({ sub: 'alice', nonce: 'n-1' });
    expect((await exchange(code)).status).toBe(400);
  });

  it.each([
    ['no nonce', { nonce: null }, 'missing nonce'],
    ['no openid', { scope: 'email' }, 'scope must include openid'],
    ['plain PKCE', { code_challenge_method: 'plain' }, 'code_challenge_method must be S256'],
  ])('refuses an authorization request with %s', async (_label, overrides, violation) => {
    const { back } = await authorize(overrides);
    expect(back!.searchParams.get('error')).toBe('invalid_request');
    expect(back!.searchParams.has('code')).toBe(false);
    expect(fake.violations.at(-1)).toBe(violation);
  });

  it('refuses an unregistered redirect URI without redirecting', async () => {
    expect((await authorize({ redirect_uri: 'https://evil.example/back' })).status).toBe(400);
  });

  it('refuses a wrong secret, verifier or redirect URI at the token endpoint', async () => {
    const code = async () => (await authorize()).back!.searchParams.get('code')!;
    expect((await exchange(await code(), {}, 'wrong')).status).toBe(401);
    expect((await exchange(await code(), { code_verifier: 'x'.repeat(43) })).status).toBe(400);
    expect((await exchange(await code(), { redirect_uri: 'https://app.example/other' })).status).toBe(400);
  });
});
