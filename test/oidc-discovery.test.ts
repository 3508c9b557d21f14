import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, allGrants } from '../src/test-support/app.js';
import { startAuthorizationServer, type TestAuthorizationServer } from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * OIDC discovery against a real authorization server whose issuer has a path,
 * as Keycloak's `/realms/{realm}` does: a provider registered with its issuer
 * alone is filled from the discovery document and connects, reading the
 * account from the standard claims.
 */

const RETURN_TO = 'https://app.example/connected';
const atApp = (url: URL) => url.origin === 'https://app.example';

let broker: ServedBroker;
let as: TestAuthorizationServer;

beforeAll(async () => {
  broker = await serveBroker({
    serviceGrants: allGrants({ return_to_origins: ['https://app.example'] }),
    upstreamTimeoutMs: 2_000,
  });
  as = await startAuthorizationServer({
    redirectUris: [broker.callbackUrl('realm-sso')],
    pathPrefix: '/realms/test',
  });
});

afterAll(async () => {
  await broker?.close();
  await as?.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${broker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const fromIssuer = (issuer: string, providerId = 'realm-sso') => ({
  provider_id: providerId,
  display_name: 'Realm SSO',
  client_id: as.clientId,
  client_secret: as.clientSecret,
  issuer,
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  authorization_params: { prompt: 'consent' },
});

describe('a provider created from its issuer alone', () => {
  it('refuses an issuer whose document names another issuer, storing nothing', async () => {
    // The same document (a trailing slash is dropped before .well-known), but not the same issuer.
    const res = await admin('POST', '/v1/admin/providers', fromIssuer(`${as.issuer}/`, 'other-sso'));
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.code).toBe('discovery_failed');
    expect(body.errors).toEqual([
      { pointer: '/issuer', message: 'the discovery document names another issuer' },
    ]);
    expect((await admin('GET', '/v1/admin/providers/other-sso')).status).toBe(404);
  });

  it('refuses an issuer with no discovery document', async () => {
    const res = await admin('POST', '/v1/admin/providers', fromIssuer(`${as.issuer}x`, 'other-sso'));
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe('discovery_failed');
  });

  it('is filled from discovery, shows the discovered URLs, connects and reads the account from claims', async () => {
    const created = await admin('POST', '/v1/admin/providers', fromIssuer(as.issuer));
    expect(created.status).toBe(201);
    const view = await created.json();
    expect(view).toMatchObject({
      issuer: as.issuer,
      authorization_url: `${as.issuer}/auth`,
      token_url: `${as.issuer}/token`,
      userinfo_url: `${as.issuer}/me`,
      revocation_url: `${as.issuer}/token/revocation`,
      // The test server registers the client for client_secret_basic and advertises S256.
      client_auth_method: 'client_secret_basic',
      pkce: true,
      userinfo: { method: 'GET', user_id: ['/sub'], email: ['/email'], display_name: ['/name'] },
    });
    expect(new URL(view.authorization_url).pathname.startsWith('/realms/test/')).toBe(true);

    const session = await broker.t.service('POST', '/v1/connect-sessions', {
      provider: 'realm-sso',
      tenant: 'acme',
      end_user: 'user-1',
      return_to: RETURN_TO,
    });
    expect(session.status).toBe(201);
    const { connect_url } = await session.json();
    as.setLogin('carol');
    const landed = new URL((await new TestBrowser({ stopAt: atApp }).visit(connect_url)).url);
    expect(landed.searchParams.get('error')).toBeNull();
    const connectionId = landed.searchParams.get('connection_id');
    expect(connectionId).toMatch(/^conn_/);

    const connection = await (await broker.t.service('GET', `/v1/connections/${connectionId}`)).json();
    expect(connection.account).toEqual({
      user_id: 'carol',
      email: 'carol@example.test',
      display_name: 'Name of carol',
    });
    // The PKCE verifier was required by the server and was sent: the code exchange succeeded once.
    expect(as.grants.authorization_code).toBe(1);
  });
});
