import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthorizationServer, type TestAuthorizationServer } from './authorization-server.js';

// The broker's callback is never requested here: the flow stops when the server redirects to it.
const redirectUri = 'http://127.0.0.1:9/callback';
const form = (values: Record<string, string>) => new URLSearchParams(values);
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** Drives the authorization endpoint by hand, carrying cookies, until the redirect to the client. */
async function authorize(
  as: TestAuthorizationServer,
  jar: Map<string, string>,
  extra: Record<string, string> = {},
) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  let url = `${as.endpoints.authorization}?${form({
    client_id: as.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid email profile offline_access',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  })}`;
  for (let hop = 0; hop < 10; hop++) {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: { cookie } });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`no redirect from ${url}: ${res.status} ${await res.text()}`);
    url = new URL(location, url).href;
    if (url.startsWith(redirectUri)) return { callback: new URL(url), verifier, state };
  }
  throw new Error('too many redirects');
}

async function token(as: TestAuthorizationServer, params: Record<string, string>) {
  const res = await fetch(as.endpoints.token, {
    method: 'POST',
    headers: { authorization: basic(as.clientId, as.clientSecret) },
    body: form(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('test authorization server (oidc-provider)', () => {
  let as: TestAuthorizationServer;
  beforeAll(async () => {
    as = await startAuthorizationServer({ redirectUris: [redirectUri] });
  });
  afterAll(() => as.close());

  it('runs code + PKCE, userinfo, rotation, and revokes the grant when an old refresh token is reused', async () => {
    expect(as.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const discovery = await (await fetch(`${as.issuer}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({
      token_endpoint: as.endpoints.token,
      authorization_response_iss_parameter_supported: true,
      code_challenge_methods_supported: ['S256'],
    });

    const { callback, verifier, state } = await authorize(as, new Map());
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(as.issuer);
    const code = callback.searchParams.get('code')!;

    // A wrong verifier fails without consuming the code.
    const wrong = await token(as, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: 'x'.repeat(43),
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const first = await token(as, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(first.body.refresh_token).toBeTruthy();
    expect(first.body.id_token).toBeTruthy();

    const me = await fetch(as.endpoints.userinfo, {
      headers: { authorization: `Bearer ${first.body.access_token}` },
    });
    expect(await me.json()).toEqual({
      sub: 'alice',
      email: 'alice@example.test',
      email_verified: true,
      name: 'Name of alice',
    });

    const second = await token(as, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token! });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toBeTruthy();
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);

    // Reuse of the rotated-out token: invalid_grant, and the whole grant dies with it.
    const reuse = await token(as, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token! });
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const newest = await token(as, {
      grant_type: 'refresh_token',
      refresh_token: second.body.refresh_token!,
    });
    expect(newest).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const dead = await fetch(as.endpoints.userinfo, {
      headers: { authorization: `Bearer ${second.body.access_token}` },
    });
    expect(dead.status).toBe(401);

    expect(as.grants).toEqual({ authorization_code: 1, refresh_token: 1 });
    expect(as.tokenErrors).toEqual(['invalid_grant', 'invalid_grant', 'invalid_grant']);
    expect(as.tokenRequests.map((r) => [r.grantType, r.status])).toEqual([
      ['authorization_code', 400],
      ['authorization_code', 200],
      ['refresh_token', 200],
      ['refresh_token', 400],
      ['refresh_token', 400],
    ]);
  });

  it('logs in whoever setLogin names, even with an existing session, and denies on request', async () => {
    const jar = new Map<string, string>();
    await authorize(as, jar);
    as.setLogin('bob');
    const { callback, verifier } = await authorize(as, jar);
    const tokens = await token(as, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    const me = await fetch(as.endpoints.userinfo, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(await me.json()).toMatchObject({ sub: 'bob', email: 'bob@example.test' });

    as.setLogin({ deny: true });
    const denied = await authorize(as, jar);
    expect(denied.callback.searchParams.get('error')).toBe('access_denied');
    expect(denied.callback.searchParams.get('state')).toBe(denied.state);
    expect(denied.callback.searchParams.get('iss')).toBe(as.issuer);
    expect(denied.callback.searchParams.has('code')).toBe(false);
    // The denial was one-shot.
    expect((await authorize(as, jar)).callback.searchParams.has('code')).toBe(true);
  });

  it('detects two concurrent refreshes with the same token, as a real server would', async () => {
    const { callback, verifier } = await authorize(as, new Map());
    const code = callback.searchParams.get('code')!;
    const first = await token(as, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    const refresh = { grant_type: 'refresh_token', refresh_token: first.body.refresh_token! };
    const [a, b] = await Promise.all([token(as, refresh), token(as, refresh)]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const winner = a.status === 200 ? a : b;
    const after = await token(as, { grant_type: 'refresh_token', refresh_token: winner.body.refresh_token! });
    expect(after).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers 200 when revoking an unknown token (RFC 7009)', async () => {
    const res = await fetch(as.endpoints.revocation, {
      method: 'POST',
      headers: { authorization: basic(as.clientId, as.clientSecret) },
      body: form({ token: 'no-such-token' }),
    });
    expect(res.status).toBe(200);
  });

  it('requires PKCE of every client', async () => {
    const url = `${as.endpoints.authorization}?${form({
      client_id: as.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid',
      state: 's',
    })}`;
    const res = await fetch(url, { redirect: 'manual' });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });
});

describe('test authorization server options', () => {
  it('uses client_secret_post, a secret with special characters, and a short access token life', async () => {
    const clientSecret = 'p%a+s:s w/o=rd';
    const as = await startAuthorizationServer({
      redirectUris: [redirectUri],
      clientAuthMethod: 'client_secret_post',
      clientSecret,
      accessTokenTtlSeconds: 1,
    });
    try {
      const { callback, verifier } = await authorize(as, new Map());
      const params = {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      };
      // Basic is not this client's method.
      const viaBasic = await token(as, params);
      expect(viaBasic).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      const res = await fetch(as.endpoints.token, {
        method: 'POST',
        body: form({ ...params, client_id: as.clientId, client_secret: clientSecret }),
      });
      const body = (await res.json()) as { access_token: string; expires_in: number };
      expect(res.status).toBe(200);
      expect(body.expires_in).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const me = await fetch(as.endpoints.userinfo, {
        headers: { authorization: `Bearer ${body.access_token}` },
      });
      expect(me.status).toBe(401);
    } finally {
      await as.close();
    }
  });

  it('needs the basic credentials form-urlencoded (RFC 6749 §2.3.1)', async () => {
    const clientSecret = 'a%2Fb+c:d';
    const as = await startAuthorizationServer({ redirectUris: [redirectUri], clientSecret });
    try {
      const raw = `Basic ${Buffer.from(`${as.clientId}:${clientSecret}`).toString('base64')}`;
      const body = form({ token: 'unknown' });
      const rawRes = await fetch(as.endpoints.revocation, {
        method: 'POST',
        headers: { authorization: raw },
        body,
      });
      expect(rawRes.status).not.toBe(200);
      const encoded = await fetch(as.endpoints.revocation, {
        method: 'POST',
        headers: { authorization: basic(as.clientId, clientSecret) },
        body,
      });
      expect(encoded.status).toBe(200);
    } finally {
      await as.close();
    }
  });
});
