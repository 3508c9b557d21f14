import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, allGrants } from '../src/test-support/app.js';
import { startAuthorizationServer, type TestAuthorizationServer } from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * Connection metadata against a real authorization server at `/realms/test`
 * that adds an `instance_url` to its token answers (as Salesforce does), a
 * different one on refresh: read on connect and on every refresh, from the
 * redirect, and from a request made once after connecting; answered by the
 * connection, the hand-out and token exchange.
 */

const RETURN_TO = 'https://app.example/connected';
const OWN_REDIRECT = 'https://app.example/oauth/back';
const atApp = (url: URL) => url.origin === 'https://app.example';

let broker: ServedBroker;
let as: TestAuthorizationServer;
let realmUrl: string;
let instance = 'https://eu1.example.com';
const idTokensEchoed: string[] = [];
// Query parameters the authorization server adds to its redirect back, as QuickBooks adds realmId.
let redirectExtras: Record<string, string> = {};

beforeAll(async () => {
  broker = await serveBroker({
    serviceGrants: allGrants({ return_to_origins: ['https://app.example'], redirect_uris: [OWN_REDIRECT] }),
    upstreamTimeoutMs: 2_000,
  });
  as = await startAuthorizationServer({
    redirectUris: [broker.callbackUrl('meta'), broker.callbackUrl('meta-broken'), OWN_REDIRECT],
    pathPrefix: '/realms/test',
    redirectExtras: () => redirectExtras,
    // `echo` repeats the access token and `signed` the ID token, as careless provider fields might: neither
    // may ever be kept (the ID token is taken out of the answer, but its copy under another name is not).
    tokenAnswerExtras: (grant, answer) => {
      if (typeof answer.id_token === 'string') idTokensEchoed.push(grant);
      return { instance_url: instance, org: { id: 42 }, echo: answer.access_token, signed: answer.id_token };
    },
  });
  realmUrl = `${new URL(as.issuer).origin}/realms/{realm}`;
  for (const [id, requestPath] of [
    ['meta', '/me'],
    ['meta-broken', '/nowhere'],
  ] as const) {
    const res = await admin('POST', '/v1/admin/providers', {
      provider_id: id,
      display_name: id,
      client_id: as.clientId,
      client_secret: as.clientSecret,
      authorization_url: `${realmUrl}/auth`,
      token_url: `${realmUrl}/token`,
      userinfo_url: `${realmUrl}/me`,
      revocation_url: `${realmUrl}/token/revocation`,
      issuer: realmUrl,
      scopes: ['openid', 'email', 'profile', 'offline_access'],
      authorization_params: { prompt: 'consent' },
      connection_params: { realm: { pattern: '[a-z]+', description: 'realm' } },
      token_response_metadata: {
        instance_url: '/instance_url',
        org_id: '/org/id',
        absent: '/nothing',
        echo: '/echo',
        signed: '/signed',
      },
      callback_metadata: { realm_id: 'realmId' },
      metadata_requests: [{ url: `${realmUrl}${requestPath}`, metadata: { subject: '/sub' } }],
    });
    expect(res.status).toBe(201);
  }
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

async function connect(provider: string, extra: Record<string, unknown> = { return_to: RETURN_TO }) {
  const res = await broker.t.service('POST', '/v1/connect-sessions', {
    provider,
    tenant: 'acme',
    end_user: 'user-1',
    connection_params: { realm: 'test' },
    ...extra,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; connect_url: string; authorization_url?: string };
}

describe('connection metadata', () => {
  it('refuses a pointer at a token when the provider is saved', async () => {
    const res = await admin('PATCH', '/v1/admin/providers/meta', {
      token_response_metadata: { leak: '/access_token' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('must not point at a token');
  });

  it('reaches the connection, the hand-out and token exchange, and is read again on refresh', async () => {
    instance = 'https://eu1.example.com';
    const session = await connect('meta');
    const landed = new URL((await new TestBrowser({ stopAt: atApp }).visit(session.connect_url)).url);
    expect(landed.searchParams.get('error')).toBeNull();
    const id = landed.searchParams.get('connection_id')!;

    const expected = { instance_url: 'https://eu1.example.com', org_id: '42', subject: 'alice' };
    const connection = await (await broker.t.service('GET', `/v1/connections/${id}`)).json();
    expect(connection.metadata).toEqual(expected);

    const handOut = await (await broker.t.service('POST', `/v1/connections/${id}/access-token`)).json();
    expect(handOut.metadata).toEqual(expected);
    // Metadata never carries a token.
    expect(JSON.stringify(connection.metadata)).not.toContain(handOut.access_token);

    const svc = await broker.t.client(allGrants());
    const exchanged = await fetch(`${broker.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        client_id: svc.clientId,
        client_secret: svc.secret,
        resource: `${broker.url}/v1/connections/${id}`,
      }),
    });
    expect(exchanged.status).toBe(200);
    expect((await exchanged.json()).metadata).toEqual(expected);

    // The org moved: a refresh reads the token answer again, keeping the values it does not name.
    instance = 'https://eu7.example.com';
    const refreshed = await broker.t.service('POST', `/v1/connections/${id}/access-token`, {
      force_refresh: true,
    });
    expect((await refreshed.json()).metadata).toEqual({
      ...expected,
      instance_url: 'https://eu7.example.com',
    });
    const after = await (await broker.t.service('GET', `/v1/connections/${id}`)).json();
    expect(after.metadata.instance_url).toBe('https://eu7.example.com');
    // The ID token was echoed on connect and on refresh, and kept neither time.
    expect(idTokensEchoed).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
  });

  it('reads callback_metadata from the provider’s redirect to the broker’s callback', async () => {
    redirectExtras = { realmId: '4620816365-0001' };
    try {
      const session = await connect('meta');
      const visit = await new TestBrowser({ stopAt: atApp }).visit(session.connect_url);
      // The provider's redirect reached the broker's callback with realmId beside code and state.
      const callback = visit.hops
        .map((h) => new URL(h.url))
        .find((u) => u.pathname.startsWith('/oauth/callback/'));
      expect(callback?.searchParams.get('realmId')).toBe('4620816365-0001');
      const landed = new URL(visit.url);
      expect(landed.searchParams.get('error')).toBeNull();
      const id = landed.searchParams.get('connection_id')!;
      const connection = await (await broker.t.service('GET', `/v1/connections/${id}`)).json();
      expect(connection.metadata.realm_id).toBe('4620816365-0001');
      const handOut = await (await broker.t.service('POST', `/v1/connections/${id}/access-token`)).json();
      expect(handOut.metadata.realm_id).toBe('4620816365-0001');
    } finally {
      redirectExtras = {};
    }
  });

  it('reads callback_metadata from the redirect a service completes', async () => {
    const session = await connect('meta', { redirect_uri: OWN_REDIRECT });
    const back = new URL((await new TestBrowser({ stopAt: atApp }).visit(session.authorization_url!)).url);
    const { code, state, iss } = Object.fromEntries(back.searchParams) as Record<string, string>;
    const done = await broker.t.service('POST', `/v1/connect-sessions/${session.id}/complete`, {
      code,
      state,
      iss,
      callback_params: { realmId: '9130-3571' },
    });
    expect(done.status).toBe(200);
    const { connection_id } = await done.json();
    const connection = await (await broker.t.service('GET', `/v1/connections/${connection_id}`)).json();
    expect(connection.metadata.realm_id).toBe('9130-3571');
  });

  it('fails the connect with metadata_request_failed and stores nothing when a metadata request fails', async () => {
    const db = broker.t.deps.database;
    const before = (await db.db.select().from(db.tables.connections)).filter(
      (r) => r.providerId === 'meta-broken',
    );
    expect(before).toEqual([]);
    const session = await connect('meta-broken');
    const landed = new URL((await new TestBrowser({ stopAt: atApp }).visit(session.connect_url)).url);
    expect(landed.searchParams.get('error')).toBe('metadata_request_failed');
    expect(landed.searchParams.get('connection_id')).toBeNull();
    const status = await (await broker.t.service('GET', `/v1/connect-sessions/${session.id}`)).json();
    expect(status).toMatchObject({ status: 'failed', error: 'metadata_request_failed' });
    const after = (await db.db.select().from(db.tables.connections)).filter(
      (r) => r.providerId === 'meta-broken',
    );
    expect(after).toEqual([]);
  });
});
