import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, allGrants } from '../src/test-support/app.js';
import { startAuthorizationServer, type TestAuthorizationServer } from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * Per-connection URL parameters against a real authorization server mounted
 * at `/realms/test` (nothing else on its port answers): a provider whose URLs
 * carry `{realm}` connects with a valid realm, refuses malformed ones, and
 * refreshes and revokes at the connection's own URLs.
 */

const RETURN_TO = 'https://app.example/connected';
const atApp = (url: URL) => url.origin === 'https://app.example';

let broker: ServedBroker;
let as: TestAuthorizationServer;
let origin: string;

beforeAll(async () => {
  broker = await serveBroker({
    serviceGrants: allGrants({ return_to_origins: ['https://app.example'] }),
    upstreamTimeoutMs: 2_000,
    dns: {
      'sso.example.com': ['93.184.215.14'],
      'inside.example.com': ['10.1.2.3'],
      'inside.api.example.com': ['10.1.2.4'],
    },
  });
  as = await startAuthorizationServer({
    redirectUris: [broker.callbackUrl('realms'), broker.callbackUrl('hosts')],
    pathPrefix: '/realms/test',
  });
  origin = new URL(as.issuer).origin;
  const realmUrl = `${origin}/realms/{realm}`;
  const created = await admin('POST', '/v1/admin/providers', {
    provider_id: 'realms',
    display_name: 'Realms',
    client_id: as.clientId,
    client_secret: as.clientSecret,
    authorization_url: `${realmUrl}/auth`,
    token_url: `${realmUrl}/token`,
    userinfo_url: `${realmUrl}/me`,
    revocation_url: `${realmUrl}/token/revocation`,
    issuer: realmUrl,
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    authorization_params: { prompt: 'consent' },
    // Deliberately permissive, so that what refuses the hostile values below is the structure rule.
    connection_params: { realm: { pattern: '.{1,40}', description: 'the realm name' } },
  });
  expect(created.status).toBe(201);
  const hosts = await admin('POST', '/v1/admin/providers', {
    provider_id: 'hosts',
    display_name: 'Hosts',
    client_id: 'x',
    client_secret: 'y',
    authorization_url: 'https://{host}/auth',
    token_url: 'https://{host}/token',
    userinfo: { user_id: ['/sub'] },
    connection_params: { host: { pattern: '[a-z0-9.-]+', description: 'the server' } },
  });
  expect(hosts.status).toBe(201);
  // A host and a site in its endpoints' URLs, a region only in its metadata request's.
  const sites = await admin('POST', '/v1/admin/providers', {
    provider_id: 'sites',
    display_name: 'Sites',
    client_id: 'x',
    client_secret: 'y',
    authorization_url: 'https://{host}/sites/{site}/auth',
    token_url: 'https://{host}/sites/{site}/token',
    userinfo: { user_id: ['/sub'] },
    connection_params: {
      host: { pattern: '[a-z0-9.-]+', description: 'the server' },
      site: { pattern: '[a-z]+', description: 'the site' },
      region: { pattern: '[a-z]+', description: 'the API region' },
    },
    metadata_requests: [{ url: 'https://{region}.api.example.com/sites/{site}', metadata: { id: '/id' } }],
  });
  expect(sites.status).toBe(201);
});

afterAll(async () => {
  await broker?.close();
  await as?.close();
});

function admin(method: string, path: string, body?: unknown) {
  return fetch(`${broker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const startSession = (provider: string, connectionParams?: Record<string, string>) =>
  broker.t.service('POST', '/v1/connect-sessions', {
    provider,
    tenant: 'acme',
    end_user: 'user-1',
    return_to: RETURN_TO,
    ...(connectionParams === undefined ? {} : { connection_params: connectionParams }),
  });

describe('a provider whose URLs carry {realm}', () => {
  it('cannot be saved with a placeholder it does not declare', async () => {
    const res = await admin('PATCH', '/v1/admin/providers/hosts', {
      token_url: 'https://{host}/{tenant}/token',
      client_secret: 'y',
    });
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toEqual([
      { pointer: '/token_url', message: '{tenant} is not among connection_params' },
    ]);
  });

  it('refuses unknown, missing and malformed values with a precise error, storing no session', async () => {
    const cases: Array<[Record<string, string> | undefined, string, RegExp]> = [
      [undefined, '/connection_params/realm', /required/],
      [{ realm: 'test', tenant: 'x' }, '/connection_params/tenant', /no such parameter/],
      [{ realm: 'te/st' }, '/connection_params/realm', /must not contain/],
      [{ realm: 'evil.example@test' }, '/connection_params/realm', /must not contain/],
      [{ realm: 'test#x' }, '/connection_params/realm', /must not contain/],
      [{ realm: 'test?x=1' }, '/connection_params/realm', /must not contain/],
      [{ realm: 'te\\st' }, '/connection_params/realm', /must not contain/],
      [{ realm: '%2e%2e%2ftest' }, '/connection_params/realm', /must not contain/],
      [{ realm: '..' }, '/connection_params/realm', /must not contain \.\./],
      [{ realm: 'te st' }, '/connection_params/realm', /printable ASCII/],
      [{ realm: 'test\uff0fx' }, '/connection_params/realm', /printable ASCII/],
      [{ realm: 'x'.repeat(41) }, '/connection_params/realm', /must match/],
    ];
    for (const [params, pointer, message] of cases) {
      const res = await startSession('realms', params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      const body = await res.json();
      expect(body.code).toBe('invalid_connection_params');
      expect(body.errors).toContainEqual({ pointer, message: expect.stringMatching(message) });
    }
    const db = broker.t.deps.database;
    expect(await db.db.select().from(db.tables.connectSessions)).toEqual([]);
  });

  it('refuses values whose resolved URL fails the URL safety rules, at the value', async () => {
    const inside = await startSession('hosts', { host: 'inside.example.com' });
    expect(inside.status).toBe(400);
    const body = await inside.json();
    expect(body.code).toBe('invalid_connection_params');
    // One entry for the value, though both URLs it fills fail.
    expect(body.errors).toEqual([
      {
        pointer: '/connection_params/host',
        message: expect.stringMatching(/^authorization_url: URL host resolves to a loopback, private/),
      },
    ]);
    expect((await startSession('hosts', { host: '169.254.169.254' })).status).toBe(400);
    expect((await startSession('hosts', { host: 'sso.example.com' })).status).toBe(201);
  });

  it('blames the value in the failing host, not the one in its path', async () => {
    const res = await startSession('sites', { host: 'inside.example.com', site: 'docs', region: 'eu' });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([
      { pointer: '/connection_params/host', message: expect.stringMatching(/^authorization_url: /) },
    ]);
  });

  it('checks the metadata requests’ URLs when the session starts, not after the user consented', async () => {
    const res = await startSession('sites', { host: 'sso.example.com', site: 'docs', region: 'inside' });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([
      {
        pointer: '/connection_params/region',
        message: expect.stringMatching(
          /^metadata_requests\/0\/url: URL host resolves to a loopback, private/,
        ),
      },
    ]);
    expect(
      (await startSession('sites', { host: 'sso.example.com', site: 'docs', region: 'eu' })).status,
    ).toBe(201);
  });

  it('refuses & = and ; in values, which would add or split query parameters', async () => {
    for (const realm of ['test&client_id=evil', 'a=b', 'a;b']) {
      const res = await startSession('realms', { realm });
      expect(res.status, realm).toBe(400);
      expect((await res.json()).errors).toEqual([
        { pointer: '/connection_params/realm', message: expect.stringMatching(/must not contain/) },
      ]);
    }
  });

  it('connects with a valid realm, then refreshes and revokes at the resolved URLs', async () => {
    const started = await startSession('realms', { realm: 'test' });
    expect(started.status).toBe(201);
    const { connect_url } = await started.json();
    const visit = await new TestBrowser({ stopAt: atApp }).visit(connect_url);
    // The browser went to the realm's own authorization endpoint.
    expect(visit.hops.some((h) => h.url.startsWith(`${origin}/realms/test/auth?`))).toBe(true);
    const landed = new URL(visit.url);
    expect(landed.searchParams.get('error')).toBeNull();
    const id = landed.searchParams.get('connection_id')!;

    const connection = await (await broker.t.service('GET', `/v1/connections/${id}`)).json();
    expect(connection).toMatchObject({
      connection_params: { realm: 'test' },
      account: { user_id: 'alice', email: 'alice@example.test' },
    });

    const before = as.grants.refresh_token;
    const handOut = await broker.t.service('POST', `/v1/connections/${id}/access-token`, {
      force_refresh: true,
    });
    expect(handOut.status).toBe(200);
    const { access_token } = await handOut.json();
    expect(as.grants.refresh_token).toBe(before + 1);
    const me = await fetch(`${as.issuer}/me`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(me.status).toBe(200);

    expect((await broker.t.service('DELETE', `/v1/connections/${id}`)).status).toBe(204);
    // The grant is gone at the realm: its access token no longer reads the account.
    const after = await fetch(`${as.issuer}/me`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(after.status).toBe(401);
  });
});
