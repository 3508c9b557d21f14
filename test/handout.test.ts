import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenLocation } from '../src/connections/token-location.js';
import { ADMIN_TOKEN, allGrants, type TestClient } from '../src/test-support/app.js';
import {
  providerDefinition,
  startAuthorizationServer,
  type TestAuthorizationServer,
} from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { dropboxDefinition, type FakeDropbox, startFakeDropbox } from './support/fake-dropbox.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * Token hand-out end to end: a connection made through the broker against a
 * real authorization server with rotating refresh tokens and reuse detection
 * (a double refresh there kills the grant), and against a Dropbox-shaped fake
 * whose refresh answers carry no refresh token.
 */

const RETURN_TO = 'https://app.example/connected';
const atApp = (url: URL) => url.origin === 'https://app.example';

let broker: ServedBroker;
let as: TestAuthorizationServer;
let dropbox: FakeDropbox;
let service: TestClient;
let clockOffset = 0;

beforeAll(async () => {
  broker = await serveBroker({
    serviceGrants: allGrants({ return_to_origins: ['https://app.example'] }),
    upstreamTimeoutMs: 1500,
    now: () => Date.now() + clockOffset,
  });
  as = await startAuthorizationServer({
    redirectUris: [broker.callbackUrl('oidc')],
    accessTokenTtlSeconds: 600,
  });
  dropbox = await startFakeDropbox({ redirectUris: [broker.callbackUrl('dropbox')] });
  const admin = (path: string, body: unknown) =>
    fetch(`${broker.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect(
    (
      await admin(
        '/v1/admin/providers',
        providerDefinition(as, { authorization_params: { prompt: 'consent' }, expiry_buffer_seconds: 60 }),
      )
    ).status,
  ).toBe(201);
  expect((await admin('/v1/admin/providers', dropboxDefinition(dropbox))).status).toBe(201);
  service = await broker.t.client(allGrants({ return_to_origins: ['https://app.example'] }));
});

afterAll(async () => {
  await broker?.close();
  await as?.close();
  await dropbox?.close();
});

beforeEach(() => {
  clockOffset = 0;
  service?.renew();
  dropbox.tokenMode = 'ok';
});

async function connect(provider: string, account = 'alice'): Promise<string> {
  as.setLogin(account);
  const res = await service.request('POST', '/v1/connect-sessions', {
    provider,
    tenant: 'acme',
    end_user: `user-${account}`,
    return_to: RETURN_TO,
  });
  const { connect_url } = (await res.json()) as { connect_url: string };
  const landed = new URL((await new TestBrowser({ stopAt: atApp }).visit(connect_url)).url);
  const id = landed.searchParams.get('connection_id');
  if (!id) throw new Error(`connect failed: ${landed}`);
  return id;
}

const handOut = (id: string, body?: unknown) =>
  service.request('POST', `/v1/connections/${id}/access-token`, body);

async function row(id: string) {
  const db = broker.t.deps.database;
  return (await db.db.select().from(db.tables.connections)).find((r) => r.id === id)!;
}

async function worksAtProvider(accessToken: string): Promise<boolean> {
  return (
    (await fetch(as.endpoints.userinfo, { headers: { authorization: `Bearer ${accessToken}` } })).status ===
    200
  );
}

/** Moves the broker's clock so the stored token is inside its refresh buffer. */
function expireStoredToken() {
  advanceClock(600_000);
}

/** The service token is a JWT judged by the same clock: get a new one after moving it. */
function advanceClock(ms: number) {
  clockOffset += ms;
  service.renew();
}

describe('hand-out from a real authorization server', () => {
  it('answers the stored token, unrefreshed, while it is fresh', async () => {
    const id = await connect('oidc', 'hana');
    const refreshes = as.grants.refresh_token;
    const res = await handOut(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toMatchObject({
      token_type: 'Bearer',
      connection_id: id,
      provider_id: 'oidc',
      account: { user_id: 'hana', email: 'hana@example.test' },
    });
    expect(Object.keys(body)).not.toContain('refresh_token');
    expect(JSON.stringify(body)).not.toMatch(/refresh/);
    expect(body.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'offline_access']));
    expect(await worksAtProvider(body.access_token)).toBe(true);
    expect(as.grants.refresh_token).toBe(refreshes);
  });

  it('refreshes exactly once for 200 concurrent hand-outs of an expired token, and all get the new token', async () => {
    const id = await connect('oidc', 'ivan');
    const before = await (await handOut(id)).json();
    const refreshes = as.grants.refresh_token;
    const errors = as.tokenErrors.length;
    expireStoredToken();

    const answers = await Promise.all(Array.from({ length: 200 }, () => handOut(id)));
    const bodies = await Promise.all(answers.map((a) => a.json()));
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    const tokens = new Set(bodies.map((b) => b.access_token));
    expect(tokens.size).toBe(1);
    const [fresh] = [...tokens];
    expect(fresh).not.toBe(before.access_token);
    expect(as.grants.refresh_token).toBe(refreshes + 1);
    expect(as.tokenErrors.length).toBe(errors);
    expect(await worksAtProvider(fresh)).toBe(true);
    expect((await row(id)).tokenVersion).toBe(1);

    // The rotated refresh token was stored: a later refresh works (no reuse).
    expireStoredToken();
    const again = await (await handOut(id)).json();
    expect(again.access_token).not.toBe(fresh);
    expect(as.grants.refresh_token).toBe(refreshes + 2);
    expect(as.tokenErrors.length).toBe(errors);
  });

  it('renews on force_refresh; a min_validity_seconds it cannot meet costs at most one refresh per token half-life', async () => {
    const id = await connect('oidc', 'june');
    const first = await (await handOut(id)).json();
    const refreshes = as.grants.refresh_token;
    const forced = await (await handOut(id, { force_refresh: true })).json();
    expect(forced.access_token).not.toBe(first.access_token);
    expect(as.grants.refresh_token).toBe(refreshes + 1);
    // The provider issues 600 s tokens; an hour cannot be met by refreshing a young one: the true expires_in.
    const young = await (await handOut(id, { min_validity_seconds: 3600 })).json();
    expect(young.access_token).toBe(forced.access_token);
    expect(young.expires_in).toBeLessThanOrEqual(600);
    expect(as.grants.refresh_token).toBe(refreshes + 1);
    // Past half its life the same request renews it, once.
    advanceClock(301_000);
    const renewed = await (await handOut(id, { min_validity_seconds: 3600 })).json();
    expect(renewed.access_token).not.toBe(forced.access_token);
    expect(renewed.expires_in).toBeGreaterThan(590);
    expect(renewed.expires_in).toBeLessThanOrEqual(600);
    const again = await (await handOut(id, { min_validity_seconds: 3600 })).json();
    expect(again.access_token).toBe(renewed.access_token);
    expect(as.grants.refresh_token).toBe(refreshes + 2);
    const ok = await (await handOut(id, { min_validity_seconds: 10 })).json();
    expect(ok.access_token).toBe(renewed.access_token);
  });

  it('marks the connection needs_reauth when the grant is gone, and stops calling the provider', async () => {
    const id = await connect('oidc', 'kim');
    // The user revokes the app at the provider.
    const stored = await row(id);
    const refresh = broker.t.deps.vault.decrypt(stored.refreshToken!, tokenLocation(id, 'refresh_token'));
    const basic = Buffer.from(
      `${encodeURIComponent(as.clientId)}:${encodeURIComponent(as.clientSecret)}`,
    ).toString('base64');
    const revoked = await fetch(as.endpoints.revocation, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refresh, token_type_hint: 'refresh_token' }),
    });
    expect(revoked.status).toBe(200);

    const res = await handOut(id, { force_refresh: true });
    expect(res.status).toBe(409);
    expect((await res.json()).code).toBe('connection_needs_reauth');
    expect((await (await service.request('GET', `/v1/connections/${id}`)).json()).status).toBe(
      'needs_reauth',
    );
    const requests = as.tokenRequests.length;
    expect((await handOut(id)).status).toBe(409);
    expect(as.tokenRequests.length).toBe(requests);
    // The stored tokens are kept (encrypted) until the connection is deleted or reconnected.
    expect((await row(id)).refreshToken).toBe(stored.refreshToken);
    // Reconnecting the same account makes it active again, same id.
    expect(await connect('oidc', 'kim')).toBe(id);
    expect((await handOut(id)).status).toBe(200);
  });

  it('answers in one step through RFC 8693 token exchange, under the same grants', async () => {
    const id = await connect('oidc', 'lena');
    const direct = await (await handOut(id)).json();
    const res = await fetch(`${broker.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        client_id: service.clientId,
        client_secret: service.secret,
        resource: `${broker.url}/v1/connections/${id}`,
        requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toMatchObject({
      access_token: direct.access_token,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
    });
    expect(body.expires_in).toBeGreaterThan(0);
    expect(body).not.toHaveProperty('refresh_token');
  });
});

describe('hand-out from a Dropbox-shaped provider', () => {
  it('keeps the stored refresh token when a refresh answer has none', async () => {
    const id = await connect('dropbox');
    const before = await row(id);
    advanceClock(5 * 3600_000); // past the preset's assumed lifetime: Dropbox sends no expires_in
    const res = await handOut(id);
    expect(res.status).toBe(200);
    const after = await row(id);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(after.tokenVersion).toBe(before.tokenVersion + 1);
    // And the kept refresh token still refreshes.
    advanceClock(5 * 3600_000);
    expect((await handOut(id)).status).toBe(200);
  });

  it('keeps the tokens through provider failures, backs off, and recovers', async () => {
    const id = await connect('dropbox');
    const before = await row(id);
    dropbox.tokenMode = 'status500';
    advanceClock(5 * 3600_000); // past expiry: the stored token is unusable
    const failed = await handOut(id);
    expect(failed.status).toBe(503);
    expect((await failed.json()).code).toBe('provider_unavailable');
    expect(Number(failed.headers.get('retry-after'))).toBeGreaterThan(0);
    const kept = await row(id);
    expect(kept.accessToken).toBe(before.accessToken);
    expect(kept.refreshToken).toBe(before.refreshToken);
    expect(kept.status).toBe('active');
    expect(kept.refreshFailures).toBe(1);

    // Within the backoff the provider is not called again.
    const calls = dropbox.requests.filter((r) => r.path === '/oauth2/token').length;
    expect((await handOut(id)).status).toBe(503);
    expect(dropbox.requests.filter((r) => r.path === '/oauth2/token').length).toBe(calls);

    dropbox.tokenMode = 'ok';
    advanceClock(10 * 60_000);
    const recovered = await handOut(id);
    expect(recovered.status).toBe(200);
    expect((await row(id)).refreshFailures).toBe(0);
  });

  it('never answers the token a forced refresh was asked to replace: 503 with Retry-After, also during the backoff', async () => {
    const id = await connect('dropbox');
    const before = await (await handOut(id)).json();
    dropbox.tokenMode = 'status500';
    const failed = await handOut(id, { force_refresh: true });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('content-type')).toBe('application/problem+json');
    const body = await failed.json();
    expect(body.code).toBe('provider_unavailable');
    expect(JSON.stringify(body)).not.toContain(before.access_token);
    expect(Number(failed.headers.get('retry-after'))).toBeGreaterThan(0);
    // Within the backoff, no provider call, and still no old token for a forced refresh...
    const calls = dropbox.requests.filter((r) => r.path === '/oauth2/token').length;
    const backedOff = await handOut(id, { force_refresh: true });
    expect(backedOff.status).toBe(503);
    expect(Number(backedOff.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(dropbox.requests.filter((r) => r.path === '/oauth2/token').length).toBe(calls);
    // ...while a plain hand-out of the still valid token is answered, and the connection shows the failure.
    const plain = await handOut(id);
    expect(plain.status).toBe(200);
    expect((await plain.json()).access_token).toBe(before.access_token);
    const view = await (await service.request('GET', `/v1/connections/${id}`)).json();
    expect(view).toMatchObject({ status: 'active', last_error: 'provider_bad_response' });
    expect(Date.parse(view.next_refresh_at)).toBeGreaterThan(Date.now() + clockOffset);

    dropbox.tokenMode = 'ok';
    advanceClock(10 * 60_000);
    const recovered = await (await handOut(id, { force_refresh: true })).json();
    expect(recovered.access_token).not.toBe(before.access_token);
    const after = await (await service.request('GET', `/v1/connections/${id}`)).json();
    expect(after.last_error).toBeNull();
    expect(after.last_refreshed_at).not.toBeNull();
  });

  it.each(['hang', 'html'] as const)('treats a %s answer as transient', async (mode) => {
    const id = await connect('dropbox');
    dropbox.tokenMode = mode;
    advanceClock(5 * 3600_000);
    const res = await handOut(id);
    expect(res.status).toBe(503);
    expect((await row(id)).status).toBe('active');
  });
});
