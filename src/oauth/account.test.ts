import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Preset } from '../providers/model.js';
import { dropbox } from '../providers/presets/dropbox.js';
import { github } from '../providers/presets/github.js';
import { microsoft } from '../providers/presets/microsoft.js';
import { salesforce } from '../providers/presets/salesforce.js';
import { shopify } from '../providers/presets/shopify.js';
import type { ProviderRecord } from '../providers/store.js';
import { UnexpectedResponseError } from '../upstream/errors.js';
import { createUpstreamFetch } from '../upstream/http-client.js';
import { accountFrom, fetchAccount, readsIdToken, resolvePointer } from './account.js';

// --- resolvePointer -------------------------------------------------------------------------------

describe('resolvePointer (RFC 6901)', () => {
  // RFC 6901 §5, verbatim.
  const doc = JSON.parse(`{
    "foo": ["bar", "baz"],
    "": 0,
    "a/b": 1,
    "c%d": 2,
    "e^f": 3,
    "g|h": 4,
    "i\\\\j": 5,
    "k\\"l": 6,
    " ": 7,
    "m~n": 8
  }`) as Record<string, unknown>;

  it('parsed the RFC document as the RFC means it', () => {
    expect(Object.keys(doc)).toEqual(['foo', '', 'a/b', 'c%d', 'e^f', 'g|h', 'i\\j', 'k"l', ' ', 'm~n']);
  });

  it.each<[string, unknown]>([
    ['', doc],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ])('%j → the RFC value', (pointer, expected) => {
    expect(resolvePointer(doc, pointer)).toEqual(expected);
  });

  it('"" is the whole document, by identity', () => {
    expect(resolvePointer(doc, '')).toBe(doc);
  });

  it('decodes ~1 before ~0, so ~01 is a literal ~1 (§4)', () => {
    const source = { '~1': 'tilde-one', '/': 'slash', '~': 'tilde' };
    expect(resolvePointer(source, '/~01')).toBe('tilde-one');
    expect(resolvePointer(source, '/~1')).toBe('slash');
    expect(resolvePointer(source, '/~0')).toBe('tilde');
  });

  it.each([
    '/nope',
    '/foo/2',
    '/foo/-',
    '/foo/01',
    '/foo/0/x',
    '/foo/0/length',
    '/a/b',
    '/c%25d',
    '//',
    '/ /x',
  ])('%j does not exist → undefined', (pointer) => {
    expect(resolvePointer(doc, pointer)).toBeUndefined();
  });

  it.each([
    '/constructor',
    '/__proto__',
    '/toString',
    '/hasOwnProperty',
    '/constructor/name',
    '/foo/length',
    '/foo/map',
  ])('inherited or built-in property %j → undefined', (pointer) => {
    expect(resolvePointer(doc, pointer)).toBeUndefined();
  });

  it('an own "__proto__" key from JSON is ordinary data', () => {
    const source = JSON.parse('{"__proto__": {"id": "own"}}') as unknown;
    expect(resolvePointer(source, '/__proto__/id')).toBe('own');
  });

  it('primitives and null have no children', () => {
    expect(resolvePointer('text', '/0')).toBeUndefined();
    expect(resolvePointer('text', '/length')).toBeUndefined();
    expect(resolvePointer(null, '/a')).toBeUndefined();
    expect(resolvePointer(undefined, '/a')).toBeUndefined();
    expect(resolvePointer({ a: null }, '/a/b')).toBeUndefined();
    expect(resolvePointer({ a: null }, '/a')).toBeNull();
  });
});

// --- fetchAccount against a real userinfo endpoint ------------------------------------------------

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      handler(req, res);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const answering = (status: number, value: unknown) =>
  serve((_req, res) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value)),
  );

const USER_AGENT = 'custodian-test/1 (account)';
const ACCESS_TOKEN = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';
const upstream = createUpstreamFetch({
  policy: { allowLoopbackHttp: true },
  timeoutMs: 2000,
  maxResponseBytes: 64 * 1024,
  userAgent: USER_AGENT,
});

function providerFrom(preset: Preset, userinfoUrl: string | null, overrides: Partial<ProviderRecord> = {}) {
  const { id, description: _description, docs_url: _docs, ...template } = structuredClone(preset);
  const record: ProviderRecord = {
    ...template,
    userinfo_url: userinfoUrl,
    provider_id: id,
    preset: id,
    is_enabled: true,
    client_id: 'client-id',
    client_secret_ciphertext: null,
    created_at: 0,
    updated_at: 0,
    ...overrides,
  };
  return record;
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.fail('expected fetchAccount to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnexpectedResponseError);
  expect((error as Error).message).not.toContain(ACCESS_TOKEN);
  return error as UnexpectedResponseError;
}

describe('fetchAccount', () => {
  it('GET userinfo with the exact Bearer and Accept headers (GitHub); numeric id as a string, fallback name', async () => {
    const { base, seen } = await answering(200, {
      login: 'octocat',
      id: 583231,
      node_id: 'MDQ6VXNlcjU4MzIzMQ==',
      name: null,
      email: null,
    });
    const provider = providerFrom(github, `${base}/user`);

    const account = await fetchAccount(upstream, provider, ACCESS_TOKEN, {});

    expect(account).toEqual({ user_id: '583231', email: null, display_name: 'octocat' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/user', body: '' });
    expect(seen[0]!.headers).toEqual({
      host: new URL(base).host,
      connection: 'keep-alive',
      authorization: `Bearer ${ACCESS_TOKEN}`,
      accept: 'application/json',
      'user-agent': USER_AGENT,
      'accept-encoding': 'identity',
    });
  });

  it('POST userinfo with the body `null` as application/json (Dropbox)', async () => {
    const { base, seen } = await answering(200, {
      account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
      name: { given_name: 'Franz', surname: 'Ferdinand', display_name: 'Franz Ferdinand (Personal)' },
      email: 'franz@example.com',
      email_verified: true,
    });
    const provider = providerFrom(dropbox, `${base}/2/users/get_current_account`);

    const account = await fetchAccount(upstream, provider, ACCESS_TOKEN, {});

    expect(account).toEqual({
      user_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
      email: 'franz@example.com',
      display_name: 'Franz Ferdinand (Personal)',
    });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/2/users/get_current_account', body: 'null' });
    expect(seen[0]!.headers).toEqual({
      host: new URL(base).host,
      connection: 'keep-alive',
      authorization: `Bearer ${ACCESS_TOKEN}`,
      accept: 'application/json',
      'content-type': 'application/json',
      'content-length': '4',
      'user-agent': USER_AGENT,
      'accept-encoding': 'identity',
    });
  });

  it("sends the bare token in the provider's own header and no Authorization (Shopify)", async () => {
    const { base, seen } = await answering(200, {
      data: { shop: { id: 'gid://shopify/Shop/1', name: 'Acme', email: 'owner@example.com' } },
    });
    const provider = providerFrom(shopify, `${base}/admin/api/2026-10/graphql.json`);

    const account = await fetchAccount(upstream, provider, ACCESS_TOKEN, {});

    expect(account).toEqual({
      user_id: 'gid://shopify/Shop/1',
      email: 'owner@example.com',
      display_name: 'Acme',
    });
    expect(seen[0]!.headers['x-shopify-access-token']).toBe(ACCESS_TOKEN);
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('tries pointers in order: the first present one wins, a missing or empty one falls through', async () => {
    const provider = (base: string) => providerFrom(salesforce, `${base}/services/oauth2/userinfo`);

    const both = await answering(200, {
      user_id: '005xx000001Sv6e',
      sub: 'https://login/id/00D/005',
      name: 'Ada',
    });
    expect((await fetchAccount(upstream, provider(both.base), ACCESS_TOKEN, {})).user_id).toBe(
      '005xx000001Sv6e',
    );

    const second = await answering(200, {
      sub: 'https://login/id/00D/005',
      name: '',
      preferred_username: 'ada@x',
    });
    expect(await fetchAccount(upstream, provider(second.base), ACCESS_TOKEN, {})).toEqual({
      user_id: 'https://login/id/00D/005',
      email: null,
      display_name: 'ada@x',
    });

    // Microsoft: personal accounts often have no `mail`; userPrincipalName is used instead.
    const graph = await answering(200, {
      id: '48d31887-5fad-4d73-a9f5-3c356e68a038',
      mail: null,
      userPrincipalName: 'ada@contoso.com',
      displayName: 'Ada Lovelace',
    });
    expect(
      await fetchAccount(upstream, providerFrom(microsoft, `${graph.base}/v1.0/me`), ACCESS_TOKEN, {}),
    ).toEqual({
      user_id: '48d31887-5fad-4d73-a9f5-3c356e68a038',
      email: 'ada@contoso.com',
      display_name: 'Ada Lovelace',
    });
  });

  it('numbers become strings; booleans, objects and arrays are not values', async () => {
    const { base } = await answering(200, { id: 0, email: true, name: { first: 'x' }, login: ['y'] });
    expect(await fetchAccount(upstream, providerFrom(github, `${base}/user`), ACCESS_TOKEN, {})).toEqual({
      user_id: '0',
      email: null,
      display_name: null,
    });
  });

  it('cuts over-long values to 512 characters', async () => {
    const { base } = await answering(200, {
      id: 'i'.repeat(2000),
      email: `${'e'.repeat(600)}@x`,
      name: 'n'.repeat(513),
    });
    const account = await fetchAccount(upstream, providerFrom(github, `${base}/user`), ACCESS_TOKEN, {});
    expect(account).toEqual({
      user_id: 'i'.repeat(512),
      email: 'e'.repeat(512),
      display_name: 'n'.repeat(512),
    });
  });

  it('userinfo 401 → UnexpectedResponseError with the status', async () => {
    const { base } = await serve((_req, res) =>
      res
        .writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': 'Bearer error="invalid_token"',
        })
        .end('{"message":"Bad credentials"}'),
    );
    const error = await failure(
      fetchAccount(upstream, providerFrom(github, `${base}/user`), ACCESS_TOKEN, {}),
    );
    expect(error).toMatchObject({ code: 'provider_bad_response', status: 401 });
  });

  it.each([
    ['non-JSON', 'text/html', '<html>Sign in</html>'],
    ['truncated JSON', 'application/json', '{"id": 1,'],
    ['a JSON array', 'application/json', '[{"id": 1}]'],
    ['JSON null', 'application/json', 'null'],
    ['a JSON string', 'application/json', '"583231"'],
  ])('userinfo answering %s → UnexpectedResponseError', async (_label, type, body) => {
    const { base } = await serve((_req, res) => res.writeHead(200, { 'content-type': type }).end(body));
    const error = await failure(
      fetchAccount(upstream, providerFrom(github, `${base}/user`), ACCESS_TOKEN, {}),
    );
    expect(error.status).toBe(200);
  });

  it.each([
    ['missing', { login: 'octocat' }],
    ['empty', { id: '', login: 'octocat' }],
    ['null', { id: null, login: 'octocat' }],
  ])('no user id (%s) → UnexpectedResponseError', async (_label, body) => {
    const { base } = await answering(200, body);
    const error = await failure(
      fetchAccount(upstream, providerFrom(github, `${base}/user`), ACCESS_TOKEN, {}),
    );
    expect(error.status).toBeUndefined();
  });

  it('userinfo_url null: reads the account from the token answer, and makes no request', async () => {
    const { base, seen } = await answering(200, { id: 'should-not-be-asked' });
    const provider = providerFrom(github, null, {
      token_url: `${base}/oauth/token`,
      userinfo: {
        method: 'GET',
        user_id: ['/athlete/id'],
        email: ['/athlete/email'],
        display_name: ['/athlete/username', '/athlete/firstname'],
      },
    });
    const tokenAnswer = {
      access_token: ACCESS_TOKEN,
      token_type: 'bearer',
      athlete: { id: 134815, username: null, firstname: 'Marianne' },
    };

    const account = await fetchAccount(upstream, provider, ACCESS_TOKEN, tokenAnswer);

    expect(account).toEqual({ user_id: '134815', email: null, display_name: 'Marianne' });
    expect(seen).toHaveLength(0);
  });

  it('userinfo_url null and no id in the token answer → UnexpectedResponseError', async () => {
    const provider = providerFrom(github, null, {
      userinfo: { method: 'GET', user_id: ['/athlete/id'], email: [], display_name: [] },
    });
    await failure(fetchAccount(upstream, provider, ACCESS_TOKEN, { access_token: ACCESS_TOKEN }));
  });
});

describe('accounts from ID token claims', () => {
  const urls = { issuer: 'https://sso.example', jwks_uri: 'https://sso.example/jwks', userinfo_url: null };

  it('reads the ID token only for an issuer with keys and no userinfo endpoint', () => {
    expect(readsIdToken(urls)).toBe(true);
    expect(readsIdToken({ ...urls, userinfo_url: 'https://sso.example/me' })).toBe(false);
    expect(readsIdToken({ ...urls, jwks_uri: null })).toBe(false);
    expect(readsIdToken({ ...urls, issuer: null })).toBe(false);
  });

  it('applies the provider’s pointers to the claims, and finds no account without an id', () => {
    const claims = { sub: 'u-1', email: 'a@example.com', name: 'Ada', oid: 'object-7', upn: 'ada@corp' };
    const standard = {
      method: 'GET' as const,
      user_id: ['/sub'],
      email: ['/email'],
      display_name: ['/name'],
    };
    expect(accountFrom(claims, standard)).toEqual({
      user_id: 'u-1',
      email: 'a@example.com',
      display_name: 'Ada',
    });
    const mapped = { method: 'GET' as const, user_id: ['/oid'], email: ['/upn'], display_name: [] };
    expect(accountFrom(claims, mapped)).toEqual({
      user_id: 'object-7',
      email: 'ada@corp',
      display_name: null,
    });
    expect(accountFrom(claims, { ...mapped, user_id: ['/missing'] })).toBeNull();
  });
});
