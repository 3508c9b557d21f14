import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allGrants, createTestApp, type TestApp, type TestClient } from '../test-support/app.js';
import { availableEngines } from '../test-support/databases.js';

/**
 * A service sees only the tenants and providers it is granted: anything else
 * answers exactly as a thing that does not exist, with every verb, and a
 * refused request changes nothing.
 */

const engines = await availableEngines();
const BROKER = 'https://broker.test';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

const ACCESS = {
  conn_acme_dbx: 'marker-access-acme-dropbox',
  conn_acme_google: 'marker-access-acme-google',
  conn_bravo_dbx: 'marker-access-bravo-dropbox',
} as const;
const REFRESH_MARKER = 'marker-refresh';

describe.each(engines)('tenant isolation on %s', (engine) => {
  let t: TestApp;
  let a: TestClient;
  let b: TestClient;
  let noHandOut: TestClient;
  let snapshot: string;

  beforeAll(async () => {
    t = await createTestApp({ engine });
    for (const preset of ['dropbox', 'google']) {
      const res = await t.admin('POST', '/v1/admin/providers', {
        preset,
        client_id: `${preset}-id`,
        client_secret: `${preset}-secret`,
      });
      expect(res.status).toBe(201);
    }
    a = await t.client(allGrants({ tenants: ['acme'], providers: ['dropbox'] }));
    b = await t.client(allGrants({ tenants: ['bravo'] }));
    noHandOut = await t.client(
      allGrants({ tenants: ['acme'], providers: ['dropbox'], actions: ['read_connections'] }),
    );

    const now = Date.now();
    const rows = [
      ['conn_acme_dbx', 'acme', 'dropbox'],
      ['conn_acme_google', 'acme', 'google'],
      ['conn_bravo_dbx', 'bravo', 'dropbox'],
    ] as const;
    const { db, tables } = t.deps.database;
    for (const [id, tenant, providerId] of rows) {
      await db.insert(tables.connections).values({
        id,
        tenant,
        providerId,
        endUser: 'u1',
        accountId: `acct-${id}`,
        accountEmail: `${id}@example.test`,
        accountDisplayName: `User ${id}`,
        scopes: '["files.read","files.write"]',
        status: 'active',
        accessToken: t.deps.vault.encrypt(ACCESS[id], {
          table: 'connections',
          column: 'access_token',
          rowId: id,
        }),
        refreshToken: t.deps.vault.encrypt(`${REFRESH_MARKER}-${id}`, {
          table: 'connections',
          column: 'refresh_token',
          rowId: id,
        }),
        tokenType: 'bearer',
        expiresAt: now + 3600_000,
        nextRefreshAt: now + 3000_000,
        createdAt: now,
        updatedAt: now,
      });
    }
    snapshot = await databaseState();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Every table a refused request could touch (all but the audit trail), in a stable order. */
  async function databaseState(): Promise<string> {
    const { db, tables } = t.deps.database;
    const byKey = <T extends Record<string, unknown>>(rows: T[], key: keyof T) =>
      [...rows].sort((x, y) => String(x[key]).localeCompare(String(y[key])));
    return JSON.stringify({
      connections: byKey(await db.select().from(tables.connections), 'id'),
      sessions: byKey(await db.select().from(tables.connectSessions), 'id'),
      providers: byKey(await db.select().from(tables.providers), 'id'),
      clients: byKey(await db.select().from(tables.serviceClients), 'id'),
      secrets: byKey(await db.select().from(tables.clientSecrets), 'id'),
      revoked: byKey(await db.select().from(tables.revokedTokens), 'jti'),
    });
  }

  /** A problem answer without its per-request id, so two answers can be compared byte for byte. */
  async function problem(res: Response) {
    const text = await res.text();
    const { request_id: requestId, ...rest } = JSON.parse(text);
    expect(typeof requestId).toBe('string');
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: JSON.stringify(rest),
      code: rest.code as string,
      text,
    };
  }

  function exchange(who: TestClient, connectionId: string) {
    return Promise.resolve(
      t.app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: TOKEN_EXCHANGE,
          client_id: who.clientId,
          client_secret: who.secret,
          resource: `${BROKER}/v1/connections/${connectionId}`,
        }).toString(),
      }),
    );
  }

  const verbs: Array<[string, (who: TestClient, id: string) => Promise<Response>]> = [
    ['GET /v1/connections/{id}', (who, id) => who.request('GET', `/v1/connections/${id}`)],
    ['DELETE /v1/connections/{id}', (who, id) => who.request('DELETE', `/v1/connections/${id}`)],
    [
      'DELETE /v1/connections/{id}?revoke=false',
      (who, id) => who.request('DELETE', `/v1/connections/${id}?revoke=false`),
    ],
    [
      'POST /v1/connections/{id}/access-token',
      (who, id) => who.request('POST', `/v1/connections/${id}/access-token`, {}),
    ],
    [
      'POST /v1/connections/{id}/access-token (forced)',
      (who, id) => who.request('POST', `/v1/connections/${id}/access-token`, { force_refresh: true }),
    ],
  ];

  describe.each(verbs)('%s', (_verb, send) => {
    it.each([
      ['another tenant’s connection', 'conn_bravo_dbx'],
      ['a connection of a provider outside its grants', 'conn_acme_google'],
    ])('on %s: 404 connection_not_found, as for one that does not exist', async (_what, id) => {
      const refused = await problem(await send(a, id));
      const missing = await problem(await send(a, 'conn_doesnotexist'));
      expect(refused.status).toBe(404);
      expect(refused.type).toBe('application/problem+json');
      expect(refused.code).toBe('connection_not_found');
      expect(refused.body).toBe(missing.body);
      expect(refused.type).toBe(missing.type);
      for (const secret of Object.values(ACCESS)) expect(refused.text).not.toContain(secret);
    });
  });

  it('token exchange for another tenant’s connection: 400 invalid_target, as for one that does not exist', async () => {
    const answers = [];
    for (const id of ['conn_bravo_dbx', 'conn_acme_google', 'conn_doesnotexist']) {
      const res = await exchange(a, id);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const text = await res.text();
      expect(JSON.parse(text).error).toBe('invalid_target');
      answers.push(text);
    }
    expect(new Set(answers).size).toBe(1);
  });

  it('lists show only the granted tenants and providers', async () => {
    const ids = async (who: TestClient, query = '') => {
      const res = await who.request('GET', `/v1/connections${query}`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(JSON.stringify(body)).not.toContain('marker');
      return body.data.map((c: { id: string }) => c.id);
    };
    expect(await ids(a)).toEqual(['conn_acme_dbx']);
    expect(await ids(a, '?tenant=acme')).toEqual(['conn_acme_dbx']);
    expect(await ids(a, '?tenant=bravo')).toEqual([]);
    expect(await ids(a, '?provider=google')).toEqual([]);
    expect(await ids(a, '?tenant=bravo&provider=dropbox')).toEqual([]);
    expect(await ids(b)).toEqual(['conn_bravo_dbx']);
    expect(await ids(b, '?tenant=acme')).toEqual([]);
  });

  describe('connect sessions', () => {
    const start = (who: TestClient, fields: Record<string, unknown>) =>
      who.request('POST', '/v1/connect-sessions', {
        provider: 'dropbox',
        tenant: 'acme',
        end_user: 'u-9',
        ...fields,
      });

    it('for a tenant outside its grants: 404 tenant_not_found, as for one nobody has', async () => {
      const refused = await problem(await start(a, { tenant: 'bravo' }));
      const missing = await problem(await start(a, { tenant: 'nobody' }));
      expect(refused.status).toBe(404);
      expect(refused.type).toBe('application/problem+json');
      expect(refused.code).toBe('tenant_not_found');
      expect(refused.body).toBe(missing.body);
    });

    it('for a provider outside its grants: 404 provider_not_found', async () => {
      const refused = await problem(await start(a, { provider: 'google' }));
      expect(refused.status).toBe(404);
      expect(refused.code).toBe('provider_not_found');
      const missing = await problem(await start(a, { provider: 'nonexistent' }));
      expect(missing.status).toBe(404);
      expect(missing.code).toBe('provider_not_found');
    });

    it('without the connect action: 403 forbidden in its own tenant', async () => {
      const refused = await problem(await start(noHandOut, {}));
      expect(refused.status).toBe(403);
      expect(refused.code).toBe('forbidden');
    });
  });

  describe('without the get_access_token action', () => {
    it('POST /v1/connections/{id}/access-token on its own tenant’s connection: 403 forbidden', async () => {
      // It can see the connection...
      expect((await noHandOut.request('GET', '/v1/connections/conn_acme_dbx')).status).toBe(200);
      // ...but not take its token.
      const refused = await problem(
        await noHandOut.request('POST', '/v1/connections/conn_acme_dbx/access-token', {}),
      );
      expect(refused.status).toBe(403);
      expect(refused.type).toBe('application/problem+json');
      expect(refused.code).toBe('forbidden');
      expect(refused.text).not.toContain(ACCESS.conn_acme_dbx);
      // Outside its tenants it is still a 404, not a 403.
      const outside = await problem(
        await noHandOut.request('POST', '/v1/connections/conn_bravo_dbx/access-token', {}),
      );
      expect(outside.status).toBe(404);
      expect(outside.code).toBe('connection_not_found');
    });

    it('token exchange: 400 unauthorized_client', async () => {
      const res = await exchange(noHandOut, 'conn_acme_dbx');
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text).error).toBe('unauthorized_client');
      expect(text).not.toContain(ACCESS.conn_acme_dbx);
    });

    it('DELETE without delete_connections: 403 forbidden', async () => {
      const refused = await problem(await noHandOut.request('DELETE', '/v1/connections/conn_acme_dbx'));
      expect(refused.status).toBe(403);
      expect(refused.code).toBe('forbidden');
    });
  });

  it('no refused request changed anything in the database', async () => {
    expect(await databaseState()).toBe(snapshot);
  });

  it('hands out its own connection’s access token, never a refresh token', async () => {
    const res = await a.request('POST', '/v1/connections/conn_acme_dbx/access-token', {});
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      access_token: ACCESS.conn_acme_dbx,
      connection_id: 'conn_acme_dbx',
      provider_id: 'dropbox',
      scope: 'files.read files.write',
      account: {
        user_id: 'acct-conn_acme_dbx',
        email: 'conn_acme_dbx@example.test',
        display_name: 'User conn_acme_dbx',
      },
    });
    expect(body.token_type.toLowerCase()).toBe('bearer');
    expect(body.expires_in).toBeGreaterThan(3500);
    expect(body.expires_in).toBeLessThanOrEqual(3600);
    expect(text).not.toContain(REFRESH_MARKER);
    expect(text).not.toMatch(/refresh/i);
    // Nothing of the other tenant's.
    expect(text).not.toContain(ACCESS.conn_bravo_dbx);
  });

  it('hands it out by token exchange too', async () => {
    const res = await exchange(a, 'conn_acme_dbx');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({
      access_token: ACCESS.conn_acme_dbx,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      scope: 'files.read files.write',
    });
    expect(text).not.toMatch(/refresh/i);
  });

  it('B gets its own and only its own', async () => {
    const res = await b.request('POST', '/v1/connections/conn_bravo_dbx/access-token', {});
    expect(res.status).toBe(200);
    expect((await res.json()).access_token).toBe(ACCESS.conn_bravo_dbx);
    const refused = await problem(await b.request('GET', '/v1/connections/conn_acme_dbx'));
    expect(refused.status).toBe(404);
    expect(refused.code).toBe('connection_not_found');
  });
});
