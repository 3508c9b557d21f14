import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp, type TestClient } from '../test-support/app.js';

/**
 * The audit trail as the app records it: admin changes, service changes and
 * token hand-outs, each with its actor, target and outcome, and never a secret.
 */

const PROVIDER_SECRET = 'marker-provider-secret-a1b2c3';
const PROVIDER_SECRET_2 = 'marker-provider-secret-rotated-d4e5';
const ACCESS_TOKEN = 'marker-access-token-f6a7b8';
const REFRESH_TOKEN = 'marker-refresh-token-c9d0e1';

interface AuditEvent {
  id: string;
  at: string;
  actor: { type: string; id: string };
  action: string;
  target: { type: string; id: string };
  tenant: string | null;
  outcome: 'success' | 'failure';
  details: Record<string, unknown>;
}

let t: TestApp;
let service: TestClient;
let serviceToken: string;
let created: { client_id: string; client_secret: string };
let events: AuditEvent[];
let listing: string;

beforeAll(async () => {
  t = await createTestApp({ secrets: [PROVIDER_SECRET, PROVIDER_SECRET_2, ACCESS_TOKEN, REFRESH_TOKEN] });
  const expectStatus = async (res: Promise<Response>, status: number) => {
    const answer = await res;
    expect(answer.status, await answer.clone().text()).toBe(status);
    return answer;
  };

  // Admin: providers.
  await expectStatus(
    t.admin('POST', '/v1/admin/providers', {
      preset: 'dropbox',
      client_id: 'dbx',
      client_secret: PROVIDER_SECRET,
    }),
    201,
  );
  await expectStatus(
    t.admin('POST', '/v1/admin/providers', {
      preset: 'google',
      client_id: 'gid',
      client_secret: PROVIDER_SECRET,
    }),
    201,
  );
  await expectStatus(
    t.admin('PATCH', '/v1/admin/providers/google', {
      display_name: 'Google Drive',
      client_secret: PROVIDER_SECRET_2,
    }),
    200,
  );
  await expectStatus(t.admin('DELETE', '/v1/admin/providers/google'), 204);
  // Refused: an invalid body.
  await expectStatus(
    t.admin('POST', '/v1/admin/providers', {
      preset: 'dropbox',
      client_secret: PROVIDER_SECRET,
      colour: 'red',
    }),
    400,
  );

  // Admin: clients.
  const res = await expectStatus(
    t.admin('POST', '/v1/admin/clients', {
      name: 'short-lived',
      grants: { tenants: ['acme'], providers: '*', actions: ['read_connections'] },
    }),
    201,
  );
  created = await res.json();
  await expectStatus(t.admin('PATCH', `/v1/admin/clients/${created.client_id}`, { name: 'renamed' }), 200);
  await expectStatus(t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, {}), 201);
  await expectStatus(t.admin('DELETE', `/v1/admin/clients/${created.client_id}`), 204);

  // A service: deletes one connection, takes the token of another.
  service = await t.client();
  serviceToken = await service.token();
  const now = Date.now();
  for (const id of ['conn_gone', 'conn_kept']) {
    await t.deps.database.db.insert(t.deps.database.tables.connections).values({
      id,
      tenant: 'acme',
      providerId: 'dropbox',
      endUser: 'u1',
      accountId: `acct-${id}`,
      scopes: '["files"]',
      status: 'active',
      accessToken: t.deps.vault.encrypt(ACCESS_TOKEN, {
        table: 'connections',
        column: 'access_token',
        rowId: id,
      }),
      refreshToken: t.deps.vault.encrypt(REFRESH_TOKEN, {
        table: 'connections',
        column: 'refresh_token',
        rowId: id,
      }),
      tokenType: 'bearer',
      expiresAt: now + 3600_000,
      createdAt: now,
      updatedAt: now,
    });
  }
  await expectStatus(service.request('DELETE', '/v1/connections/conn_gone?revoke=false'), 204);
  const handedOut = await expectStatus(
    service.request('POST', '/v1/connections/conn_kept/access-token', {}),
    200,
  );
  expect((await handedOut.json()).access_token).toBe(ACCESS_TOKEN);
  // Refused for a service: no such connection.
  await expectStatus(service.request('DELETE', '/v1/connections/conn_nope?revoke=false'), 404);

  await t.services.audit.flush();
  const page = await expectStatus(t.admin('GET', '/v1/admin/audit-events?limit=200'), 200);
  listing = await page.text();
  events = JSON.parse(listing).data;
});
afterAll(async () => {
  await t.close();
});

const find = (action: string, targetId?: string) =>
  events.filter((e) => e.action === action && (targetId === undefined || e.target.id === targetId));
const one = (action: string, targetId?: string, outcome: 'success' | 'failure' = 'success') => {
  const matching = find(action, targetId).filter((e) => e.outcome === outcome);
  expect(matching, `${action} ${targetId ?? ''} ${outcome}`).toHaveLength(1);
  return matching[0]!;
};

describe('GET /v1/admin/audit-events after changes', () => {
  it('lists newest first, with every action', async () => {
    const actions = new Set(events.map((e) => e.action));
    for (const action of [
      'provider.create',
      'provider.update',
      'provider.delete',
      'client.create',
      'client.update',
      'client.delete',
      'client_secret.create',
      'connection.delete',
      'connection.token_issued',
    ]) {
      expect(actions, action).toContain(action);
    }
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it('records admin changes to providers with the admin as actor and the provider as target', () => {
    const create = one('provider.create', 'dropbox');
    expect(create).toMatchObject({
      actor: { type: 'admin', id: 'admin' },
      target: { type: 'provider', id: 'dropbox' },
      outcome: 'success',
      tenant: null,
    });
    expect(typeof create.details.request_id).toBe('string');
    expect(one('provider.create', 'google').actor).toEqual({ type: 'admin', id: 'admin' });
    expect(one('provider.update', 'google')).toMatchObject({
      actor: { type: 'admin', id: 'admin' },
      target: { type: 'provider', id: 'google' },
    });
    expect(one('provider.delete', 'google')).toMatchObject({
      actor: { type: 'admin', id: 'admin' },
      target: { type: 'provider', id: 'google' },
    });
  });

  it('records admin changes to clients, with the new client’s id as the create target', () => {
    const id = created.client_id;
    expect(one('client.create', id)).toMatchObject({
      actor: { type: 'admin', id: 'admin' },
      target: { type: 'client', id },
    });
    // The service's own registration too.
    expect(one('client.create', service.clientId).actor.type).toBe('admin');
    expect(one('client.update', id).target).toEqual({ type: 'client', id });
    expect(one('client.delete', id).target).toEqual({ type: 'client', id });
    expect(one('client_secret.create', id).target).toEqual({ type: 'client_secret', id });
  });

  it('records a service deleting a connection and taking a token, with the service as actor', () => {
    expect(one('connection.delete', 'conn_gone')).toMatchObject({
      actor: { type: 'service', id: service.clientId },
      target: { type: 'connection', id: 'conn_gone' },
      outcome: 'success',
    });
    expect(one('connection.token_issued', 'conn_kept')).toMatchObject({
      actor: { type: 'service', id: service.clientId },
      target: { type: 'connection', id: 'conn_kept' },
      tenant: 'acme',
      outcome: 'success',
      details: { provider_id: 'dropbox', forced: false },
    });
    // One hand-out, one event: the route does not record it a second time.
    expect(find('connection.token_issued')).toHaveLength(1);
    expect(events.filter((e) => e.target.id === 'conn_kept')).toHaveLength(1);
  });

  it('records a refused admin change as a failure, with its error code', () => {
    const failed = one('provider.create', undefined, 'failure');
    expect(failed).toMatchObject({
      actor: { type: 'admin', id: 'admin' },
      target: { type: 'provider' },
      outcome: 'failure',
      details: { error: 'invalid_request' },
    });
  });

  it('records a refused service change as a failure', () => {
    expect(one('connection.delete', 'conn_nope', 'failure')).toMatchObject({
      actor: { type: 'service', id: service.clientId },
      details: { error: 'connection_not_found' },
    });
  });

  it('records the service token it issued', () => {
    const issued = find('service_token.issued').filter((e) => e.actor.id === service.clientId);
    expect(issued.length).toBeGreaterThanOrEqual(1);
    expect(issued[0]!.target).toEqual({ type: 'client', id: service.clientId });
  });

  it('does not record reads', () => {
    expect(events.some((e) => /\.(get|list)$/.test(e.action) || e.action.startsWith('list'))).toBe(false);
  });

  it('shows no secret anywhere in the listing', () => {
    for (const secret of [
      created.client_secret,
      service.secret,
      PROVIDER_SECRET,
      PROVIDER_SECRET_2,
      ACCESS_TOKEN,
      REFRESH_TOKEN,
      serviceToken,
      ADMIN_TOKEN,
    ]) {
      expect(listing).not.toContain(secret);
    }
    expect(listing).not.toContain('marker');
  });

  it('keeps no secret in the stored rows either', async () => {
    const rows = JSON.stringify(await t.deps.database.db.select().from(t.deps.database.tables.auditEvents));
    expect(rows).not.toContain(created.client_secret);
    expect(rows).not.toContain(service.secret);
    expect(rows).not.toContain('marker');
    expect(rows).not.toContain(serviceToken);
  });
});
