import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenLocation } from '../src/connections/token-location.js';
import { ADMIN_TOKEN, allGrants } from '../src/test-support/app.js';
import { providerDefinition, startAuthorizationServer } from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { dropboxDefinition, type FakeDropbox, startFakeDropbox } from './support/fake-dropbox.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * The whole connect flow, end to end: a browser that follows redirects and
 * keeps cookies, the broker on real HTTP, a real authorization server
 * (oidc-provider: PKCE required, rotating refresh tokens, RFC 9207 iss) and a
 * strict fake of Dropbox (POST userinfo, offline access, no expires_in).
 */

type AS = Awaited<ReturnType<typeof startAuthorizationServer>>;

const RETURN_TO = 'https://app.example/connected';
const OWN_REDIRECT = 'https://app.example/oauth/back';
const atApp = (url: URL) => url.origin === 'https://app.example';

let broker: ServedBroker;
let as: AS;
let dropbox: FakeDropbox;
let clockOffset = 0;

beforeAll(async () => {
  broker = await serveBroker({
    serviceGrants: allGrants({ return_to_origins: ['https://app.example'], redirect_uris: [OWN_REDIRECT] }),
    upstreamTimeoutMs: 700,
    now: () => Date.now() + clockOffset,
  });
  as = await startAuthorizationServer({ redirectUris: [broker.callbackUrl('oidc'), OWN_REDIRECT] });
  dropbox = await startFakeDropbox({ redirectUris: [broker.callbackUrl('dropbox')] });
  expect(
    (
      await admin(
        'POST',
        '/v1/admin/providers',
        providerDefinition(as, { authorization_params: { prompt: 'consent' } }),
      )
    ).status,
  ).toBe(201);
  expect((await admin('POST', '/v1/admin/providers', dropboxDefinition(dropbox))).status).toBe(201);
});

afterAll(async () => {
  await broker?.close();
  await as?.close();
  await dropbox?.close();
});

beforeEach(() => {
  clockOffset = 0;
  as.setLogin('alice');
  dropbox.tokenMode = 'ok';
  dropbox.userinfoMode = 'ok';
});

async function admin(method: string, path: string, body?: unknown) {
  return fetch(`${broker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A call to a service route, as the test's service client. */
const service = (method: string, path: string, body?: unknown) => broker.t.service(method, path, body);

async function startSession(provider: string, extra: Record<string, unknown> = { return_to: RETURN_TO }) {
  const res = await service('POST', '/v1/connect-sessions', {
    provider,
    tenant: 'acme',
    end_user: 'user-1',
    ...extra,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; connect_url: string; authorization_url?: string };
}

async function connections() {
  const db = broker.t.deps.database;
  return db.db.select().from(db.tables.connections);
}

async function sessionStatus(id: string) {
  return (await service('GET', `/v1/connect-sessions/${id}`)).json();
}

/** Runs a flow up to the broker's callback and stops there, returning the callback URL. */
async function upToCallback(browser: TestBrowser, provider: string) {
  const session = await startSession(provider);
  const visit = await browser.visit(session.connect_url);
  expect(visit.status).toBe(0);
  return { session, callback: visit.url };
}

function stopAtCallback() {
  return new TestBrowser({ stopAt: (url) => url.pathname.startsWith('/oauth/callback/') });
}

describe('connecting through a real authorization server', () => {
  it('connects, stores the tokens encrypted, and lands on return_to with the connection id', async () => {
    const session = await startSession('oidc');
    const browser = new TestBrowser({ stopAt: atApp });
    const visit = await browser.visit(session.connect_url);

    const landed = new URL(visit.url);
    expect(landed.origin + landed.pathname).toBe(RETURN_TO);
    expect(landed.searchParams.get('connect_session_id')).toBe(session.id);
    const connectionId = landed.searchParams.get('connection_id');
    expect(connectionId).toMatch(/^conn_/);
    expect(landed.searchParams.get('error')).toBeNull();

    // The hop through the broker's callback carried the right headers and cleared the cookie.
    const callbackHop = visit.hops.find((h) => h.url.includes('/oauth/callback/oidc'))!;
    expect(callbackHop.status).toBe(303);
    expect(callbackHop.setCookies.join()).toMatch(/Max-Age=0/);
    expect(browser.cookies().filter((c) => c.name.startsWith('custodian_connect_'))).toEqual([]);

    expect(await sessionStatus(session.id)).toMatchObject({
      status: 'completed',
      connection_id: connectionId,
    });
    const connection = await (await service('GET', `/v1/connections/${connectionId}`)).json();
    expect(connection).toMatchObject({
      provider_id: 'oidc',
      tenant: 'acme',
      end_user: 'user-1',
      status: 'active',
      account: { user_id: 'alice', email: 'alice@example.test', display_name: 'Name of alice' },
    });
    expect(Date.parse(connection.expires_at) - Date.now()).toBeGreaterThan(3500 * 1000);
    expect(JSON.stringify(connection)).not.toMatch(/token"/);

    // The stored tokens are ciphertexts that decrypt to tokens the server honours.
    const row = (await connections()).find((r) => r.id === connectionId)!;
    expect(row.accessToken).toMatch(/^v1\./);
    expect(row.refreshToken).toMatch(/^v1\./);
    const accessToken = broker.t.deps.vault.decrypt(row.accessToken, tokenLocation(row.id, 'access_token'));
    const userinfo = await fetch(as.endpoints.userinfo, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(((await userinfo.json()) as { sub: string }).sub).toBe('alice');
    expect(as.grants.authorization_code).toBeGreaterThanOrEqual(1);
  });

  it('replaces the tokens when the same account connects again, and adds a row for another account', async () => {
    const before = await connections();
    const first = new TestBrowser({ stopAt: atApp });
    const a = new URL((await first.visit((await startSession('oidc')).connect_url)).url);
    const again = new URL((await first.visit((await startSession('oidc')).connect_url)).url);
    expect(again.searchParams.get('connection_id')).toBe(a.searchParams.get('connection_id'));
    const afterAgain = await connections();
    expect(afterAgain.length).toBe(Math.max(before.length, 1));
    const oldRow = before.find((r) => r.id === a.searchParams.get('connection_id'));
    const newRow = afterAgain.find((r) => r.id === a.searchParams.get('connection_id'))!;
    if (oldRow) expect(newRow.accessToken).not.toBe(oldRow.accessToken);

    as.setLogin('bob');
    const b = new URL(
      (await new TestBrowser({ stopAt: atApp }).visit((await startSession('oidc')).connect_url)).url,
    );
    expect(b.searchParams.get('connection_id')).not.toBe(a.searchParams.get('connection_id'));
    expect((await connections()).length).toBe(afterAgain.length + 1);
  });

  it('finishes from the service’s own page with /complete', async () => {
    const session = await startSession('oidc', { redirect_uri: OWN_REDIRECT });
    const visit = await new TestBrowser({ stopAt: atApp }).visit(session.authorization_url!);
    const back = new URL(visit.url);
    expect(back.origin + back.pathname).toBe(OWN_REDIRECT);
    const { code, state, iss } = Object.fromEntries(back.searchParams) as Record<string, string>;
    expect(iss).toBe(as.issuer);

    const wrongIss = await service('POST', `/v1/connect-sessions/${session.id}/complete`, {
      code,
      state,
      iss: 'https://evil.example',
    });
    expect(wrongIss.status).toBe(400);
    expect((await wrongIss.json()).code).toBe('issuer_mismatch');
    // A wrong iss ends the session: it may be a mix-up attack.
    expect((await sessionStatus(session.id)).status).toBe('failed');

    const second = await startSession('oidc', { redirect_uri: OWN_REDIRECT });
    const back2 = new URL((await new TestBrowser({ stopAt: atApp }).visit(second.authorization_url!)).url);
    const params = Object.fromEntries(back2.searchParams) as Record<string, string>;
    const done = await service('POST', `/v1/connect-sessions/${second.id}/complete`, {
      code: params.code,
      state: params.state,
      iss: params.iss,
    });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      status: 'completed',
      connection_id: expect.stringMatching(/^conn_/),
    });
    const replay = await service('POST', `/v1/connect-sessions/${second.id}/complete`, {
      code: params.code,
      state: params.state,
      iss: params.iss,
    });
    expect(replay.status).toBe(409);
    expect((await replay.json()).code).toBe('connect_session_used');
  });

  it('revokes at the provider on DELETE, so the grant is dead there too', async () => {
    as.setLogin('carol');
    const landed = new URL(
      (await new TestBrowser({ stopAt: atApp }).visit((await startSession('oidc')).connect_url)).url,
    );
    const id = landed.searchParams.get('connection_id')!;
    const row = (await connections()).find((r) => r.id === id)!;
    const accessToken = broker.t.deps.vault.decrypt(row.accessToken, tokenLocation(id, 'access_token'));

    const res = await service('DELETE', `/v1/connections/${id}`);
    expect(res.status).toBe(204);
    expect((await service('GET', `/v1/connections/${id}`)).status).toBe(404);
    // Revoking the refresh token ends the whole grant at oidc-provider, access token included.
    const userinfo = await fetch(as.endpoints.userinfo, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(userinfo.status).toBe(401);
  });
});

describe('connecting a Dropbox-shaped provider', () => {
  it('sends token_access_type=offline, reads the account with POST null, and handles a token without expires_in', async () => {
    const session = await startSession('dropbox');
    const visit = await new TestBrowser({ stopAt: atApp }).visit(session.connect_url);
    const connectionId = new URL(visit.url).searchParams.get('connection_id');
    expect(connectionId).toMatch(/^conn_/);

    const authorize = dropbox.requests.find((r) => r.path.startsWith('/oauth2/authorize'))!;
    const query = new URL(authorize.path, dropbox.url).searchParams;
    expect(query.get('token_access_type')).toBe('offline');
    expect(query.get('code_challenge_method')).toBe('S256');
    const userinfo = dropbox.requests.find((r) => r.path === '/2/users/get_current_account')!;
    expect(userinfo.method).toBe('POST');
    expect(userinfo.body).toBe('null');

    const connection = await (await service('GET', `/v1/connections/${connectionId}`)).json();
    expect(connection.account).toEqual({
      user_id: dropbox.account.account_id,
      email: dropbox.account.email,
      display_name: dropbox.account.display_name,
    });
    // No expires_in: the preset's assumed lifetime, not "never".
    expect(connection.expires_at).not.toBeNull();
    const row = (await connections()).find((r) => r.id === connectionId)!;
    expect(row.refreshToken).toMatch(/^v1\./);
  });
});

describe('failures store nothing and leak nothing', () => {
  const leaks = () => [
    as.clientSecret,
    dropbox.clientSecret,
    ...dropbox.issued.accessTokens,
    ...dropbox.issued.refreshTokens,
  ];

  async function expectNothingNewStored(before: number) {
    expect((await connections()).length).toBe(before);
  }

  it.each([
    ['a provider answering 500', 'status500', 'provider_bad_response'],
    ['a provider that never answers', 'hang', 'provider_timeout'],
    ['a non-JSON answer', 'html', 'provider_bad_response'],
    ['an oversized answer', 'oversized', 'provider_bad_response'],
    ['an error sent with status 200', 'error200', 'provider_bad_response'],
  ] as const)('%s at the token endpoint', async (_name, mode, code) => {
    const before = (await connections()).length;
    dropbox.tokenMode = mode;
    const session = await startSession('dropbox');
    const browser = new TestBrowser({ stopAt: atApp });
    const visit = await browser.visit(session.connect_url);
    const landed = new URL(visit.url);
    expect(landed.searchParams.get('error')).toBe(code);
    expect(landed.searchParams.get('connection_id')).toBeNull();
    expect(await sessionStatus(session.id)).toMatchObject({ status: 'failed', error: code });
    await expectNothingNewStored(before);
    const seen = visit.hops.map((h) => h.url + (h.location ?? '')).join('\n') + broker.t.logs.join('\n');
    for (const secret of leaks()) expect(seen).not.toContain(secret);
  });

  it('a userinfo failure after a good token answer', async () => {
    const before = (await connections()).length;
    dropbox.userinfoMode = 'status500';
    const session = await startSession('dropbox');
    const visit = await new TestBrowser({ stopAt: atApp }).visit(session.connect_url);
    expect(new URL(visit.url).searchParams.get('error')).toBe('provider_bad_response');
    await expectNothingNewStored(before);
    const logs = broker.t.logs.join('\n');
    for (const secret of leaks()) expect(logs).not.toContain(secret);
  });

  it('a denied consent, at both providers', async () => {
    const before = (await connections()).length;
    as.setLogin({ deny: true });
    const oidc = await startSession('oidc');
    const a = new URL((await new TestBrowser({ stopAt: atApp }).visit(oidc.connect_url)).url);
    expect(a.searchParams.get('error')).toBe('access_denied');
    dropbox.denyNext();
    const dbx = await startSession('dropbox');
    const b = new URL((await new TestBrowser({ stopAt: atApp }).visit(dbx.connect_url)).url);
    expect(b.searchParams.get('error')).toBe('access_denied');
    expect(await sessionStatus(dbx.id)).toMatchObject({ status: 'failed', error: 'access_denied' });
    await expectNothingNewStored(before);
  });

  it('a replayed callback', async () => {
    const browser = stopAtCallback();
    const { session, callback } = await upToCallback(browser, 'oidc');
    const first = await continueIn(browser, callback);
    expect(new URL(first.url).searchParams.get('connection_id')).toMatch(/^conn_/);
    const before = (await connections()).length;
    // The same browser, cookie and all, sends the same callback again.
    const replay = await continueIn(browser, callback);
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
    expect((await sessionStatus(session.id)).status).toBe('completed');
    await expectNothingNewStored(before);
  });

  it('an expired session', async () => {
    const before = (await connections()).length;
    const browser = stopAtCallback();
    const { session, callback } = await upToCallback(browser, 'oidc');
    clockOffset = 11 * 60 * 1000;
    const landed = await continueIn(browser, callback);
    clockOffset = 0; // so the service token used below is current again
    expect(new URL(landed.url).searchParams.get('error')).toBe('session_expired');
    expect(await sessionStatus(session.id)).toMatchObject({ status: 'failed', error: 'session_expired' });
    await expectNothingNewStored(before);
  });

  it('a missing or foreign cookie', async () => {
    const before = (await connections()).length;
    const browser = stopAtCallback();
    const { session, callback } = await upToCallback(browser, 'oidc');
    const bare = await new TestBrowser().visit(callback);
    expect(bare.status).toBe(400);
    expect(bare.body).toContain('could not be matched');

    // Another user's browser, holding a cookie for its own session, gets nowhere with this state.
    const other = stopAtCallback();
    await upToCallback(other, 'oidc');
    const foreign = await continueIn(other, callback);
    expect(foreign.status).toBe(400);
    expect((await sessionStatus(session.id)).status).toBe('pending');
    await expectNothingNewStored(before);
  });

  it("a state from one provider at another provider's callback", async () => {
    const browser = stopAtCallback();
    const { session, callback } = await upToCallback(browser, 'oidc');
    const moved = callback.replace('/oauth/callback/oidc', '/oauth/callback/dropbox');
    const res = await continueIn(browser, moved);
    expect(res.status).toBe(400);
    expect((await sessionStatus(session.id)).status).toBe('pending');
  });

  it('a wrong iss', async () => {
    const before = (await connections()).length;
    const browser = stopAtCallback();
    const { session, callback } = await upToCallback(browser, 'oidc');
    const url = new URL(callback);
    url.searchParams.set('iss', 'https://evil.example');
    const landed = await continueIn(browser, url.toString());
    expect(new URL(landed.url).searchParams.get('error')).toBe('issuer_mismatch');
    expect((await sessionStatus(session.id)).status).toBe('failed');
    await expectNothingNewStored(before);
  });
});

/** Carries on in the same browser (same cookies), stopping at the service's page. */
async function continueIn(browser: TestBrowser, url: string) {
  const next = new TestBrowser({ stopAt: atApp });
  for (const cookie of browser.cookies()) {
    next.setCookie(`${broker.url}${cookie.path}`, `${cookie.name}=${cookie.value}; Path=${cookie.path}`);
  }
  return next.visit(url);
}
