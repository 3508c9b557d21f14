import { type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics/metrics.js';
import { ADMIN_TOKEN, allGrants } from '../src/test-support/app.js';
import { startAuthorizationServer, type TestAuthorizationServer } from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { type FakeOidcIssuer, type IdTokenMaker, startFakeOidcIssuer } from './support/fake-oidc-issuer.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * Providers without a userinfo endpoint: the account comes from the ID token
 * of the code exchange. A real authorization server with userinfo turned off
 * shows the whole flow works from an issuer alone; a fake issuer that signs
 * what each test asks for shows every bad token is refused with a stable code,
 * stores nothing and is never repeated.
 */

const RETURN_TO = 'https://app.example/connected';
const APP_REDIRECT = 'https://app.example/oauth/back';
const METRICS_TOKEN = 'metrics-reader-token-0123456789';
const atApp = (url: URL) => url.origin === 'https://app.example';

let broker: ServedBroker;
let as: TestAuthorizationServer;
let fake: FakeOidcIssuer;
// The broker's clock runs ahead of the others by this much (the key refetch limit is on its clock).
let skew = 0;

beforeAll(async () => {
  broker = await serveBroker({
    serviceGrants: allGrants({ return_to_origins: ['https://app.example'], redirect_uris: [APP_REDIRECT] }),
    upstreamTimeoutMs: 2_000,
    now: () => Date.now() + skew,
    metrics: createMetrics(),
    metricsToken: METRICS_TOKEN,
  });
  as = await startAuthorizationServer({
    redirectUris: [broker.callbackUrl('id-sso'), APP_REDIRECT],
    userinfo: false,
  });
  fake = await startFakeOidcIssuer({ redirectUris: [broker.callbackUrl('fake'), APP_REDIRECT] });
  const created = await admin('POST', '/v1/admin/providers', {
    provider_id: 'fake',
    display_name: 'Fake OIDC',
    client_id: fake.clientId,
    client_secret: fake.clientSecret,
    issuer: fake.issuer,
    // No `openid`: the broker adds it, since the account is read from the ID token.
    scopes: ['email', 'profile'],
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await broker?.close();
  await as?.close();
  await fake?.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${broker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const connectionCount = async () =>
  (await broker.t.deps.database.db.select().from(broker.t.deps.database.tables.connections)).length;

/**
 * A session finished by the service: start it with our own redirect URI, let the issuer redirect
 * (it asks no one), and post what came back to `/complete`.
 */
async function completeThroughFake(endUser = 'user-1') {
  const started = await broker.t.service('POST', '/v1/connect-sessions', {
    provider: 'fake',
    tenant: 'acme',
    end_user: endUser,
    redirect_uri: APP_REDIRECT,
  });
  expect(started.status).toBe(201);
  const session = await started.json();
  const authorize = await fetch(session.authorization_url, { redirect: 'manual' });
  expect(authorize.status).toBe(302);
  const back = new URL(authorize.headers.get('location')!).searchParams;
  const completed = await broker.t.service('POST', `/v1/connect-sessions/${session.id}/complete`, {
    code: back.get('code'),
    state: back.get('state'),
    iss: back.get('iss'),
  });
  return { session, completed, text: await completed.text() };
}

describe('a provider without userinfo, created from its issuer alone', () => {
  it('is filled from discovery with its jwks_uri and connects in a browser, the account from the ID token', async () => {
    const created = await admin('POST', '/v1/admin/providers', {
      provider_id: 'id-sso',
      display_name: 'ID token SSO',
      client_id: as.clientId,
      client_secret: as.clientSecret,
      issuer: as.issuer,
      scopes: ['openid', 'email', 'profile'],
      authorization_params: { prompt: 'consent' },
    });
    expect(created.status).toBe(201);
    const view = await created.json();
    expect(view).toMatchObject({
      issuer: as.issuer,
      userinfo_url: null,
      jwks_uri: `${as.issuer}/jwks`,
      userinfo: { user_id: ['/sub'], email: ['/email'], display_name: ['/name'] },
    });
    // The server really has no userinfo endpoint to fall back on.
    expect(
      (await fetch(`${as.issuer}/.well-known/openid-configuration`).then((r) => r.json())).userinfo_endpoint,
    ).toBe(undefined);

    const started = await broker.t.service('POST', '/v1/connect-sessions', {
      provider: 'id-sso',
      tenant: 'acme',
      end_user: 'user-1',
      return_to: RETURN_TO,
    });
    const { connect_url } = await started.json();
    as.setLogin('carol');
    const visit = await new TestBrowser({ stopAt: atApp }).visit(connect_url);
    const landed = new URL(visit.url);
    expect(landed.searchParams.get('error')).toBeNull();
    const connectionId = landed.searchParams.get('connection_id');
    expect(connectionId).toMatch(/^conn_/);
    // The authorization request carried a fresh nonce (the server echoed it into the token, which was accepted).
    const request = new URL(visit.hops.find((h) => h.location?.startsWith(`${as.issuer}/auth`))!.location!);
    expect(request.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.searchParams.get('scope')).toBe('openid email profile');

    const connection = await (await broker.t.service('GET', `/v1/connections/${connectionId}`)).json();
    expect(connection.account).toEqual({
      user_id: 'carol',
      email: 'carol@example.test',
      display_name: 'Name of carol',
    });
    expect(as.grants.authorization_code).toBe(1);
  });

  it('connects through a session the service completes itself, each request with its own nonce', async () => {
    const start = () =>
      broker.t.service('POST', '/v1/connect-sessions', {
        provider: 'id-sso',
        tenant: 'acme',
        end_user: 'user-2',
        redirect_uri: APP_REDIRECT,
      });
    const other = new URL((await (await start()).json()).authorization_url).searchParams.get('nonce');
    const session = await (await start()).json();
    const url = new URL(session.authorization_url);
    expect(url.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('nonce')).not.toBe(other);
    as.setLogin('dave');
    const back = new URL((await new TestBrowser({ stopAt: atApp }).visit(session.authorization_url)).url)
      .searchParams;
    const completed = await broker.t.service('POST', `/v1/connect-sessions/${session.id}/complete`, {
      code: back.get('code'),
      state: back.get('state'),
      iss: back.get('iss'),
    });
    expect(completed.status).toBe(200);
    const { connection_id } = await completed.json();
    const connection = await (await broker.t.service('GET', `/v1/connections/${connection_id}`)).json();
    expect(connection.account).toEqual({
      user_id: 'dave',
      email: 'dave@example.test',
      display_name: 'Name of dave',
    });
  });
});

const now = () => Math.floor(Date.now() / 1000);
const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const badTokens: Array<[string, IdTokenMaker, 'id_token_invalid' | 'id_token_missing']> = [
  ['no id_token at all', async () => null, 'id_token_missing'],
  ['another issuer', (valid, t) => t.sign({ ...valid, iss: 'https://other.example' }), 'id_token_invalid'],
  ['another audience', (valid, t) => t.sign({ ...valid, aud: 'someone-else' }), 'id_token_invalid'],
  [
    'several audiences without azp',
    (valid, t) => t.sign({ ...valid, aud: [valid.aud as string, 'someone-else'] }),
    'id_token_invalid',
  ],
  [
    'an expired token',
    (valid, t) => t.sign({ ...valid, iat: now() - 600, exp: now() - 300 }),
    'id_token_invalid',
  ],
  ['an iat in the future', (valid, t) => t.sign({ ...valid, iat: now() + 120 }), 'id_token_invalid'],
  ['another nonce', (valid, t) => t.sign({ ...valid, nonce: 'replayed-from-elsewhere' }), 'id_token_invalid'],
  ['no sub', (valid, t) => t.sign({ ...valid, sub: undefined }), 'id_token_invalid'],
  [
    'HS256 keyed with the client secret',
    (valid, t) =>
      new SignJWT(valid as JWTPayload)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(t.clientSecret)),
    'id_token_invalid',
  ],
  ['alg none', async (valid) => `${segment({ alg: 'none' })}.${segment(valid)}.`, 'id_token_invalid'],
  [
    'a key the issuer does not publish',
    async (valid, t) => t.sign(valid, await t.foreignKey()),
    'id_token_invalid',
  ],
];

describe('a bad ID token', () => {
  it.each(badTokens)(
    '%s: 502 with a stable code, the session failed, nothing stored',
    async (_label, maker, code) => {
      fake.setIdToken(maker);
      const before = await connectionCount();
      const issuedBefore = fake.issued.length;
      const { session, completed, text } = await completeThroughFake();
      expect(completed.status).toBe(502);
      expect(completed.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.parse(text)).toMatchObject({ code, status: 502 });
      for (const token of fake.issued.slice(issuedBefore)) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(token.split('.')[1]);
      }
      const ended = await (await broker.t.service('GET', `/v1/connect-sessions/${session.id}`)).json();
      expect(ended).toMatchObject({ status: 'failed', error: code });
      expect(await connectionCount()).toBe(before);
      fake.setIdToken(null);
    },
  );

  it('ends a browser flow at return_to with the code', async () => {
    fake.setIdToken((valid, t) => t.sign({ ...valid, nonce: 'not-the-one-sent' }));
    const started = await broker.t.service('POST', '/v1/connect-sessions', {
      provider: 'fake',
      tenant: 'acme',
      end_user: 'user-3',
      return_to: RETURN_TO,
    });
    const { connect_url } = await started.json();
    const landed = new URL((await new TestBrowser({ stopAt: atApp }).visit(connect_url)).url);
    expect(landed.searchParams.get('error')).toBe('id_token_invalid');
    expect(landed.searchParams.get('connection_id')).toBeNull();
    fake.setIdToken(null);
  });

  it('is told from a good one: the fake issuer’s valid token connects, with openid added to the scopes', async () => {
    fake.setAccount('erin');
    const { completed, text } = await completeThroughFake('user-4');
    expect(completed.status, `${text} ${fake.violations} ${broker.t.logs.slice(-3)}`).toBe(200);
    const connection = await (
      await broker.t.service('GET', `/v1/connections/${JSON.parse(text).connection_id}`)
    ).json();
    expect(connection.account).toEqual({
      user_id: 'erin',
      email: 'erin@fake.example',
      display_name: 'Fake erin',
    });
    // The fake refuses an authorization request without openid, a nonce or S256 PKCE: none was refused.
    expect(fake.violations).toEqual([]);
    // No answer or log line repeated a token.
    for (const token of fake.issued) expect(broker.t.logs.join('\n')).not.toContain(token);
  });
});

describe('key rotation at the issuer', () => {
  it('a token signed with a new key is accepted once the key set may be read again (30 s on the broker’s clock)', async () => {
    const rotating = await startFakeOidcIssuer({ redirectUris: [APP_REDIRECT] });
    try {
      const created = await admin('POST', '/v1/admin/providers', {
        provider_id: 'rotating',
        display_name: 'Rotating',
        client_id: rotating.clientId,
        client_secret: rotating.clientSecret,
        issuer: rotating.issuer,
        scopes: ['openid'],
      });
      expect(created.status).toBe(201);
      const connect = async () => {
        const started = await broker.t.service('POST', '/v1/connect-sessions', {
          provider: 'rotating',
          tenant: 'acme',
          end_user: 'user-5',
          redirect_uri: APP_REDIRECT,
        });
        const session = await started.json();
        const back = new URL(
          (await fetch(session.authorization_url, { redirect: 'manual' })).headers.get('location')!,
        ).searchParams;
        const res = await broker.t.service('POST', `/v1/connect-sessions/${session.id}/complete`, {
          code: back.get('code'),
          state: back.get('state'),
          iss: back.get('iss'),
        });
        return { status: res.status, body: await res.json() };
      };
      expect((await connect()).status).toBe(200);
      expect(rotating.jwksRequests()).toBe(1);
      await rotating.rotateKey();
      // Right after the last read, an unknown key is not worth another: refused, no request.
      expect(await connect()).toMatchObject({ status: 502, body: { code: 'id_token_invalid' } });
      expect(rotating.jwksRequests()).toBe(1);
      skew += 31_000;
      expect((await connect()).status).toBe(200);
      expect(rotating.jwksRequests()).toBe(2);
      expect(rotating.violations).toEqual([]);
      // Both key set reads went through the broker's upstream client, measured as such.
      const metrics = await (
        await fetch(`${broker.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text();
      expect(metrics).toMatch(
        /^custodian_upstream_request_duration_seconds_count\{provider="rotating",operation="jwks"\} 2$/m,
      );
    } finally {
      await rotating.close();
    }
  });
});
