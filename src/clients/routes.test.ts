import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, allGrants, createTestApp, type TestApp } from '../test-support/app.js';

/** Service client registration (admin API): secrets shown once, stored as a keyed hash, rotatable. */

const START = Date.parse('2026-03-01T10:00:00.000Z');
let clock = START;
let t: TestApp;
beforeEach(async () => {
  clock = START;
  t = await createTestApp({ now: () => clock });
});
afterEach(async () => {
  await t.close();
});

const SECRET_PATTERN = /^cs_[A-Za-z0-9_-]{43}$/;
const CLIENT_ID_PATTERN = /^svc_[A-Za-z0-9_-]{22}$/;

const grants = allGrants({
  tenants: ['acme'],
  providers: ['dropbox'],
  actions: ['connect', 'read_connections'],
  return_to_origins: ['https://app.example'],
  redirect_uris: ['https://app.example/oauth/back'],
});

async function create(body: Record<string, unknown> = { name: 'backup service', grants }) {
  const res = await t.admin('POST', '/v1/admin/clients', body);
  expect(res.status).toBe(201);
  return { res, body: await res.json() };
}

/** POST /oauth/token with client_secret_post; the status only. */
async function tokenStatus(clientId: string, secret: string): Promise<number> {
  const res = await t.app.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    }).toString(),
  });
  return res.status;
}

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.json();
  expect(body.code).toBe(code);
  expect(body.type).toBe(`urn:custodian:problem:${code}`);
  expect(body.status).toBe(status);
  return body;
}

async function secretRows(clientId?: string) {
  const { db, tables } = t.deps.database;
  const rows = await db.select().from(tables.clientSecrets);
  return clientId === undefined ? rows : rows.filter((r) => r.clientId === clientId);
}

/** Every row of every table that could hold something of a client, as text. */
async function databaseText(): Promise<string> {
  const { db, tables } = t.deps.database;
  const parts = await Promise.all([
    db.select().from(tables.serviceClients),
    db.select().from(tables.clientSecrets),
    db.select().from(tables.brokerSecrets),
    db.select().from(tables.auditEvents),
  ]);
  return JSON.stringify(parts);
}

describe('POST /v1/admin/clients', () => {
  it('answers 201 with the client id and a 256-bit secret, once, with no-store', async () => {
    const { res, body } = await create();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(body.client_id).toMatch(CLIENT_ID_PATTERN);
    expect(body.client_secret).toMatch(SECRET_PATTERN);
    expect(res.headers.get('location')).toBe(`/v1/admin/clients/${body.client_id}`);
    expect(body).toMatchObject({
      name: 'backup service',
      is_enabled: true,
      grants,
      created_at: new Date(START).toISOString(),
      updated_at: new Date(START).toISOString(),
    });
    expect(body.secret_id).toMatch(/^sec_[A-Za-z0-9_-]{22}$/);
    expect(body.secrets).toEqual([
      { id: body.secret_id, created_at: new Date(START).toISOString(), expires_at: null },
    ]);
    // 43 base64url characters carry 258 bits, of which 256 are the random bytes.
    expect(Buffer.from(body.client_secret.slice(3), 'base64url')).toHaveLength(32);
  });

  it('makes a different id and secret each time', async () => {
    const a = (await create()).body;
    const b = (await create()).body;
    expect(a.client_id).not.toBe(b.client_id);
    expect(a.client_secret).not.toBe(b.client_secret);
  });

  it('defaults return_to_origins and redirect_uris to none', async () => {
    const { body } = await create({
      name: 'minimal',
      grants: { tenants: '*', providers: '*', actions: [] },
    });
    expect(body.grants).toEqual({
      tenants: '*',
      providers: '*',
      actions: [],
      return_to_origins: [],
      redirect_uris: [],
    });
  });

  it('stores only an HMAC hex hash of the secret, never the secret', async () => {
    const { body } = await create();
    const rows = await secretRows(body.client_id);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    // Keyed: the stored value is the broker's HMAC, not a plain SHA-256 of the secret.
    expect(row!.secretHash).toBe(await t.services.hasher.hash(body.client_secret));
    expect(row!.secretHash).not.toBe(createHash('sha256').update(body.client_secret).digest('hex'));
    await t.services.audit.flush();
    const text = await databaseText();
    expect(text).not.toContain(body.client_secret);
    expect(text).not.toContain(body.client_secret.slice(3));
  });

  it('accepts loopback http origins', async () => {
    const { body } = await create({
      name: 'local dev',
      grants: allGrants({
        return_to_origins: ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:9000'],
      }),
    });
    expect(body.grants.return_to_origins).toEqual([
      'http://localhost:3000',
      'http://127.0.0.1:8080',
      'http://[::1]:9000',
    ]);
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    [
      'an unknown action',
      { grants: allGrants({ actions: ['read_connections', 'launch_missiles' as never] }) },
      '/grants/actions/1',
    ],
    [
      'an origin with a path',
      { grants: allGrants({ return_to_origins: ['https://app.example/back'] }) },
      '/grants/return_to_origins/0',
    ],
    [
      'an origin with a trailing slash',
      { grants: allGrants({ return_to_origins: ['https://app.example/'] }) },
      '/grants/return_to_origins/0',
    ],
    [
      'an http origin off loopback',
      { grants: allGrants({ return_to_origins: ['http://app.example'] }) },
      '/grants/return_to_origins/0',
    ],
    [
      'a redirect_uri with a fragment',
      { grants: allGrants({ redirect_uris: ['https://app.example/back#x'] }) },
      '/grants/redirect_uris/0',
    ],
    [
      'a relative redirect_uri',
      { grants: allGrants({ redirect_uris: ['/back'] }) },
      '/grants/redirect_uris/0',
    ],
    ['an unknown grants field', { grants: { ...allGrants(), scopes: ['all'] } }, '/grants/scopes'],
    ['an unknown top-level field', { grants: allGrants(), client_secret: 'mine' }, '/client_secret'],
    ['a bad tenant', { grants: allGrants({ tenants: ['has space'] }) }, '/grants/tenants/0'],
  ];
  it.each(bad)('refuses %s with 400 invalid_request', async (_what, fields, pointer) => {
    const res = await t.admin('POST', '/v1/admin/clients', { name: 'bad', ...fields });
    const body = await expectProblem(res, 400, 'invalid_request');
    expect(body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await secretRows()).toEqual([]);
    const list = await (await t.admin('GET', '/v1/admin/clients')).json();
    expect(list.data).toEqual([]);
  });

  it('refuses a missing name, and a body that is not JSON', async () => {
    await expectProblem(await t.admin('POST', '/v1/admin/clients', { grants }), 400, 'invalid_request');
    const res = await t.app.request('/v1/admin/clients', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    await expectProblem(res, 415, 'unsupported_media_type');
  });

  it('needs the admin credential', async () => {
    const res = await t.app.request('/v1/admin/clients', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', grants }),
    });
    await expectProblem(res, 401, 'unauthorized');
    const service = await t.service('GET', '/v1/admin/clients');
    await expectProblem(service, 401, 'unauthorized');
  });
});

describe('reading clients', () => {
  it('GET and the list never show a secret or its hash', async () => {
    const { body: created } = await create();
    const [row] = await secretRows(created.client_id);
    const one = await t.admin('GET', `/v1/admin/clients/${created.client_id}`);
    expect(one.status).toBe(200);
    const oneText = await one.text();
    const list = await t.admin('GET', '/v1/admin/clients');
    expect(list.status).toBe(200);
    const listText = await list.text();
    for (const text of [oneText, listText]) {
      expect(text).not.toContain(created.client_secret);
      expect(text).not.toContain(row!.secretHash);
      expect(text).not.toMatch(/client_secret|"hash"|secret_hash/);
    }
    const { client_secret: _s, secret_id: _i, ...metadata } = created;
    expect(JSON.parse(oneText)).toEqual(metadata);
    expect(JSON.parse(listText)).toEqual({ data: [metadata], next_cursor: null });
  });

  it('pages the list', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await create()).body.client_id);
    ids.sort();
    const first = await (await t.admin('GET', '/v1/admin/clients?limit=2')).json();
    expect(first.data.map((c: { client_id: string }) => c.client_id)).toEqual(ids.slice(0, 2));
    const second = await (
      await t.admin('GET', `/v1/admin/clients?limit=2&cursor=${first.next_cursor}`)
    ).json();
    expect(second.data.map((c: { client_id: string }) => c.client_id)).toEqual(ids.slice(2));
    expect(second.next_cursor).toBeNull();
  });
});

describe('PATCH /v1/admin/clients/{client_id}', () => {
  it('changes the name, the grants and is_enabled, and nothing else', async () => {
    const { body: created } = await create();
    clock += 1000;
    const newGrants = allGrants({ tenants: ['bravo'], providers: '*', actions: ['get_access_token'] });
    const res = await t.admin('PATCH', `/v1/admin/clients/${created.client_id}`, {
      name: 'renamed',
      grants: newGrants,
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      client_id: created.client_id,
      name: 'renamed',
      grants: newGrants,
      is_enabled: true,
      created_at: created.created_at,
      updated_at: new Date(START + 1000).toISOString(),
    });
    expect(JSON.stringify(body)).not.toContain(created.client_secret);
    // The secret still works.
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(200);

    const disabled = await t.admin('PATCH', `/v1/admin/clients/${created.client_id}`, { is_enabled: false });
    expect(disabled.status).toBe(200);
    expect(await disabled.json()).toMatchObject({ name: 'renamed', grants: newGrants, is_enabled: false });
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(401);

    const enabled = await t.admin('PATCH', `/v1/admin/clients/${created.client_id}`, { is_enabled: true });
    expect((await enabled.json()).is_enabled).toBe(true);
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(200);

    const read = await (await t.admin('GET', `/v1/admin/clients/${created.client_id}`)).json();
    expect(read).toMatchObject({ name: 'renamed', grants: newGrants, is_enabled: true });
  });

  it('validates like create', async () => {
    const { body: created } = await create();
    const path = `/v1/admin/clients/${created.client_id}`;
    await expectProblem(
      await t.admin('PATCH', path, { grants: allGrants({ return_to_origins: ['http://app.example'] }) }),
      400,
      'invalid_request',
    );
    await expectProblem(await t.admin('PATCH', path, { client_id: 'svc_other' }), 400, 'invalid_request');
    await expectProblem(await t.admin('PATCH', path, { name: '' }), 400, 'invalid_request');
    const read = await (await t.admin('GET', path)).json();
    expect(read.grants).toEqual(grants);
    expect(read.name).toBe('backup service');
  });
});

describe('DELETE /v1/admin/clients/{client_id}', () => {
  it('deletes the client and its secrets; it is 404 afterwards', async () => {
    const { body: created } = await create();
    const keep = (await create()).body;
    await t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, {});
    expect(await secretRows(created.client_id)).toHaveLength(2);

    const res = await t.admin('DELETE', `/v1/admin/clients/${created.client_id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    await expectProblem(
      await t.admin('GET', `/v1/admin/clients/${created.client_id}`),
      404,
      'client_not_found',
    );
    await expectProblem(
      await t.admin('DELETE', `/v1/admin/clients/${created.client_id}`),
      404,
      'client_not_found',
    );
    expect(await secretRows(created.client_id)).toEqual([]);
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(401);
    // The other client is untouched.
    expect(await secretRows(keep.client_id)).toHaveLength(1);
    expect(await tokenStatus(keep.client_id, keep.client_secret)).toBe(200);
  });
});

describe('secret rotation', () => {
  it('adds a second secret; both work at /oauth/token', async () => {
    const { body: created } = await create();
    const res = await t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, {});
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const added = await res.json();
    expect(added).toEqual({
      client_id: created.client_id,
      secret_id: expect.stringMatching(/^sec_[A-Za-z0-9_-]{22}$/),
      client_secret: expect.stringMatching(SECRET_PATTERN),
      expires_at: null,
    });
    expect(added.client_secret).not.toBe(created.client_secret);
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(200);
    expect(await tokenStatus(created.client_id, added.client_secret)).toBe(200);

    const read = await (await t.admin('GET', `/v1/admin/clients/${created.client_id}`)).json();
    expect(read.secrets.map((s: { id: string }) => s.id)).toEqual([created.secret_id, added.secret_id]);
    const text = JSON.stringify(read);
    expect(text).not.toContain(added.client_secret);
    const rows = await secretRows(created.client_id);
    expect(rows.map((r) => r.secretHash)).toEqual(
      expect.arrayContaining([
        await t.services.hasher.hash(created.client_secret),
        await t.services.hasher.hash(added.client_secret),
      ]),
    );
  });

  it('a secret of one client does not authenticate another', async () => {
    const a = (await create()).body;
    const b = (await create()).body;
    expect(await tokenStatus(a.client_id, b.client_secret)).toBe(401);
    expect(await tokenStatus(b.client_id, a.client_secret)).toBe(401);
  });

  it('retire_others_in_seconds: 0 ends the old secret at once; the new one works', async () => {
    const { body: created } = await create();
    const res = await t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, {
      retire_others_in_seconds: 0,
    });
    expect(res.status).toBe(201);
    const added = await res.json();
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(401);
    expect(await tokenStatus(created.client_id, added.client_secret)).toBe(200);
    const read = await (await t.admin('GET', `/v1/admin/clients/${created.client_id}`)).json();
    expect(read.secrets).toEqual([
      {
        id: created.secret_id,
        created_at: new Date(START).toISOString(),
        expires_at: new Date(START).toISOString(),
      },
      { id: added.secret_id, created_at: new Date(START).toISOString(), expires_at: null },
    ]);
  });

  it('retire_others_in_seconds keeps the overlap until then', async () => {
    const { body: created } = await create();
    const added = await (
      await t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, {
        retire_others_in_seconds: 120,
      })
    ).json();
    clock += 119_000;
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(200);
    clock += 1_000;
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(401);
    expect(await tokenStatus(created.client_id, added.client_secret)).toBe(200);
  });

  it('a later retirement never extends an earlier expiry', async () => {
    const { body: created } = await create();
    const short = await (
      await t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, { expires_in_seconds: 60 })
    ).json();
    await t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, {
      retire_others_in_seconds: 3600,
    });
    clock += 61_000;
    expect(await tokenStatus(created.client_id, short.client_secret)).toBe(401);
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(200);
  });

  it('honours expires_in_seconds', async () => {
    const { body: created } = await create();
    const res = await t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, {
      expires_in_seconds: 600,
    });
    const added = await res.json();
    expect(added.expires_at).toBe(new Date(START + 600_000).toISOString());
    expect(await tokenStatus(created.client_id, added.client_secret)).toBe(200);
    clock = START + 599_999;
    expect(await tokenStatus(created.client_id, added.client_secret)).toBe(200);
    clock = START + 600_000;
    expect(await tokenStatus(created.client_id, added.client_secret)).toBe(401);
    // The first secret never expires.
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(200);
  });

  it.each([
    [{ expires_in_seconds: 59 }],
    [{ expires_in_seconds: 1.5 }],
    [{ retire_others_in_seconds: -1 }],
    [{ retire_others_in_seconds: 30 * 86_400 + 1 }],
    [{ colour: 'red' }],
  ])('refuses %j with 400 invalid_request and adds nothing', async (fields) => {
    const { body: created } = await create();
    const res = await t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, fields);
    await expectProblem(res, 400, 'invalid_request');
    expect(await secretRows(created.client_id)).toHaveLength(1);
  });

  it('DELETE /secrets/{id} ends that secret only', async () => {
    const { body: created } = await create();
    const added = await (await t.admin('POST', `/v1/admin/clients/${created.client_id}/secrets`, {})).json();
    const res = await t.admin(
      'DELETE',
      `/v1/admin/clients/${created.client_id}/secrets/${created.secret_id}`,
    );
    expect(res.status).toBe(204);
    expect(await tokenStatus(created.client_id, created.client_secret)).toBe(401);
    expect(await tokenStatus(created.client_id, added.client_secret)).toBe(200);
    const read = await (await t.admin('GET', `/v1/admin/clients/${created.client_id}`)).json();
    expect(read.secrets.map((s: { id: string }) => s.id)).toEqual([added.secret_id]);
    await expectProblem(
      await t.admin('DELETE', `/v1/admin/clients/${created.client_id}/secrets/${created.secret_id}`),
      404,
      'client_not_found',
    );
  });

  it("cannot delete another client's secret through its own path", async () => {
    const a = (await create()).body;
    const b = (await create()).body;
    await expectProblem(
      await t.admin('DELETE', `/v1/admin/clients/${a.client_id}/secrets/${b.secret_id}`),
      404,
      'client_not_found',
    );
    expect(await tokenStatus(b.client_id, b.client_secret)).toBe(200);
  });
});

describe('an unknown client', () => {
  const unknown = 'svc_doesnotexist0000000000';
  it.each([
    ['GET', `/v1/admin/clients/${unknown}`, undefined],
    ['PATCH', `/v1/admin/clients/${unknown}`, { name: 'x' }],
    ['DELETE', `/v1/admin/clients/${unknown}`, undefined],
    ['POST', `/v1/admin/clients/${unknown}/secrets`, {}],
    ['DELETE', `/v1/admin/clients/${unknown}/secrets/sec_x`, undefined],
  ])('%s %s → 404 client_not_found', async (method, path, body) => {
    await expectProblem(await t.admin(method, path, body), 404, 'client_not_found');
    expect(await secretRows()).toEqual([]);
  });
});
