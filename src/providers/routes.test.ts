import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';

const SECRET = 'marker-client-secret-7d1f0c3a9b';

const custom = {
  provider_id: 'acme',
  display_name: 'Acme Cloud',
  client_id: 'acme-client',
  client_secret: SECRET,
  authorization_url: 'https://auth.acme.example/authorize',
  token_url: 'https://auth.acme.example/token',
  userinfo_url: 'https://api.acme.example/me',
  revocation_url: 'https://auth.acme.example/revoke',
  scopes: ['files.read', 'files.write'],
  userinfo: { user_id: ['/id'], email: ['/email'], display_name: ['/name'] },
};

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ dns: { 'evil.example': ['10.1.2.3'] } });
});
afterEach(async () => {
  await t.close();
});

async function json(response: Response) {
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

describe('POST /v1/admin/providers', () => {
  it('creates a provider from a preset with only client credentials', async () => {
    const res = await json(
      await t.admin('POST', '/v1/admin/providers', {
        preset: 'dropbox',
        client_id: 'id',
        client_secret: SECRET,
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      provider_id: 'dropbox',
      preset: 'dropbox',
      client_id: 'id',
      client_secret_set: true,
      authorization_params: { token_access_type: 'offline' },
      userinfo: { method: 'POST' },
      redirect_uri: 'https://broker.test/oauth/callback/dropbox',
      is_enabled: true,
    });
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it('lets any field override the preset, and a second provider use the same preset', async () => {
    const res = await json(
      await t.admin('POST', '/v1/admin/providers', {
        preset: 'google',
        provider_id: 'google-backup',
        display_name: 'Google (backups)',
        scopes: ['openid', 'https://www.googleapis.com/auth/drive.appdata'],
        client_id: 'gid',
        client_secret: SECRET,
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.provider_id).toBe('google-backup');
    expect(res.body.display_name).toBe('Google (backups)');
    expect(res.body.scopes).toEqual(['openid', 'https://www.googleapis.com/auth/drive.appdata']);
    expect(res.body.token_url).toMatch(/^https:\/\/oauth2\.googleapis\.com\//);
  });

  it('creates a fully custom provider with defaults filled in', async () => {
    const res = await json(await t.admin('POST', '/v1/admin/providers', custom));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      provider_id: 'acme',
      preset: null,
      pkce: true,
      client_auth_method: 'client_secret_basic',
      scope_separator: ' ',
      expiry_buffer_seconds: 300,
      // Unknown refresh-token lifetimes: idle grants are kept alive daily, no absolute end.
      refresh_token_idle_seconds: 86_400,
      refresh_token_max_seconds: null,
      userinfo: { method: 'GET', user_id: ['/id'] },
    });
    expect(res.body).not.toHaveProperty('client_secret');
  });

  it('accepts refresh-token lifetimes of exactly 30 seconds, on create and on patch', async () => {
    const lifetimes = { refresh_token_idle_seconds: 30, refresh_token_max_seconds: 30 };
    const res = await json(await t.admin('POST', '/v1/admin/providers', { ...custom, ...lifetimes }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject(lifetimes);
    expect((await json(await t.admin('GET', '/v1/admin/providers/acme'))).body).toMatchObject(lifetimes);
    const patched = await json(
      await t.admin('PATCH', '/v1/admin/providers/acme', {
        refresh_token_idle_seconds: 3600,
        refresh_token_max_seconds: null,
      }),
    );
    expect(patched.body).toMatchObject({ refresh_token_idle_seconds: 3600, refresh_token_max_seconds: null });
    const back = await json(await t.admin('PATCH', '/v1/admin/providers/acme', lifetimes));
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject(lifetimes);
  });

  it('stores the secret encrypted, never in the clear', async () => {
    await t.admin('POST', '/v1/admin/providers', custom);
    const record = await t.deps.database.db.select().from(t.deps.database.tables.providers);
    expect(record[0]?.clientSecret).toMatch(/^v1\.test1\./);
    expect(JSON.stringify(record)).not.toContain(SECRET);
    const where = { table: 'providers', column: 'client_secret', rowId: 'acme' };
    expect(t.deps.vault.decrypt(record[0]!.clientSecret!, where)).toBe(SECRET);
  });

  it('answers 409 provider_exists for a taken id and keeps the original', async () => {
    await t.admin('POST', '/v1/admin/providers', custom);
    const res = await json(
      await t.admin('POST', '/v1/admin/providers', { ...custom, display_name: 'Other' }),
    );
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('provider_exists');
    expect((await json(await t.admin('GET', '/v1/admin/providers/acme'))).body.display_name).toBe(
      'Acme Cloud',
    );
  });

  it.each([
    ['an unknown preset', { preset: 'nope', client_id: 'x', client_secret: 'y' }, 404, 'preset_not_found'],
    ['no provider_id and no preset', { ...custom, provider_id: undefined }, 400, 'invalid_request'],
    ['missing endpoints', { provider_id: 'x1', client_id: 'a', client_secret: 'b' }, 400, 'invalid_request'],
    ['an unknown field', { ...custom, colour: 'blue' }, 400, 'invalid_request'],
    ['a bad slug', { ...custom, provider_id: 'Has Spaces' }, 400, 'invalid_request'],
    ['a wrong type', { ...custom, pkce: 'yes' }, 400, 'invalid_request'],
    [
      'a reserved authorization param',
      { ...custom, authorization_params: { redirect_uri: 'https://x.example' } },
      400,
      'invalid_request',
    ],
    ['a reserved token param', { ...custom, token_params: { client_secret: 'x' } }, 400, 'invalid_request'],
    ['a bad JSON pointer', { ...custom, userinfo: { user_id: ['id'] } }, 400, 'invalid_request'],
    ['an idle lifetime under 30 s', { ...custom, refresh_token_idle_seconds: 29 }, 400, 'invalid_request'],
    ['a fractional max lifetime', { ...custom, refresh_token_max_seconds: 60.5 }, 400, 'invalid_request'],
    ['a string idle lifetime', { ...custom, refresh_token_idle_seconds: '90d' }, 400, 'invalid_request'],
    [
      'a secret at revocation for a public client',
      {
        ...custom,
        client_secret: undefined,
        client_auth_method: 'none',
        revocation_auth_method: 'client_secret_post',
      },
      400,
      'invalid_request',
    ],
    [
      'an unknown revocation auth method',
      { ...custom, revocation_auth_method: 'basic' },
      400,
      'invalid_request',
    ],
    [
      'no secret for a confidential client',
      { ...custom, client_secret: undefined },
      422,
      'client_secret_required',
    ],
    [
      'http to a public host',
      { ...custom, token_url: 'http://auth.acme.example/token' },
      422,
      'url_not_allowed',
    ],
    ['a private address', { ...custom, token_url: 'https://10.0.0.8/token' }, 422, 'url_not_allowed'],
    ['cloud metadata', { ...custom, userinfo_url: 'https://169.254.169.254/latest' }, 422, 'url_not_allowed'],
    [
      'a name resolving to a private address',
      { ...custom, revocation_url: 'https://evil.example/r' },
      422,
      'url_not_allowed',
    ],
    [
      'credentials in a URL',
      { ...custom, token_url: 'https://user:pw@auth.acme.example/token' },
      422,
      'url_not_allowed',
    ],
    [
      'loopback without the development setting',
      { ...custom, token_url: 'http://127.0.0.1:9000/token' },
      422,
      'url_not_allowed',
    ],
  ])('rejects %s with a problem and stores nothing', async (_name, body, status, code) => {
    const res = await json(await t.admin('POST', '/v1/admin/providers', body));
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.code).toBe(code);
    expect(res.body.detail).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(JSON.stringify(res.body)).not.toContain(':pw@');
    const list = await json(await t.admin('GET', '/v1/admin/providers'));
    expect(list.body.data).toEqual([]);
  });

  it('names every invalid field with a JSON pointer', async () => {
    const res = await json(
      await t.admin('POST', '/v1/admin/providers', { ...custom, pkce: 1, colour: 'x', scopes: ['a b'] }),
    );
    expect(res.status).toBe(400);
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/colour', '/pkce', '/scopes/0']);
  });
});

describe('loopback endpoints with the development setting', () => {
  it('accepts http://127.0.0.1 only when the setting is on', async () => {
    const dev = await createTestApp({ allowLoopbackHttp: true });
    try {
      const body = {
        ...custom,
        token_url: 'http://127.0.0.1:9000/token',
        authorization_url: 'http://localhost:9000/a',
      };
      expect((await dev.admin('POST', '/v1/admin/providers', body)).status).toBe(201);
      const stillPrivate = await dev.admin('POST', '/v1/admin/providers', {
        ...body,
        provider_id: 'p2',
        userinfo_url: 'http://10.0.0.1/me',
      });
      expect(stillPrivate.status).toBe(422);
    } finally {
      await dev.close();
    }
  });
});

describe('reading, listing, replacing, patching, deleting', () => {
  beforeEach(async () => {
    expect((await t.admin('POST', '/v1/admin/providers', custom)).status).toBe(201);
  });

  it('reads one provider without its secret', async () => {
    const res = await json(await t.admin('GET', '/v1/admin/providers/acme'));
    expect(res.status).toBe(200);
    expect(res.body.client_secret_set).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it('answers provider_not_found for an unknown id', async () => {
    const res = await json(await t.admin('GET', '/v1/admin/providers/missing'));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('provider_not_found');
  });

  it('pages through the list with a cursor', async () => {
    for (const id of ['b-one', 'c-two', 'd-three']) {
      await t.admin('POST', '/v1/admin/providers', { ...custom, provider_id: id });
    }
    const first = await json(await t.admin('GET', '/v1/admin/providers?limit=3'));
    expect(first.body.data.map((p: { provider_id: string }) => p.provider_id)).toEqual([
      'acme',
      'b-one',
      'c-two',
    ]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await json(
      await t.admin('GET', `/v1/admin/providers?limit=3&cursor=${first.body.next_cursor}`),
    );
    expect(second.body.data.map((p: { provider_id: string }) => p.provider_id)).toEqual(['d-three']);
    expect(second.body.next_cursor).toBeNull();
  });

  it.each([['limit=0'], ['limit=201'], ['limit=abc'], ['cursor=not-a-cursor'], ['surprise=1']])(
    'rejects the query %s',
    async (query) => {
      const res = await json(await t.admin('GET', `/v1/admin/providers?${query}`));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_request');
    },
  );

  it('patches fields and keeps the secret when no secret-bound field changes', async () => {
    const res = await json(
      await t.admin('PATCH', '/v1/admin/providers/acme', {
        display_name: 'Acme 2',
        is_enabled: false,
        revocation_url: 'https://auth.acme.example/revoke',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ display_name: 'Acme 2', is_enabled: false, client_secret_set: true });
    expect(res.body.created_at <= res.body.updated_at).toBe(true);
  });

  it.each([
    ['token_url', 'https://other.example/token'],
    ['userinfo_url', 'https://other.example/me'],
    ['revocation_url', null],
    ['client_id', 'new-client'],
  ])('requires the secret again when %s changes', async (field, value) => {
    const refused = await json(await t.admin('PATCH', '/v1/admin/providers/acme', { [field]: value }));
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('client_secret_required');
    const unchanged = await json(await t.admin('GET', '/v1/admin/providers/acme'));
    expect(unchanged.body[field]).toBe((custom as Record<string, unknown>)[field]);
    const accepted = await t.admin('PATCH', '/v1/admin/providers/acme', {
      [field]: value,
      client_secret: 'new-secret',
    });
    expect(accepted.status).toBe(200);
  });

  it('takes a jwks_uri only with an issuer, holds it to the URL rules, and needs no secret to change it', async () => {
    const keys = 'https://auth.acme.example/.well-known/jwks.json';
    const alone = await json(await t.admin('PATCH', '/v1/admin/providers/acme', { jwks_uri: keys }));
    expect(alone.status).toBe(400);
    expect(alone.body.errors).toEqual([{ pointer: '/jwks_uri', message: 'needs an issuer' }]);
    const hostile = await json(
      await t.admin('PATCH', '/v1/admin/providers/acme', {
        issuer: 'https://auth.acme.example',
        jwks_uri: 'https://evil.example/jwks',
      }),
    );
    expect(hostile.status).toBe(422);
    expect(hostile.body.code).toBe('url_not_allowed');
    expect(hostile.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/jwks_uri']);
    expect((await json(await t.admin('GET', '/v1/admin/providers/acme'))).body).toMatchObject({
      issuer: null,
      jwks_uri: null,
    });
    // Its keys vouch only for tokens from token_url, which stays bound to the secret.
    const accepted = await json(
      await t.admin('PATCH', '/v1/admin/providers/acme', {
        issuer: 'https://auth.acme.example',
        jwks_uri: keys,
      }),
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ jwks_uri: keys, client_secret_set: true });
    // Dropping the issuer would leave keys with nothing to check `iss` against.
    const orphaned = await json(await t.admin('PATCH', '/v1/admin/providers/acme', { issuer: null }));
    expect(orphaned.status).toBe(400);
  });

  it('replaces the whole definition with PUT', async () => {
    const { provider_id: _id, ...definition } = custom;
    const res = await json(
      await t.admin('PUT', '/v1/admin/providers/acme', { ...definition, scopes: ['only'], pkce: false }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scopes: ['only'], pkce: false, client_secret_set: true });
  });

  it('lets PUT keep the stored secret when nothing secret-bound changes', async () => {
    const { provider_id: _id, client_secret: _s, ...definition } = custom;
    const res = await json(await t.admin('PUT', '/v1/admin/providers/acme', definition));
    expect(res.status).toBe(200);
    expect(res.body.client_secret_set).toBe(true);
  });

  it('answers PUT without required fields with 400 and changes nothing', async () => {
    const res = await json(await t.admin('PUT', '/v1/admin/providers/acme', { client_id: 'x' }));
    expect(res.status).toBe(400);
    expect((await json(await t.admin('GET', '/v1/admin/providers/acme'))).body.client_id).toBe('acme-client');
  });

  it('deletes a provider', async () => {
    expect((await t.admin('DELETE', '/v1/admin/providers/acme')).status).toBe(204);
    expect((await t.admin('GET', '/v1/admin/providers/acme')).status).toBe(404);
    expect((await json(await t.admin('DELETE', '/v1/admin/providers/acme'))).body.code).toBe(
      'provider_not_found',
    );
  });

  it('lists only enabled providers on /v1/providers', async () => {
    await t.admin('POST', '/v1/admin/providers', { ...custom, provider_id: 'off', is_enabled: false });
    const res = await json(await t.service('GET', '/v1/providers'));
    expect(res.body).toEqual({
      data: [{ provider_id: 'acme', display_name: 'Acme Cloud', is_enabled: true }],
      next_cursor: null,
    });
  });
});

describe('refresh_grant_dead_errors', () => {
  const dead = [{ error: 'invalid_refresh_token' }, { error: 'expired_refresh_token', status: 401 }];

  it('is empty for a custom provider and filled from a preset', async () => {
    const acme = await json(await t.admin('POST', '/v1/admin/providers', custom));
    expect(acme.body.refresh_grant_dead_errors).toEqual([]);
    const slack = await json(
      await t.admin('POST', '/v1/admin/providers', { preset: 'slack', client_id: 'x', client_secret: 'y' }),
    );
    expect(slack.body.refresh_grant_dead_errors).toEqual([{ error: 'invalid_refresh_token' }]);
  });

  it('is accepted on create and read back the same, then replaced by a PATCH', async () => {
    const created = await json(
      await t.admin('POST', '/v1/admin/providers', { ...custom, refresh_grant_dead_errors: dead }),
    );
    expect(created.status).toBe(201);
    const read = await json(await t.admin('GET', '/v1/admin/providers/acme'));
    expect(read.body.refresh_grant_dead_errors).toEqual(dead);
    const patched = await json(
      await t.admin('PATCH', '/v1/admin/providers/acme', { refresh_grant_dead_errors: [] }),
    );
    expect(patched.status).toBe(200);
    expect(
      (await json(await t.admin('GET', '/v1/admin/providers/acme'))).body.refresh_grant_dead_errors,
    ).toEqual([]);
  });

  it.each([
    ['invalid_client (the broker’s registration)', [{ error: 'invalid_client' }], '/0/error'],
    [
      'unauthorized_client (the broker’s registration)',
      [dead[0], { error: 'unauthorized_client' }],
      '/1/error',
    ],
    ['an empty error', [{ error: '' }], '/0/error'],
    ['an error with a space', [{ error: 'bad token' }], '/0/error'],
    ['an error over 64 characters', [{ error: 'x'.repeat(65) }], '/0/error'],
    ['a 5xx status', [{ error: 'invalid_refresh_token', status: 503 }], '/0/status'],
    ['a 200 status', [{ error: 'invalid_refresh_token', status: 200 }], '/0/status'],
    ['a fractional status', [{ error: 'invalid_refresh_token', status: 400.5 }], '/0/status'],
    ['an unknown key', [{ error: 'invalid_refresh_token', reason: 'x' }], '/0/reason'],
    ['invalid_client named in `error` explicitly', [{ error: 'invalid_client', field: 'error' }], '/0/error'],
    ['a field that is a path, not a member', [{ error: 'BAD', field: 'errors/0/code' }], '/0/field'],
    ['an empty field', [{ error: 'BAD', field: '' }], '/0/field'],
    ['a field over 32 characters', [{ error: 'BAD', field: `f${'x'.repeat(32)}` }], '/0/field'],
    ['a field starting with _ (__proto__)', [{ error: 'BAD', field: '__proto__' }], '/0/field'],
    ['a field that may carry a token', [{ error: 'BAD', field: 'refresh_token' }], '/0/field'],
    ['a field that may carry a secret', [{ error: 'BAD', field: 'clientSecret' }], '/0/field'],
    ['more than 10 entries', Array.from({ length: 11 }, (_, i) => ({ error: `e${i}` })), ''],
  ])('refuses %s with a 400 naming the entry, and stores nothing', async (_name, list, pointer) => {
    const res = await json(
      await t.admin('POST', '/v1/admin/providers', { ...custom, refresh_grant_dead_errors: list }),
    );
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.code).toBe('invalid_request');
    expect(res.body.errors).toEqual([
      { pointer: `/refresh_grant_dead_errors${pointer}`, message: expect.any(String) },
    ]);
    expect((await json(await t.admin('GET', '/v1/admin/providers'))).body.data).toEqual([]);
  });

  it('takes the member that carries the code (HubSpot: `status`), and fills it from the HubSpot preset', async () => {
    const inStatus = [{ error: 'BAD_REFRESH_TOKEN', field: 'status', status: 400 }];
    const created = await json(
      await t.admin('POST', '/v1/admin/providers', { ...custom, refresh_grant_dead_errors: inStatus }),
    );
    expect(created.status).toBe(201);
    expect(created.body.refresh_grant_dead_errors).toEqual(inStatus);
    const hubspot = await json(
      await t.admin('POST', '/v1/admin/providers', { preset: 'hubspot', client_id: 'x', client_secret: 'y' }),
    );
    expect(hubspot.body.refresh_grant_dead_errors).toEqual(inStatus);
    // Outside `error` a code is the provider's own word, even one that reads like OAuth's.
    const patched = await json(
      await t.admin('PATCH', '/v1/admin/providers/acme', {
        refresh_grant_dead_errors: [{ error: 'invalid_client', field: 'category' }],
      }),
    );
    expect(patched.status).toBe(200);
  });

  it('says why invalid_client is refused, and refuses it on PATCH without changing the stored list', async () => {
    await t.admin('POST', '/v1/admin/providers', { ...custom, refresh_grant_dead_errors: dead });
    const res = await json(
      await t.admin('PATCH', '/v1/admin/providers/acme', {
        refresh_grant_dead_errors: [{ error: 'invalid_client' }],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/registration/);
    expect(
      (await json(await t.admin('GET', '/v1/admin/providers/acme'))).body.refresh_grant_dead_errors,
    ).toEqual(dead);
  });
});

describe('metadata pointers', () => {
  const request = (metadata: Record<string, string>) => [{ url: 'https://api.acme.example/me', metadata }];

  it.each([
    ['a top-level token', '/access_token'],
    ['a token nested under the user (Slack’s authed_user)', '/authed_user/access_token'],
    ['a refresh token inside an array', '/grants/0/refresh_token'],
    ['a member below an ID token', '/id_token/sub'],
    ['a secret', '/app/client_secret'],
    ['a password, in any case', '/Login/PassWord'],
    ['a credential object', '/credentials/key'],
    ['a PKCE verifier', '/pkce/code_verifier'],
    ['a token member hidden behind an RFC 6901 escape', '/a~1accessToken'],
  ])(
    'refuses %s in token_response_metadata and metadata_requests, naming the entry',
    async (_name, target) => {
      for (const [field, body, pointer] of [
        ['token_response_metadata', { leak: target }, '/token_response_metadata/leak'],
        ['metadata_requests', request({ leak: target }), '/metadata_requests/0/metadata/leak'],
      ] as const) {
        const res = await json(await t.admin('POST', '/v1/admin/providers', { ...custom, [field]: body }));
        expect(res.status, field).toBe(400);
        expect(res.body.code).toBe('invalid_request');
        expect(res.body.errors).toEqual([
          { pointer, message: expect.stringContaining('must not point at a token or secret') },
        ]);
      }
      expect((await json(await t.admin('GET', '/v1/admin/providers'))).body.data).toEqual([]);
    },
  );

  it('accepts pointers whose segments name no secret (Salesforce’s instance_url, Slack’s team, Xero’s tenant)', async () => {
    const res = await json(
      await t.admin('POST', '/v1/admin/providers', {
        ...custom,
        token_response_metadata: { instance_url: '/instance_url', team_id: '/team/id' },
        metadata_requests: request({ tenant_id: '/0/tenantId' }),
      }),
    );
    expect(res.status).toBe(201);
  });
});

describe('callback metadata', () => {
  it.each(['code', 'state', 'iss', 'error', 'id_token', 'access_token', 'session_secret'])(
    'refuses to keep the redirect’s %s parameter',
    async (parameter) => {
      const res = await json(
        await t.admin('POST', '/v1/admin/providers', { ...custom, callback_metadata: { kept: parameter } }),
      );
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        {
          pointer: '/callback_metadata/kept',
          message: expect.stringContaining('must not be an OAuth parameter'),
        },
      ]);
      expect((await json(await t.admin('GET', '/v1/admin/providers'))).body.data).toEqual([]);
    },
  );

  it('keeps an account parameter such as QuickBooks’ realmId', async () => {
    const res = await json(
      await t.admin('POST', '/v1/admin/providers', { ...custom, callback_metadata: { realm_id: 'realmId' } }),
    );
    expect(res.status).toBe(201);
  });
});

describe('GET /v1/admin/provider-presets', () => {
  it('lists the catalog, paginated', async () => {
    const all = await json(await t.admin('GET', '/v1/admin/provider-presets?limit=200'));
    const ids = all.body.data.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['box', 'dropbox', 'github', 'google', 'microsoft']));
    const first = await json(await t.admin('GET', '/v1/admin/provider-presets?limit=2'));
    const second = await json(
      await t.admin('GET', `/v1/admin/provider-presets?limit=2&cursor=${first.body.next_cursor}`),
    );
    expect([...first.body.data, ...second.body.data].map((p: { id: string }) => p.id)).toEqual(
      ids.slice(0, 4),
    );
  });
});
