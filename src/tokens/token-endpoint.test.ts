import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../test-support/app.js';

/** POST /oauth/token with client_credentials: client authentication and the service token it answers. */

const BROKER = 'https://broker.test';
const FORM = 'application/x-www-form-urlencoded';

let t: TestApp;
let client: TestClient;
beforeEach(async () => {
  t = await createTestApp();
  client = await t.client();
});
afterEach(async () => {
  await t.close();
});

/** RFC 6749 §2.3.1: each part form-urlencoded, then `id:secret` in base64. */
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
const basic = (id: string, secret: string, encode: (s: string) => string = formEncode) =>
  `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`, 'utf8').toString('base64')}`;
/** Every byte percent-encoded: unusual but valid form-urlencoding. */
const percentAll = (value: string) =>
  [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return Promise.resolve(
    t.app.request(path, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body }),
  );
}
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const credentialsForm = (extra: Record<string, string> = {}) =>
  form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret,
    ...extra,
  });

async function expectOAuthError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = await res.json();
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  return body;
}

async function expectToken(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
  const body = await res.json();
  expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
  expect(body.token_type).toBe('Bearer');
  expect(body.expires_in).toBeGreaterThan(0);
  expect(body.expires_in).toBeLessThanOrEqual(300);
  return body as { access_token: string; token_type: string; expires_in: number };
}

describe('client authentication', () => {
  it('client_secret_basic, with the parts form-urlencoded', async () => {
    await expectToken(
      await post('/oauth/token', form({ grant_type: 'client_credentials' }), {
        authorization: basic(client.clientId, client.secret),
      }),
    );
  });

  it('client_secret_basic with raw parts (valid urlencoding as they are) and with every byte encoded', async () => {
    await expectToken(
      await post('/oauth/token', form({ grant_type: 'client_credentials' }), {
        authorization: basic(client.clientId, client.secret, (s) => s),
      }),
    );
    await expectToken(
      await post('/oauth/token', form({ grant_type: 'client_credentials' }), {
        authorization: basic(client.clientId, client.secret, percentAll),
      }),
    );
  });

  it('client_secret_basic: the scheme name is case-insensitive', async () => {
    const header = basic(client.clientId, client.secret).replace('Basic', 'bAsIc');
    await expectToken(
      await post('/oauth/token', form({ grant_type: 'client_credentials' }), { authorization: header }),
    );
  });

  it('client_secret_basic with a matching client_id in the body', async () => {
    await expectToken(
      await post('/oauth/token', form({ grant_type: 'client_credentials', client_id: client.clientId }), {
        authorization: basic(client.clientId, client.secret),
      }),
    );
  });

  it('client_secret_post', async () => {
    await expectToken(await post('/oauth/token', credentialsForm()));
  });

  it('both methods at once → 400 invalid_request', async () => {
    const res = await post('/oauth/token', credentialsForm(), {
      authorization: basic(client.clientId, client.secret),
    });
    await expectOAuthError(res, 400, 'invalid_request');
  });

  it('a Basic client id that differs from the posted client_id → 400 invalid_request', async () => {
    const other = await t.client();
    const res = await post(
      '/oauth/token',
      form({ grant_type: 'client_credentials', client_id: other.clientId }),
      {
        authorization: basic(client.clientId, client.secret),
      },
    );
    await expectOAuthError(res, 400, 'invalid_request');
  });

  it('Basic parts that are not valid form-urlencoding → 400 invalid_request', async () => {
    const res = await post('/oauth/token', form({ grant_type: 'client_credentials' }), {
      authorization: basic(client.clientId, `${client.secret}%zz`, (s) => s),
    });
    await expectOAuthError(res, 400, 'invalid_request');
  });

  describe('failures → 401 invalid_client', () => {
    const cases: Array<[string, () => Promise<{ id: string; secret: string }>]> = [
      [
        'a wrong secret',
        // Its last character changed (to one it is not: a secret ending in A would otherwise stay right).
        async () => ({
          id: client.clientId,
          secret: `${client.secret.slice(0, -1)}${client.secret.endsWith('A') ? 'B' : 'A'}`,
        }),
      ],
      ['an empty secret', async () => ({ id: client.clientId, secret: '' })],
      ['an unknown client', async () => ({ id: 'svc_unknown000000000000000', secret: client.secret })],
      [
        'a disabled client',
        async () => {
          const res = await t.admin('PATCH', `/v1/admin/clients/${client.clientId}`, { is_enabled: false });
          expect(res.status).toBe(200);
          return { id: client.clientId, secret: client.secret };
        },
      ],
      [
        'a deleted client',
        async () => {
          expect((await t.admin('DELETE', `/v1/admin/clients/${client.clientId}`)).status).toBe(204);
          return { id: client.clientId, secret: client.secret };
        },
      ],
    ];

    it.each(cases)('%s, with Basic: a Basic challenge', async (_what, setup) => {
      const { id, secret } = await setup();
      const res = await post('/oauth/token', form({ grant_type: 'client_credentials' }), {
        authorization: basic(id, secret),
      });
      await expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="custodian"/);
    });

    it.each(cases)('%s, with client_secret_post', async (_what, setup) => {
      const { id, secret } = await setup();
      const res = await post(
        '/oauth/token',
        form({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
      );
      await expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toBeNull();
    });

    it('no client authentication at all', async () => {
      await expectOAuthError(
        await post('/oauth/token', form({ grant_type: 'client_credentials' })),
        401,
        'invalid_client',
      );
      await expectOAuthError(
        await post('/oauth/token', form({ grant_type: 'client_credentials', client_id: client.clientId })),
        401,
        'invalid_client',
      );
    });

    it.each([
      ['not base64', 'Basic !!!'],
      ['no colon', `Basic ${Buffer.from('just-an-id').toString('base64')}`],
      ['no credentials', 'Basic '],
    ])('a malformed Basic header (%s)', async (_what, header) => {
      const res = await post('/oauth/token', form({ grant_type: 'client_credentials' }), {
        authorization: header,
      });
      await expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    });

    it('the error never echoes the presented secret', async () => {
      const res = await post('/oauth/token', form({ grant_type: 'client_credentials' }), {
        authorization: basic(client.clientId, 'cs_marker-wrong-secret'),
      });
      expect(await res.text()).not.toContain('marker-wrong-secret');
    });
  });
});

describe('request checks', () => {
  it('a repeated parameter → 400 invalid_request', async () => {
    await expectOAuthError(
      await post('/oauth/token', `${credentialsForm()}&grant_type=client_credentials`),
      400,
      'invalid_request',
    );
    await expectOAuthError(
      await post('/oauth/token', `${credentialsForm()}&client_secret=${client.secret}`),
      400,
      'invalid_request',
    );
  });

  it('a JSON body → 415, in the OAuth error form', async () => {
    const res = await Promise.resolve(
      t.app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: client.secret,
        }),
      }),
    );
    await expectOAuthError(res, 415, 'invalid_request');
  });

  it('no body at all → 415 in the OAuth error form', async () => {
    const res = await Promise.resolve(t.app.request('/oauth/token', { method: 'POST' }));
    await expectOAuthError(res, 415, 'invalid_request');
  });

  it('a missing grant_type → 400 invalid_request', async () => {
    await expectOAuthError(
      await post('/oauth/token', form({ client_id: client.clientId, client_secret: client.secret })),
      400,
      'invalid_request',
    );
  });

  it.each(['password', 'authorization_code', 'refresh_token', 'CLIENT_CREDENTIALS', ''])(
    'grant_type %j → 400 unsupported_grant_type',
    async (grantType) => {
      await expectOAuthError(
        await post('/oauth/token', credentialsForm({ grant_type: grantType })),
        400,
        'unsupported_grant_type',
      );
    },
  );

  it('GET /oauth/token → 405', async () => {
    const res = await Promise.resolve(t.app.request('/oauth/token'));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('the service token', () => {
  it('is an ES256 at+jwt for the broker, signed with a key in the JWKS', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { access_token: token, expires_in: expiresIn } = await expectToken(
      await post('/oauth/token', credentialsForm()),
    );
    expect(token.split('.')).toHaveLength(3);

    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe('ES256');
    expect(header.typ).toBe('at+jwt');
    expect(typeof header.kid).toBe('string');

    const jwks = await Promise.resolve(t.app.request('/.well-known/jwks.json'));
    expect(jwks.status).toBe(200);
    const { keys } = await jwks.json();
    const key = keys.find((k: { kid: string }) => k.kid === header.kid);
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: header.kid });
    expect(typeof key.x).toBe('string');
    expect(typeof key.y).toBe('string');
    for (const k of keys) expect(k).not.toHaveProperty('d');

    const claims = decodeJwt(token);
    expect(claims.iss).toBe(BROKER);
    expect(claims.aud).toBe(BROKER);
    expect(claims.sub).toBe(client.clientId);
    expect(typeof claims.jti).toBe('string');
    expect(claims.jti!.length).toBeGreaterThanOrEqual(22);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(claims.exp! - claims.iat!).toBeGreaterThan(0);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
    expect(claims.exp! - claims.iat!).toBe(expiresIn);
  });

  it('has a fresh jti every time', async () => {
    const jtis = new Set<string>();
    const tokens = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { access_token: token } = await expectToken(await post('/oauth/token', credentialsForm()));
      tokens.add(token);
      jtis.add(decodeJwt(token).jti!);
    }
    const other = await t.client();
    jtis.add(decodeJwt(await other.token()).jti!);
    expect(tokens.size).toBe(5);
    expect(jtis.size).toBe(6);
  });

  it('carries no secret', async () => {
    const { access_token: token } = await expectToken(await post('/oauth/token', credentialsForm()));
    const text = JSON.stringify([decodeProtectedHeader(token), decodeJwt(token)]);
    expect(text).not.toContain(client.secret);
  });

  it('works on a service route', async () => {
    const { access_token: token } = await expectToken(await post('/oauth/token', credentialsForm()));
    const res = await Promise.resolve(
      t.app.request('/v1/connections', { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(res.status).toBe(200);
  });
});

describe('GET /.well-known/oauth-authorization-server', () => {
  it('lists the endpoints, grant types and authentication methods', async () => {
    const res = await Promise.resolve(t.app.request('/.well-known/oauth-authorization-server'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      issuer: BROKER,
      token_endpoint: `${BROKER}/oauth/token`,
      revocation_endpoint: `${BROKER}/oauth/revoke`,
      jwks_uri: `${BROKER}/.well-known/jwks.json`,
    });
    expect(body.grant_types_supported).toEqual(
      expect.arrayContaining(['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange']),
    );
    expect([...body.token_endpoint_auth_methods_supported].sort()).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect([...body.revocation_endpoint_auth_methods_supported].sort()).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    // The metadata's issuer is the one in the tokens.
    expect(decodeJwt(await client.token()).iss).toBe(body.issuer);
  });
});
