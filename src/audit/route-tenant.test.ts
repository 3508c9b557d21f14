import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allGrants, createTestApp, type TestApp } from '../test-support/app.js';
import { seedConnection } from '../test-support/connections.js';

/** Events recorded from routes carry the tenant the request acted in, so the tenant filter finds them. */

describe('the tenant of route-derived audit events', () => {
  let t: TestApp;
  let events: Array<{ action: string; tenant: string | null; outcome: string; target: { id: string } }>;

  beforeAll(async () => {
    t = await createTestApp();
    expect(
      (
        await t.admin('POST', '/v1/admin/providers', {
          preset: 'dropbox',
          client_id: 'x',
          client_secret: 'y',
        })
      ).status,
    ).toBe(201);
    const client = await t.client(
      allGrants({
        return_to_origins: ['https://app.example.com'],
        redirect_uris: ['https://app.example.com/oauth/back'],
      }),
    );
    const session = { provider: 'dropbox', end_user: 'u1', return_to: 'https://app.example.com/done' };
    expect(
      (await client.request('POST', '/v1/connect-sessions', { ...session, tenant: 'acme' })).status,
    ).toBe(201);
    expect(
      (await client.request('POST', '/v1/connect-sessions', { ...session, tenant: 'globex' })).status,
    ).toBe(201);
    const refused = { ...session, tenant: 'acme', return_to: 'https://elsewhere.example.com/' };
    expect((await client.request('POST', '/v1/connect-sessions', refused)).status).toBe(422);
    // A session finished from the service's own page, completed with a wrong state: refused after the
    // session was found, so the failure is the session's tenant's.
    const own = await client.request('POST', '/v1/connect-sessions', {
      provider: 'dropbox',
      end_user: 'u1',
      tenant: 'acme',
      redirect_uri: 'https://app.example.com/oauth/back',
    });
    expect(own.status).toBe(201);
    const { id } = (await own.json()) as { id: string };
    const wrongState = { code: 'c', state: 'not-the-state-0123456789abcdef' };
    expect((await client.request('POST', `/v1/connect-sessions/${id}/complete`, wrongState)).status).toBe(
      400,
    );
    // An unknown session names no tenant.
    expect((await client.request('POST', '/v1/connect-sessions/cs_nope/complete', wrongState)).status).toBe(
      404,
    );
    await seedConnection(t.deps, {
      id: 'conn_acme',
      tenant: 'acme',
      providerId: 'dropbox',
      accessToken: 'a',
      expiresAt: null,
    });
    expect((await client.request('DELETE', '/v1/connections/conn_acme?revoke=false')).status).toBe(204);
    await t.services.audit.flush();
    const res = await t.admin('GET', '/v1/admin/audit-events?tenant=acme');
    expect(res.status).toBe(200);
    events = (await res.json()).data;
  });

  afterAll(async () => {
    await t.close();
  });

  it('finds connect_session.create for tenant acme under the tenant filter, and not globex’s', () => {
    const created = events.filter((e) => e.action === 'connect_session.create');
    expect(created.map((e) => [e.tenant, e.outcome]).sort()).toEqual([
      ['acme', 'failure'],
      ['acme', 'success'],
      ['acme', 'success'],
    ]);
  });

  it('records a completion refused after its session was found under the session’s tenant', async () => {
    const completed = events.filter((e) => e.action === 'connect_session.complete');
    expect(completed.map((e) => [e.tenant, e.outcome])).toEqual([['acme', 'failure']]);
    // The unknown session's refusal has no tenant, so the filter leaves it out.
    const all = await t.admin('GET', '/v1/admin/audit-events?action=connect_session.complete');
    const every = ((await all.json()) as { data: Array<{ tenant: string | null }> }).data;
    expect(every.map((e) => e.tenant).sort()).toEqual(['acme', null]);
  });

  it('records a connection deleted by a service under the connection’s tenant', () => {
    expect(events.find((e) => e.action === 'connection.delete')).toMatchObject({
      tenant: 'acme',
      target: { id: 'conn_acme' },
      outcome: 'success',
    });
  });

  it('leaves admin changes without a tenant', () => {
    expect(events.some((e) => e.action.startsWith('provider.'))).toBe(false);
  });
});
