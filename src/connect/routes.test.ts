import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allGrants, createTestApp, type TestApp } from '../test-support/app.js';

/** The connect flow's own rules, up to the point where a provider would answer. */

const GOOD_RETURN = 'https://good.example/connected';
const GOOD_REDIRECT = 'https://good.example/oauth/back';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({
    serviceGrants: allGrants({ return_to_origins: ['https://good.example'], redirect_uris: [GOOD_REDIRECT] }),
  });
  const res = await t.admin('POST', '/v1/admin/providers', {
    preset: 'dropbox',
    client_id: 'dbx-id',
    client_secret: 'dbx-secret',
  });
  expect(res.status).toBe(201);
});
afterEach(async () => {
  await t.close();
});

const start = (body: Record<string, unknown>) =>
  t.service('POST', '/v1/connect-sessions', {
    provider: 'dropbox',
    tenant: 'acme',
    end_user: 'u-1',
    ...body,
  });

async function sessionRow(id: string) {
  const rows = await t.deps.database.db.select().from(t.deps.database.tables.connectSessions);
  return rows.find((r) => r.id === id)!;
}

describe('POST /v1/connect-sessions', () => {
  it('answers an id, a connect URL on the public base URL, and a 10-minute expiry', async () => {
    const before = Date.now();
    const res = await start({ return_to: GOOD_RETURN });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body.id).toMatch(/^cs_[A-Za-z0-9_-]{22}$/);
    expect(body.connect_url).toMatch(/^https:\/\/broker\.test\/connect\/[A-Za-z0-9_-]{43}$/);
    expect(body).not.toHaveProperty('authorization_url');
    const expires = Date.parse(body.expires_at);
    expect(expires - before).toBeGreaterThanOrEqual(10 * 60 * 1000 - 5);
    expect(expires - before).toBeLessThanOrEqual(10 * 60 * 1000 + 5000);
  });

  it('stores only hashes of the connect token, and the verifier encrypted', async () => {
    const body = await (await start({})).json();
    const token = body.connect_url.split('/').pop();
    const row = await sessionRow(body.id);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.connectTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.codeVerifier).toMatch(/^v1\./);
    expect(row.stateHash).toBeNull();
  });

  it('gives an authorization URL with state and PKCE when the caller names its own redirect_uri', async () => {
    const body = await (await start({ redirect_uri: GOOD_REDIRECT })).json();
    const url = new URL(body.authorization_url);
    expect(url.origin + url.pathname).toBe('https://www.dropbox.com/oauth2/authorize');
    expect(url.searchParams.get('redirect_uri')).toBe(GOOD_REDIRECT);
    expect(url.searchParams.get('client_id')).toBe('dbx-id');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('token_access_type')).toBe('offline');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(22);
    // Its account comes from userinfo: no nonce is sent or kept.
    expect(url.searchParams.has('nonce')).toBe(false);
    expect((await sessionRow(body.id)).nonceHash).toBeNull();
  });

  it('sends openid and a nonce, kept hashed, for a provider read from its ID token', async () => {
    const created = await t.admin('POST', '/v1/admin/providers', {
      provider_id: 'sso',
      display_name: 'SSO',
      client_id: 'sso-client',
      client_secret: 'sso-secret',
      issuer: 'https://sso.example',
      authorization_url: 'https://sso.example/authorize',
      token_url: 'https://sso.example/token',
      jwks_uri: 'https://sso.example/jwks',
      scopes: ['email'],
    });
    expect(created.status).toBe(201);
    const body = await (await start({ provider: 'sso', redirect_uri: GOOD_REDIRECT })).json();
    const url = new URL(body.authorization_url);
    expect(url.searchParams.get('scope')).toBe('openid email');
    const nonce = url.searchParams.get('nonce')!;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await sessionRow(body.id);
    expect(row.nonceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(nonce);
    // Its scopes already name openid: not sent twice.
    const again = await (
      await start({ provider: 'sso', redirect_uri: GOOD_REDIRECT, scopes: ['profile', 'openid'] })
    ).json();
    expect(new URL(again.authorization_url).searchParams.get('scope')).toBe('profile openid');
  });

  // return_to may be any URL on an allowed origin; redirect_uri must match exactly (below).
  const hostile = [
    '//evil.example',
    '/\\evil.example',
    'https://good.example.evil.example/connected',
    'https://evil.example#@good.example/connected',
    'https://good.example@evil.example/connected',
    'https://GOOD.example/connected',
    'https://good.example./connected',
    'https://good.example%2fconnected',
    'https://good.example/connected#frag',
    'http://good.example/connected',
    'https://good.example:443/connected',
    'javascript:alert(1)//https://good.example/connected',
    ' https://good.example/connected',
  ];

  it.each(hostile)('refuses return_to %j and stores nothing', async (returnTo) => {
    const res = await start({ return_to: returnTo });
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe('return_to_not_allowed');
    expect(await t.deps.database.db.select().from(t.deps.database.tables.connectSessions)).toEqual([]);
  });

  it.each(hostile.map((h) => h.replace('/connected', '/oauth/back')))(
    'refuses redirect_uri %j',
    async (uri) => {
      const res = await start({ redirect_uri: uri });
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe('redirect_uri_not_allowed');
    },
  );

  it.each([
    [{ provider: 'nope' }, 404, 'provider_not_found'],
    [{ tenant: 'has space' }, 400, 'invalid_request'],
    [{ end_user: '' }, 400, 'invalid_request'],
    [{ scopes: ['a b'] }, 400, 'invalid_request'],
    [{ extra: 1 }, 400, 'invalid_request'],
  ])('refuses %j', async (override, status, code) => {
    const res = await start(override);
    expect(res.status).toBe(status);
    expect((await res.json()).code).toBe(code);
  });

  it('refuses a disabled provider as if it did not exist', async () => {
    await t.admin('PATCH', '/v1/admin/providers/dropbox', { is_enabled: false });
    const res = await start({});
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe('provider_not_found');
  });
});

describe('GET /v1/connect-sessions/{id}', () => {
  it('reports a pending session, and 404 for an unknown id', async () => {
    const { id } = await (await start({})).json();
    const res = await t.service('GET', `/v1/connect-sessions/${id}`);
    expect(await res.json()).toMatchObject({
      id,
      status: 'pending',
      provider: 'dropbox',
      tenant: 'acme',
      connection_id: null,
    });
    const missing = await t.service('GET', '/v1/connect-sessions/cs_missing');
    expect((await missing.json()).code).toBe('connect_session_not_found');
  });
});

describe('GET /connect/{token}', () => {
  const enter = (url: string, cookie?: string) =>
    t.app.request(new URL(url).pathname, { headers: cookie ? { cookie } : {} });

  it('binds the browser with an HttpOnly, Lax cookie scoped to the callback, and redirects to the provider', async () => {
    const body = await (await start({ return_to: GOOD_RETURN })).json();
    const res = await enter(body.connect_url);
    expect(res.status).toBe(302);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^custodian_connect_${body.id}=[A-Za-z0-9_-]{43};`));
    expect(cookie).toContain('Path=/oauth/callback/dropbox');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toMatch(/Max-Age=(59\d|600)/);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('redirect_uri')).toBe('https://broker.test/oauth/callback/dropbox');
    const row = await sessionRow(body.id);
    expect(row.stateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.browserBindingHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets the same browser come back, with a fresh state, and refuses another browser', async () => {
    const body = await (await start({})).json();
    const first = await enter(body.connect_url);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const firstState = new URL(first.headers.get('location')!).searchParams.get('state');
    const again = await enter(body.connect_url, cookie);
    expect(again.status).toBe(302);
    expect(new URL(again.headers.get('location')!).searchParams.get('state')).not.toBe(firstState);
    const other = await enter(body.connect_url);
    expect(other.status).toBe(410);
    expect(other.headers.get('content-type')).toMatch(/^text\/html/);
    expect(other.headers.get('location')).toBeNull();
  });

  it('answers an unknown link with a plain page, not a redirect', async () => {
    const res = await t.app.request('/connect/not-a-real-token');
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('not valid');
  });
});

describe('GET /oauth/callback/{provider_id} that matches no session', () => {
  it.each([
    ['no state', '?code=abc'],
    ['an unknown state', '?code=abc&state=unknown'],
    ['an error and no state', '?error=access_denied'],
  ])('shows a plain page for %s', async (_name, query) => {
    const res = await t.app.request(`/oauth/callback/dropbox${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a real state without its cookie, at another provider, and leaves the session pending', async () => {
    await t.admin('POST', '/v1/admin/providers', {
      preset: 'box',
      client_id: 'box-id',
      client_secret: 'box-secret',
    });
    const body = await (await start({})).json();
    const entered = await t.app.request(new URL(body.connect_url).pathname);
    const cookie = entered.headers.get('set-cookie')!.split(';')[0]!;
    const state = new URL(entered.headers.get('location')!).searchParams.get('state')!;

    const noCookie = await t.app.request(`/oauth/callback/dropbox?code=c&state=${state}`);
    expect(noCookie.status).toBe(400);
    const wrongCookie = await t.app.request(`/oauth/callback/dropbox?code=c&state=${state}`, {
      headers: { cookie: `custodian_connect_${body.id}=forged` },
    });
    expect(wrongCookie.status).toBe(400);
    const otherProvider = await t.app.request(`/oauth/callback/box?code=c&state=${state}`, {
      headers: { cookie },
    });
    expect(otherProvider.status).toBe(400);
    expect((await sessionRow(body.id)).status).toBe('pending');
  });
});

describe('POST /v1/connect-sessions/{id}/complete', () => {
  it('refuses a session that finishes in the browser', async () => {
    const { id } = await (await start({})).json();
    const res = await t.service('POST', `/v1/connect-sessions/${id}/complete`, { code: 'c', state: 's' });
    expect(res.status).toBe(409);
  });

  it('refuses a wrong state without ending the session', async () => {
    const { id } = await (await start({ redirect_uri: GOOD_REDIRECT })).json();
    const res = await t.service('POST', `/v1/connect-sessions/${id}/complete`, { code: 'c', state: 'wrong' });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('state_mismatch');
    expect((await sessionRow(id)).status).toBe('pending');
  });
});

describe('providers in use', () => {
  it('cannot delete a provider that has connections', async () => {
    const now = Date.now();
    await t.deps.database.db.insert(t.deps.database.tables.connections).values({
      id: 'conn_x',
      tenant: 'acme',
      providerId: 'dropbox',
      endUser: 'u',
      accountId: 'a',
      scopes: '[]',
      status: 'active',
      accessToken: 'v1.x.y.z',
      tokenType: 'Bearer',
      createdAt: now,
      updatedAt: now,
    });
    const res = await t.admin('DELETE', '/v1/admin/providers/dropbox');
    expect(res.status).toBe(409);
    expect((await res.json()).code).toBe('provider_in_use');
  });
});
