import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDropbox, startFakeDropbox } from './fake-dropbox.js';

const redirectUri = 'http://127.0.0.1:9/callback/dropbox';
let dbx: FakeDropbox;

const basic = () =>
  `Basic ${Buffer.from(`${encodeURIComponent(dbx.clientId)}:${encodeURIComponent(dbx.clientSecret)}`).toString('base64')}`;

function authorizeUrl(overrides: Record<string, string | undefined> = {}, verifier = 'v'.repeat(43)) {
  const params: Record<string, string | undefined> = {
    client_id: dbx.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    token_access_type: 'offline',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 'st4te',
    ...overrides,
  };
  const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return `${dbx.endpoints.authorization}?${new URLSearchParams(defined)}`;
}

/** Authorizes and returns the code with its verifier. */
async function getCode() {
  const verifier = randomBytes(32).toString('base64url');
  const res = await fetch(authorizeUrl({}, verifier), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  return { code: location.searchParams.get('code')!, verifier, location };
}

async function token(params: Record<string, string>, init: { auth?: 'basic' | 'body' | 'both' } = {}) {
  const auth = init.auth ?? 'basic';
  const body = new URLSearchParams(params);
  if (auth !== 'basic') body.set('client_id', dbx.clientId);
  if (auth !== 'basic') body.set('client_secret', dbx.clientSecret);
  const res = await fetch(dbx.endpoints.token, {
    method: 'POST',
    headers: auth === 'body' ? {} : { authorization: basic() },
    body,
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as Record<string, string>,
  };
}

const codeGrant = (code: string, verifier: string) => ({
  grant_type: 'authorization_code',
  code,
  redirect_uri: redirectUri,
  code_verifier: verifier,
});

function userinfo(accessToken: string, init: RequestInit = {}) {
  return fetch(dbx.endpoints.userinfo, {
    method: 'POST',
    body: 'null',
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...init.headers },
  });
}

beforeAll(async () => {
  dbx = await startFakeDropbox({ redirectUris: [redirectUri] });
});
afterAll(() => dbx.close());
beforeEach(() => {
  dbx.tokenMode = 'ok';
  dbx.userinfoMode = 'ok';
});

describe('fake Dropbox: happy path', () => {
  it('authorizes, exchanges the code, refreshes without a new refresh token, and reads the account', async () => {
    const { code, verifier, location } = await getCode();
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('st4te');
    expect(location.searchParams.has('iss')).toBe(false);

    const first = await token(codeGrant(code, verifier));
    expect(first.status).toBe(200);
    expect(first.type).toBe('application/json');
    expect(first.body).toMatchObject({ token_type: 'bearer', account_id: dbx.account.account_id });
    expect(Object.keys(first.body).sort()).toEqual([
      'access_token',
      'account_id',
      'refresh_token',
      'scope',
      'token_type',
      'uid',
    ]);
    expect(dbx.issued.refreshTokens).toContain(first.body.refresh_token);

    const refreshed = await token(
      { grant_type: 'refresh_token', refresh_token: first.body.refresh_token! },
      { auth: 'body' },
    );
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body).sort()).toEqual(['access_token', 'scope', 'token_type']);
    expect(refreshed.body.access_token).not.toBe(first.body.access_token);

    dbx.account = { account_id: 'dbid:AAA', email: 'ada@example.test', display_name: 'Ada Lovelace' };
    const me = await userinfo(refreshed.body.access_token!);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      account_id: 'dbid:AAA',
      email: 'ada@example.test',
      name: { display_name: 'Ada Lovelace', given_name: 'Ada', surname: 'Lovelace', abbreviated_name: 'AL' },
    });
    expect(dbx.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/2/users/get_current_account',
      body: 'null',
    });

    dbx.expireAccessTokens();
    const expired = await userinfo(refreshed.body.access_token!);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { '.tag': 'expired_access_token' } });
  });

  it('denies once after denyNext()', async () => {
    dbx.denyNext();
    const res = await fetch(authorizeUrl(), { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st4te');
    expect(location.searchParams.has('code')).toBe(false);
    expect((await getCode()).code).toBeTruthy();
  });
});

describe('fake Dropbox: rule violations', () => {
  it.each([
    ['missing token_access_type=offline', { token_access_type: undefined }],
    ['token_access_type=online', { token_access_type: 'online' }],
    ['unregistered redirect_uri', { redirect_uri: `${redirectUri}/x` }],
    ['plain PKCE', { code_challenge_method: 'plain' }],
    ['no state', { state: undefined }],
    ['unknown client', { client_id: 'nope' }],
  ])('rejects an authorization with %s', async (_name, overrides) => {
    const res = await fetch(authorizeUrl(overrides), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('rejects a wrong verifier, then a reused code, and a wrong redirect_uri', async () => {
    const { code, verifier } = await getCode();
    expect(await token(codeGrant(code, 'w'.repeat(43)))).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    const ok = await token(codeGrant(code, verifier));
    expect(ok.status).toBe(200);
    expect(await token(codeGrant(code, verifier))).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // The reuse revoked what the code had produced.
    expect((await userinfo(ok.body.access_token!)).status).toBe(401);

    const other = await getCode();
    const wrongRedirect = { ...codeGrant(other.code, other.verifier), redirect_uri: `${redirectUri}/x` };
    expect(await token(wrongRedirect)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('rejects both client authentication methods at once, bad credentials and unknown refresh tokens', async () => {
    const { code, verifier } = await getCode();
    const both = await token(codeGrant(code, verifier), { auth: 'both' });
    expect(both).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(both.body.error_description).toBeTruthy();

    const res = await fetch(dbx.endpoints.token, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${dbx.clientId}:wrong`).toString('base64')}` },
      body: new URLSearchParams(codeGrant(code, verifier)),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    expect(await token({ grant_type: 'refresh_token', refresh_token: 'nope' })).toMatchObject({
      body: { error: 'invalid_grant' },
    });
  });

  it('rejects userinfo by GET, without a body, with {}, with a bad token', async () => {
    const { code, verifier } = await getCode();
    const { access_token } = (await token(codeGrant(code, verifier))).body;
    expect(
      (await fetch(dbx.endpoints.userinfo, { headers: { authorization: `Bearer ${access_token}` } })).status,
    ).toBe(405);

    const noBody = await userinfo(access_token!, { body: '' });
    expect(noBody.status).toBe(400);
    expect(noBody.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await userinfo(access_token!, { body: '{}' })).status).toBe(400);
    expect((await userinfo(access_token!, { headers: { 'content-type': 'text/plain' } })).status).toBe(400);
    const bad = await userinfo('sl.not-issued');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { '.tag': 'invalid_access_token' } });
  });
});

describe('fake Dropbox: failure modes', () => {
  it('answers token requests as tokenMode says', async () => {
    const { code, verifier } = await getCode();
    const post = () =>
      fetch(dbx.endpoints.token, {
        method: 'POST',
        headers: { authorization: basic() },
        body: new URLSearchParams(codeGrant(code, verifier)),
      });

    dbx.tokenMode = 'status500';
    expect((await post()).status).toBe(500);
    dbx.tokenMode = 'html';
    const html = await post();
    expect([html.status, html.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    dbx.tokenMode = 'oversized';
    expect((await (await post()).text()).length).toBeGreaterThan(5 * 1024 * 1024);
    dbx.tokenMode = 'error200';
    const error200 = await post();
    expect([error200.status, (await error200.json()).error]).toEqual([200, 'invalid_grant']);
    dbx.tokenMode = 'hang';
    await expect(
      fetch(dbx.endpoints.token, { method: 'POST', signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    // The failures did not use the code up.
    dbx.tokenMode = 'no_token_type';
    const noType = await token(codeGrant(code, verifier));
    expect(noType.status).toBe(200);
    expect(noType.body.token_type).toBeUndefined();
  });

  it('answers userinfo as userinfoMode says', async () => {
    dbx.userinfoMode = 'status500';
    expect((await userinfo('any')).status).toBe(500);
    dbx.userinfoMode = 'html';
    expect((await userinfo('any')).headers.get('content-type')).toMatch(/^text\/html/);
    dbx.userinfoMode = 'hang';
    await expect(userinfo('any', { signal: AbortSignal.timeout(200) })).rejects.toThrow();
  });
});
