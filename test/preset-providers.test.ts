import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../src/providers/presets/catalog.js';
import { allGrants, createTestApp, type TestApp } from '../src/test-support/app.js';
import { loadProviderFixtures } from './support/fake-provider.js';

/**
 * Every preset through the admin API: created from its id and client
 * credentials alone, with the connection parameters it declares; a connect
 * session with the recorded values sends the browser to that connection's
 * own authorization endpoint, and one with a value outside the declared
 * pattern is refused.
 */

const fixtures = new Map(loadProviderFixtures().map((f) => [f.preset, f]));
const RETURN_TO = 'https://app.example/done';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ serviceGrants: allGrants({ return_to_origins: ['https://app.example'] }) });
});
afterAll(async () => {
  await t.close();
});

const startSession = (provider: string, connectionParams?: Record<string, string>) =>
  t.service('POST', '/v1/connect-sessions', {
    provider,
    tenant: 'acme',
    end_user: 'user-1',
    return_to: RETURN_TO,
    ...(connectionParams === undefined ? {} : { connection_params: connectionParams }),
  });

/** The provider's authorization URL the broker redirects the browser to. */
async function authorizationUrl(connectUrl: string): Promise<URL> {
  const entered = await t.app.request(new URL(connectUrl).pathname);
  expect(entered.status).toBe(302);
  return new URL(entered.headers.get('location')!);
}

describe.each(presets.map((p) => [p.id, p] as const))('%s', (id, preset) => {
  it('is created from its id and client credentials through the admin API, and connects', async () => {
    const created = await t.admin('POST', '/v1/admin/providers', {
      preset: id,
      client_id: 'client-id',
      client_secret: 'client-secret',
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const view = await created.json();
    expect(view).toMatchObject({ provider_id: id, preset: id, connection_params: preset.connection_params });

    const fixture = fixtures.get(id)!;
    const started = await startSession(id, fixture.connection_params);
    expect(started.status, await started.clone().text()).toBe(201);
    const url = await authorizationUrl((await started.json()).connect_url);
    expect(`${url.origin}${url.pathname}`).toBe(fixture.authorization.url);
  });
});

const withParams = presets.filter((p) => Object.keys(p.connection_params).length > 0);

describe.each(withParams.map((p) => [p.id, p] as const))('%s, per connection', (id, preset) => {
  it('refuses a session without its connection parameters or with one outside the pattern', async () => {
    // The provider exists: created above from the preset.
    const fixture = fixtures.get(id)!;
    const missing = await startSession(id);
    expect(missing.status).toBe(400);
    expect((await missing.json()).code).toBe('invalid_connection_params');
    for (const name of Object.keys(preset.connection_params)) {
      const res = await startSession(id, { ...fixture.connection_params, [name]: '-not.valid-' });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.code).toBe('invalid_connection_params');
      expect(body.errors).toContainEqual({
        pointer: `/connection_params/${name}`,
        message: expect.any(String),
      });
    }
  });
});

it('asks Google to keep the scopes granted before (include_granted_scopes=true), so an upgrade adds to them', async () => {
  const created = await t.admin('POST', '/v1/admin/providers', {
    preset: 'google',
    provider_id: 'google-upgrades',
    client_id: 'client-id',
    client_secret: 'client-secret',
  });
  expect(created.status).toBe(201);
  const started = await startSession('google-upgrades');
  expect(started.status).toBe(201);
  const url = await authorizationUrl((await started.json()).connect_url);
  expect(url.searchParams.get('include_granted_scopes')).toBe('true');
  expect(url.searchParams.get('access_type')).toBe('offline');
});
