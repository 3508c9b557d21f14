import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Preset } from '../providers/model.js';
import { box } from '../providers/presets/box.js';
import { calendly } from '../providers/presets/calendly.js';
import { github } from '../providers/presets/github.js';
import { google } from '../providers/presets/google.js';
import { hubspot } from '../providers/presets/hubspot.js';
import { salesforce } from '../providers/presets/salesforce.js';
import { xero } from '../providers/presets/xero.js';
import { ProviderError, UnexpectedResponseError, UpstreamNetworkError } from '../upstream/errors.js';
import { createUpstreamFetch, type UpstreamFetchOptions } from '../upstream/http-client.js';
import {
  exchangeCode,
  type ProviderClientDeps,
  type ProviderWithSecret,
  refreshTokens,
  revokeToken,
} from './provider-client.js';

// --- a real provider on 127.0.0.1 -------------------------------------------------------------

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The body exactly as received, as bytes and as latin1-free UTF-8 text. */
  bytes: Buffer;
  body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

async function serve(handler: Handler) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const entry = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        bytes,
        body: bytes.toString(),
      };
      seen.push(entry);
      handler(req, res, entry);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen };
}

const json = (
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: http.OutgoingHttpHeaders = {},
) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));

/** A provider whose token endpoint always gives the same answer. */
const answering = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) =>
  serve((_req, res) => json(res, status, value, headers));

// --- the broker side --------------------------------------------------------------------------

const NOW = Date.UTC(2030, 0, 2, 3, 4, 5);
const USER_AGENT = 'custodian-test/1 (provider-client)';
const CLIENT_ID = 'custodian:app';
// Every character RFC 6749 §2.3.1 makes a client trip over: %, +, :, space, and non-ASCII.
const CLIENT_SECRET = 's3%cr+t:pa ss€';
const CODE = 'SplxlOBeZQQYbYS6WxSbIA/+=';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const REDIRECT_URI = 'https://broker.test/connect/callback';
const ACCESS_TOKEN = 'at-SERVER-2YotnFZFEjr1zCsicMWpAA';
const REFRESH_TOKEN = 'rt-SERVER-tGzv3JOkF0XG5Qx2TlKWIA';
const OLD_REFRESH_TOKEN = 'rt-STORED-8xLOxBtZp8';

/** Everything that must never appear in an error the broker gets (and may log). */
const SECRETS = [
  CLIENT_SECRET,
  's3%25cr%2Bt%3Apa+ss%E2%82%AC', // the secret, form-encoded
  Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
  Buffer.from('custodian%3Aapp:s3%25cr%2Bt%3Apa+ss%E2%82%AC').toString('base64'),
  CODE,
  encodeURIComponent(CODE),
  VERIFIER,
  ACCESS_TOKEN,
  REFRESH_TOKEN,
  OLD_REFRESH_TOKEN,
];

function deps(fetchOptions: Partial<UpstreamFetchOptions> = {}): ProviderClientDeps {
  return {
    fetch: createUpstreamFetch({
      policy: { allowLoopbackHttp: true },
      timeoutMs: 2000,
      maxResponseBytes: 64 * 1024,
      userAgent: USER_AGENT,
      ...fetchOptions,
    }),
    now: () => NOW,
    allowInsecureRequests: true,
  };
}

/** A stored provider from a real preset, pointed at the local server. */
function providerFrom(preset: Preset, base: string, overrides: Partial<ProviderWithSecret> = {}) {
  const { id, description: _description, docs_url: _docs, ...template } = structuredClone(preset);
  const record: ProviderWithSecret = {
    ...template,
    authorization_url: `${base}/authorize`,
    token_url: `${base}/oauth/token`,
    userinfo_url: `${base}/userinfo`,
    revocation_url: template.revocation_url === null ? null : `${base}/oauth/revoke`,
    provider_id: id,
    preset: id,
    is_enabled: true,
    client_id: CLIENT_ID,
    client_secret_ciphertext: 'v1.test1.not-really-ciphertext',
    client_secret: CLIENT_SECRET,
    created_at: NOW - 86_400_000,
    updated_at: NOW - 86_400_000,
    ...overrides,
  };
  return record;
}

const grant = (codeVerifier: string | null = VERIFIER) => ({
  code: CODE,
  redirectUri: REDIRECT_URI,
  codeVerifier,
});

/** Every text an error exposes: messages, stacks, own properties, down the whole `cause` chain. */
function exposedText(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: 20, showHidden: true })];
  const visited = new Set<unknown>();
  let node: unknown = error;
  while (node !== null && node !== undefined && !visited.has(node)) {
    visited.add(node);
    parts.push(String(node));
    if (typeof node !== 'object') break;
    if (node instanceof Error) parts.push(node.message, node.stack ?? '');
    try {
      parts.push(JSON.stringify(node) ?? '');
    } catch {
      // circular or otherwise unserialisable: inspect above covered it
    }
    for (const key of Object.getOwnPropertyNames(node)) {
      const value = (node as Record<string, unknown>)[key];
      try {
        parts.push(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
      } catch {
        parts.push(String(value));
      }
    }
    node = (node as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/** The rejection of `promise`, checked to be of `type` and to leak none of the secrets. */
async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T) {
  const error = await promise.then(
    (value) => expect.fail(`expected a rejection, got ${inspect(value)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  const text = exposedText(error);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  return error as T;
}

const FORM = 'application/x-www-form-urlencoded;charset=UTF-8';

/** The headers every token request carries, besides the client authentication. */
function tokenRequestHeaders(base: string, body: Buffer) {
  return {
    host: new URL(base).host,
    connection: 'keep-alive',
    'user-agent': USER_AGENT,
    accept: 'application/json',
    'accept-encoding': 'identity',
    'content-type': FORM,
    'content-length': String(body.length),
  };
}

const tokenAnswer = {
  access_token: ACCESS_TOKEN,
  token_type: 'Bearer',
  expires_in: 1800,
  refresh_token: REFRESH_TOKEN,
  scope: 'openid offline_access accounting.transactions',
};

it('the leak check sees through messages, properties and nested causes', () => {
  const nested = new Error('outer', { cause: new Error('middle', { cause: { response: { body: CODE } } }) });
  expect(exposedText(nested)).toContain(CODE);
  expect(exposedText(Object.assign(new Error('plain'), { detail: [VERIFIER] }))).toContain(VERIFIER);
});

// --- exchangeCode: the request ----------------------------------------------------------------

describe('exchangeCode: what the provider receives', () => {
  it('client_secret_basic: RFC 6749 §2.3.1 form-encodes id and secret before base64, and keeps them out of the body', async () => {
    const { base, seen } = await answering(200, tokenAnswer);
    const provider = providerFrom(xero, base, { token_params: { resource: 'https://api.xero.test/' } });

    await exchangeCode(deps(), provider, grant());

    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/oauth/token');
    // Worked by hand: ':' → %3A, '%' → %25, '+' → %2B, ' ' → '+', '€' → %E2%82%AC.
    const expected = `Basic ${Buffer.from('custodian%3Aapp:s3%25cr%2Bt%3Apa+ss%E2%82%AC', 'ascii').toString('base64')}`;
    expect(expected).toBe('Basic Y3VzdG9kaWFuJTNBYXBwOnMzJTI1Y3IlMkJ0JTNBcGErc3MlRTIlODIlQUM=');
    expect(req!.headers).toEqual({ ...tokenRequestHeaders(base, req!.bytes), authorization: expected });
    // And a provider decoding it the RFC's way gets the original credentials back.
    const decoded = Buffer.from(req!.headers.authorization!.slice('Basic '.length), 'base64').toString(
      'ascii',
    );
    const [id, secret] = decoded.split(':').map((part) => decodeURIComponent(part.replaceAll('+', ' ')));
    expect({ id, secret }).toEqual({ id: CLIENT_ID, secret: CLIENT_SECRET });

    expect(req!.body).toBe(
      'resource=https%3A%2F%2Fapi.xero.test%2F' +
        '&redirect_uri=https%3A%2F%2Fbroker.test%2Fconnect%2Fcallback' +
        '&code=SplxlOBeZQQYbYS6WxSbIA%2F%2B%3D' +
        '&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' +
        '&grant_type=authorization_code',
    );
    expect([...new URLSearchParams(req!.body)]).toEqual([
      ['resource', 'https://api.xero.test/'],
      ['redirect_uri', REDIRECT_URI],
      ['code', CODE],
      ['code_verifier', VERIFIER],
      ['grant_type', 'authorization_code'],
    ]);
    expect(req!.body).not.toContain('client_secret');
    expect(req!.body).not.toContain('client_id');
  });

  it('client_secret_post: id and secret in the body, no Authorization header', async () => {
    const { base, seen } = await answering(200, tokenAnswer);
    const provider = providerFrom(google, base, { token_params: { audience: 'drive' } });

    await exchangeCode(deps(), provider, grant());

    const [req] = seen;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/oauth/token');
    expect(req!.headers).toEqual(tokenRequestHeaders(base, req!.bytes));
    expect(req!.headers.authorization).toBeUndefined();
    expect(req!.body).toBe(
      'audience=drive' +
        '&redirect_uri=https%3A%2F%2Fbroker.test%2Fconnect%2Fcallback' +
        '&code=SplxlOBeZQQYbYS6WxSbIA%2F%2B%3D' +
        '&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' +
        '&grant_type=authorization_code' +
        '&client_id=custodian%3Aapp' +
        '&client_secret=s3%25cr%2Bt%3Apa+ss%E2%82%AC',
    );
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toMatchObject({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(req!.headers['content-length']).toBe(String(Buffer.byteLength(req!.body)));
  });

  it('none: only client_id, even when a secret is on record', async () => {
    const { base, seen } = await answering(200, tokenAnswer);
    const provider = providerFrom(google, base, { client_auth_method: 'none' });

    await exchangeCode(deps(), provider, grant());

    const [req] = seen;
    expect(req!.headers).toEqual(tokenRequestHeaders(base, req!.bytes));
    expect(req!.body).toBe(
      'redirect_uri=https%3A%2F%2Fbroker.test%2Fconnect%2Fcallback' +
        '&code=SplxlOBeZQQYbYS6WxSbIA%2F%2B%3D' +
        '&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' +
        '&grant_type=authorization_code' +
        '&client_id=custodian%3Aapp',
    );
  });

  it('a provider without PKCE (Box) gets no code_verifier', async () => {
    const { base, seen } = await answering(200, tokenAnswer);
    const provider = providerFrom(box, base);
    expect(provider.pkce).toBe(false);

    await exchangeCode(deps(), provider, grant(null));

    const [req] = seen;
    expect(req!.body).toBe(
      'redirect_uri=https%3A%2F%2Fbroker.test%2Fconnect%2Fcallback' +
        '&code=SplxlOBeZQQYbYS6WxSbIA%2F%2B%3D' +
        '&grant_type=authorization_code' +
        '&client_id=custodian%3Aapp' +
        '&client_secret=s3%25cr%2Bt%3Apa+ss%E2%82%AC',
    );
    expect(req!.body).not.toContain('code_verifier');
  });
});

// --- exchangeCode: token answers --------------------------------------------------------------

describe('exchangeCode: token answers', () => {
  it('a normal answer becomes a TokenSet with expiresAt = now + expires_in, and the whole answer', async () => {
    const { base } = await answering(200, tokenAnswer);
    const { tokens, answer } = await exchangeCode(deps(), providerFrom(xero, base), grant());

    expect(tokens).toEqual({
      accessToken: ACCESS_TOKEN,
      refreshToken: REFRESH_TOKEN,
      tokenType: 'Bearer',
      expiresAt: NOW + 1_800_000,
      scopes: ['openid', 'offline_access', 'accounting.transactions'],
      refreshTokenExpiresAt: null,
    });
    expect(answer).toMatchObject({
      access_token: ACCESS_TOKEN,
      refresh_token: REFRESH_TOKEN,
      expires_in: 1800,
    });
  });

  it('no expires_in: the provider default lifetime applies (Salesforce)', async () => {
    const { base } = await answering(200, {
      access_token: ACCESS_TOKEN,
      refresh_token: REFRESH_TOKEN,
      token_type: 'Bearer',
      instance_url: 'https://example.my.salesforce.com',
      id: 'https://login.salesforce.com/id/00Dxx0000001gPL/005xx000001Sv6e',
      issued_at: '1278448832702',
    });
    const provider = providerFrom(salesforce, base);
    expect(provider.default_token_lifetime_seconds).toBe(3600);

    const { tokens, answer } = await exchangeCode(deps(), provider, grant());

    expect(tokens.expiresAt).toBe(NOW + 3_600_000);
    expect(tokens.scopes).toBeNull();
    expect(answer.instance_url).toBe('https://example.my.salesforce.com');
  });

  it('no expires_in and a null default lifetime: the token does not expire (GitHub OAuth app)', async () => {
    const { base } = await answering(200, {
      access_token: ACCESS_TOKEN,
      token_type: 'bearer',
      scope: 'read:user,user:email',
    });
    const provider = providerFrom(github, base);
    expect(provider.default_token_lifetime_seconds).toBeNull();

    const { tokens } = await exchangeCode(deps(), provider, grant());

    expect(tokens).toEqual({
      accessToken: ACCESS_TOKEN,
      refreshToken: null,
      tokenType: 'Bearer',
      expiresAt: null,
      scopes: ['read:user', 'user:email'],
      refreshTokenExpiresAt: null,
    });
  });

  it('no refresh_token: refreshToken is null', async () => {
    const { base } = await answering(200, {
      access_token: ACCESS_TOKEN,
      token_type: 'Bearer',
      expires_in: 60,
    });
    const { tokens } = await exchangeCode(deps(), providerFrom(google, base), grant());
    expect(tokens.refreshToken).toBeNull();
    expect(tokens.expiresAt).toBe(NOW + 60_000);
  });

  it.each([
    ['bearer', 'bearer'],
    ['BEARER', 'BEARER'],
    ['absent', undefined],
  ])('token_type %s is read as Bearer', async (_label, tokenType) => {
    const { base } = await answering(200, {
      access_token: ACCESS_TOKEN,
      token_type: tokenType,
      expires_in: 60,
    });
    const { tokens } = await exchangeCode(deps(), providerFrom(google, base), grant());
    expect(tokens.tokenType).toBe('Bearer');
  });

  it('leaves an id_token, even a garbage one, unchecked: drops it from the answer and returns it apart', async () => {
    const { base } = await answering(200, { ...tokenAnswer, id_token: 'not.a.jwt' });
    const { tokens, answer, idToken } = await exchangeCode(deps(), providerFrom(google, base), grant());
    expect(tokens.accessToken).toBe(ACCESS_TOKEN);
    expect(answer).not.toHaveProperty('id_token');
    expect(idToken).toBe('not.a.jwt');
    const { base: without } = await answering(200, tokenAnswer);
    expect((await exchangeCode(deps(), providerFrom(google, without), grant())).idToken).toBeNull();
  });

  it('accepts expires_in sent as a string', async () => {
    const { base } = await answering(200, { ...tokenAnswer, expires_in: '3600' });
    const { tokens } = await exchangeCode(deps(), providerFrom(google, base), grant());
    expect(tokens.expiresAt).toBe(NOW + 3_600_000);
  });
});

// --- exchangeCode: failures -------------------------------------------------------------------

describe('exchangeCode: failures', () => {
  it('400 invalid_grant → ProviderError invalid_grant, status 400', async () => {
    const { base } = await answering(400, {
      error: 'invalid_grant',
      error_description: `code ${CODE} was already used (verifier ${VERIFIER})`,
    });
    const error = await rejection(exchangeCode(deps(), providerFrom(xero, base), grant()), ProviderError);
    expect(error).toMatchObject({ code: 'provider_error', oauthError: 'invalid_grant', status: 400 });
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it('401 with a challenge → ProviderError invalid_client', async () => {
    const { base } = await serve((_req, res) =>
      res.writeHead(401, { 'www-authenticate': 'Basic realm="token"' }).end(),
    );
    const error = await rejection(exchangeCode(deps(), providerFrom(xero, base), grant()), ProviderError);
    expect(error).toMatchObject({ oauthError: 'invalid_client', status: 401 });
  });

  it('an error value that is not a short token is not passed on', async () => {
    const { base } = await answering(400, { error: `bad token ${ACCESS_TOKEN} <script>` });
    const error = await rejection(exchangeCode(deps(), providerFrom(xero, base), grant()), ProviderError);
    expect(error).toMatchObject({ oauthError: 'invalid_response', status: 400 });
  });

  it('200 with an error field and token_errors_with_200 (GitHub) → ProviderError', async () => {
    const { base } = await answering(200, {
      error: 'bad_verification_code',
      error_description: 'The code passed is incorrect or expired.',
      error_uri: 'https://docs.github.com/apps/troubleshooting',
    });
    const provider = providerFrom(github, base);
    expect(provider.token_errors_with_200).toBe(true);
    const error = await rejection(exchangeCode(deps(), provider, grant()), ProviderError);
    expect(error).toMatchObject({ oauthError: 'bad_verification_code', status: 400 });
  });

  it('200 with an error field without the flag → UnexpectedResponseError, no token', async () => {
    const { base } = await answering(200, { error: 'bad_verification_code' });
    const provider = providerFrom(github, base, { token_errors_with_200: false });
    const error = await rejection(exchangeCode(deps(), provider, grant()), UnexpectedResponseError);
    expect(error.code).toBe('provider_bad_response');
  });

  it('500 with an HTML page → UnexpectedResponseError, status 500', async () => {
    const { base } = await serve((_req, res) =>
      res
        .writeHead(500, { 'content-type': 'text/html' })
        .end('<html><body>Internal Server Error</body></html>'),
    );
    const error = await rejection(
      exchangeCode(deps(), providerFrom(xero, base), grant()),
      UnexpectedResponseError,
    );
    expect(error).toMatchObject({ code: 'provider_bad_response', status: 500 });
  });

  it.each([
    ['an HTML page', 'text/html', '<h1>Service Unavailable</h1>'],
    ['a JSON error', 'application/json', '{"error":"temporarily_unavailable"}'],
  ])('503 with Retry-After: 7 and %s → retryAfterSeconds 7', async (_label, type, body) => {
    const { base } = await serve((_req, res) =>
      res.writeHead(503, { 'content-type': type, 'retry-after': '7' }).end(body),
    );
    const error = (await rejection(exchangeCode(deps(), providerFrom(xero, base), grant()), Error)) as
      | ProviderError
      | UnexpectedResponseError;
    expect(error instanceof ProviderError || error instanceof UnexpectedResponseError).toBe(true);
    expect(error.status).toBe(503);
    expect(error.retryAfterSeconds).toBe(7);
  });

  it('429 with Retry-After as an HTTP date and a JSON error → ProviderError with the seconds left', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 30_000);
    const { base } = await answering(429, { error: 'slow_down' }, { 'retry-after': at.toUTCString() });
    const error = await rejection(exchangeCode(deps(), providerFrom(xero, base), grant()), ProviderError);
    expect(error).toMatchObject({ oauthError: 'slow_down', status: 429 });
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(31);
  });

  it('429 with Retry-After as an HTTP date and no body → UnexpectedResponseError with the seconds left', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000);
    const { base } = await serve((_req, res) =>
      res
        .writeHead(429, { 'content-type': 'text/plain', 'retry-after': at.toUTCString() })
        .end('Too Many Requests'),
    );
    const error = await rejection(
      exchangeCode(deps(), providerFrom(xero, base), grant()),
      UnexpectedResponseError,
    );
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(121);
  });

  it('a Retry-After date in the past counts as 0 seconds', async () => {
    const { base } = await answering(
      429,
      { error: 'slow_down' },
      { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' },
    );
    const error = await rejection(exchangeCode(deps(), providerFrom(xero, base), grant()), ProviderError);
    expect(error.retryAfterSeconds).toBe(0);
  });

  it.each([
    ['text/html', '<html>Sign in</html>'],
    // GitHub's answer when Accept is not JSON: the token is in there, and must not reach the error.
    ['application/x-www-form-urlencoded', `access_token=${ACCESS_TOKEN}&scope=repo&token_type=bearer`],
    ['application/json', `{"access_token":"${ACCESS_TOKEN}",`],
  ])('a 200 answer of %s that is not a JSON object → UnexpectedResponseError', async (type, body) => {
    const { base } = await serve((_req, res) => res.writeHead(200, { 'content-type': type }).end(body));
    const error = await rejection(
      exchangeCode(deps(), providerFrom(github, base), grant()),
      UnexpectedResponseError,
    );
    expect(error.code).toBe('provider_bad_response');
  });

  it.each([
    [
      'an unknown token_type',
      { access_token: ACCESS_TOKEN, token_type: 'mac', refresh_token: REFRESH_TOKEN },
    ],
    ['an unreadable expires_in', { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 'soon' }],
    ['a non-string refresh_token', { access_token: ACCESS_TOKEN, token_type: 'Bearer', refresh_token: 42 }],
    ['a JSON array', [ACCESS_TOKEN]],
  ])('a 200 answer with %s → UnexpectedResponseError, tokens kept out of it', async (_label, body) => {
    const { base } = await answering(200, body);
    await rejection(exchangeCode(deps(), providerFrom(google, base), grant()), UnexpectedResponseError);
  });

  it('302 → UpstreamNetworkError upstream_redirect, and the redirect target is never hit', async () => {
    const target = await answering(200, tokenAnswer);
    const { base, seen } = await serve((_req, res) =>
      res.writeHead(302, { location: `${target.base}/steal?code=1` }).end(),
    );
    const error = await rejection(
      exchangeCode(deps(), providerFrom(xero, base), grant()),
      UpstreamNetworkError,
    );
    expect(error.code).toBe('upstream_redirect');
    expect(seen).toHaveLength(1);
    // Give a (wrongly) followed request time to land before checking it did not.
    await new Promise((done) => setTimeout(done, 50));
    expect(target.seen).toHaveLength(0);
  });

  it('a server that never answers → upstream_timeout after the configured 300 ms', async () => {
    const { base } = await serve(() => {});
    const started = Date.now();
    const error = await rejection(
      exchangeCode(deps({ timeoutMs: 300 }), providerFrom(xero, base), grant()),
      UpstreamNetworkError,
    );
    expect(error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['declared by Content-Length', false],
    ['streamed without a length', true],
  ])('an oversized answer %s → upstream_too_large', async (_label, chunked) => {
    const body = JSON.stringify({ ...tokenAnswer, padding: 'x'.repeat(8000) });
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (chunked) res.write(body.slice(0, 4000));
      res.end(chunked ? body.slice(4000) : body);
    });
    const error = await rejection(
      exchangeCode(deps({ maxResponseBytes: 4096 }), providerFrom(xero, base), grant()),
      UpstreamNetworkError,
    );
    expect(error.code).toBe('upstream_too_large');
  });
});

// --- refreshTokens ----------------------------------------------------------------------------

describe('refreshTokens', () => {
  it('sends grant_type=refresh_token, the refresh token and token_params, authenticated as configured', async () => {
    const { base, seen } = await answering(200, tokenAnswer);
    const provider = providerFrom(xero, base, { token_params: { resource: 'https://api.xero.test/' } });

    const tokens = await refreshTokens(deps(), provider, OLD_REFRESH_TOKEN);

    const [req] = seen;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/oauth/token');
    expect(req!.headers).toEqual({
      ...tokenRequestHeaders(base, req!.bytes),
      authorization: 'Basic Y3VzdG9kaWFuJTNBYXBwOnMzJTI1Y3IlMkJ0JTNBcGErc3MlRTIlODIlQUM=',
    });
    expect(req!.body).toBe(
      'resource=https%3A%2F%2Fapi.xero.test%2F&refresh_token=rt-STORED-8xLOxBtZp8&grant_type=refresh_token',
    );
    expect(tokens).toEqual({
      accessToken: ACCESS_TOKEN,
      refreshToken: REFRESH_TOKEN,
      tokenType: 'Bearer',
      expiresAt: NOW + 1_800_000,
      scopes: ['openid', 'offline_access', 'accounting.transactions'],
      refreshTokenExpiresAt: null,
    });
  });

  it('client_secret_post puts the credentials after the grant', async () => {
    const { base, seen } = await answering(200, tokenAnswer);
    await refreshTokens(deps(), providerFrom(google, base), OLD_REFRESH_TOKEN);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.body).toBe(
      'refresh_token=rt-STORED-8xLOxBtZp8&grant_type=refresh_token' +
        '&client_id=custodian%3Aapp&client_secret=s3%25cr%2Bt%3Apa+ss%E2%82%AC',
    );
  });

  it('an answer without refresh_token yields refreshToken null (the caller keeps the stored one)', async () => {
    const { base } = await answering(200, {
      access_token: ACCESS_TOKEN,
      token_type: 'bearer',
      expires_in: 14400,
    });
    const tokens = await refreshTokens(deps(), providerFrom(google, base), OLD_REFRESH_TOKEN);
    expect(tokens).toEqual({
      accessToken: ACCESS_TOKEN,
      refreshToken: null,
      tokenType: 'Bearer',
      expiresAt: NOW + 14_400_000,
      scopes: null,
      refreshTokenExpiresAt: null,
    });
  });

  it('invalid_grant → ProviderError, the refresh token kept out of it', async () => {
    const { base } = await answering(400, {
      error: 'invalid_grant',
      error_description: `${OLD_REFRESH_TOKEN} revoked`,
    });
    const error = await rejection(
      refreshTokens(deps(), providerFrom(google, base), OLD_REFRESH_TOKEN),
      ProviderError,
    );
    expect(error).toMatchObject({ oauthError: 'invalid_grant', status: 400 });
  });
});

describe('refreshTokens: a refusal named outside `error` (HubSpot)', () => {
  // HubSpot's dead refresh token: 400, no OAuth `error`, the code in `status` beside free text.
  const deadAnswer = {
    status: 'BAD_REFRESH_TOKEN',
    message: `missing or invalid refresh token ${OLD_REFRESH_TOKEN}`,
    correlationId: 'aeb5f871-7f07-4993-9211-075dc63e7cbf',
  };

  it('is a ProviderError with no OAuth error, carrying only the listed code, none of the text', async () => {
    const { base } = await answering(400, deadAnswer);
    const error = await rejection(
      refreshTokens(deps(), providerFrom(hubspot, base), OLD_REFRESH_TOKEN),
      ProviderError,
    );
    expect(error).toMatchObject({
      oauthError: null,
      status: 400,
      memberCodes: { status: 'BAD_REFRESH_TOKEN' },
    });
    expect(error.codeIn('status')).toBe('BAD_REFRESH_TOKEN');
    const text = exposedText(error);
    expect(text).not.toContain('missing or invalid');
    expect(text).not.toContain(deadAnswer.correlationId);
  });

  it.each([
    ['a code the preset does not list', 400, { ...deadAnswer, status: 'BAD_CLIENT_ID' }],
    // A provider echoing a token where a code goes: still nothing but listed codes is kept.
    ['a token where the code goes', 400, { ...deadAnswer, status: OLD_REFRESH_TOKEN }],
    ['the listed code under a 5xx (its body is not read)', 503, deadAnswer],
  ])('stays an unexpected answer on %s', async (_name, status, body) => {
    const { base } = await answering(status, body);
    const error = await rejection(
      refreshTokens(deps(), providerFrom(hubspot, base), OLD_REFRESH_TOKEN),
      UnexpectedResponseError,
    );
    expect(error.status).toBe(status);
  });

  it('is read only for a provider that lists the member, and only on refresh', async () => {
    const { base } = await answering(400, deadAnswer);
    await rejection(
      refreshTokens(
        deps(),
        providerFrom(hubspot, base, { refresh_grant_dead_errors: [] }),
        OLD_REFRESH_TOKEN,
      ),
      UnexpectedResponseError,
    );
    await rejection(exchangeCode(deps(), providerFrom(hubspot, base), grant()), UnexpectedResponseError);
  });

  it('keeps the listed code beside an OAuth `error` too', async () => {
    const { base } = await answering(400, { ...deadAnswer, error: 'invalid_request' });
    const error = await rejection(
      refreshTokens(deps(), providerFrom(hubspot, base), OLD_REFRESH_TOKEN),
      ProviderError,
    );
    expect(error).toMatchObject({
      oauthError: 'invalid_request',
      memberCodes: { status: 'BAD_REFRESH_TOKEN' },
    });
  });
});

// --- revokeToken ------------------------------------------------------------------------------

describe('revokeToken', () => {
  it('client_secret_basic: token and token_type_hint in the body, credentials in the header; 200 resolves', async () => {
    const { base, seen } = await serve((_req, res) => res.writeHead(200).end());
    const provider = providerFrom(xero, base, { token_params: { resource: 'https://api.xero.test/' } });

    await expect(revokeToken(deps(), provider, OLD_REFRESH_TOKEN, 'refresh_token')).resolves.toBeUndefined();

    const [req] = seen;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/oauth/revoke');
    expect(req!.headers).toEqual({
      ...tokenRequestHeaders(base, req!.bytes),
      authorization: 'Basic Y3VzdG9kaWFuJTNBYXBwOnMzJTI1Y3IlMkJ0JTNBcGErc3MlRTIlODIlQUM=',
    });
    expect(req!.body).toBe('token_type_hint=refresh_token&token=rt-STORED-8xLOxBtZp8');
  });

  it('client_secret_post: credentials in the body, no Authorization header', async () => {
    const { base, seen } = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    );
    await revokeToken(deps(), providerFrom(box, base), ACCESS_TOKEN, 'access_token');
    expect(seen[0]!.headers).toEqual(tokenRequestHeaders(base, seen[0]!.bytes));
    expect(seen[0]!.body).toBe(
      `token_type_hint=access_token&token=${ACCESS_TOKEN}` +
        '&client_id=custodian%3Aapp&client_secret=s3%25cr%2Bt%3Apa+ss%E2%82%AC',
    );
  });

  it('revocation_auth_method wins over client_auth_method: Calendly’s credentials go in the form, not as Basic', async () => {
    const { base, seen } = await serve((_req, res) => res.writeHead(200).end());
    const provider = providerFrom(calendly, base);
    expect(provider.client_auth_method).toBe('client_secret_basic');
    await revokeToken(deps(), provider, OLD_REFRESH_TOKEN, 'refresh_token');
    expect(seen[0]!.headers).toEqual(tokenRequestHeaders(base, seen[0]!.bytes));
    expect(seen[0]!.body).toBe(
      `token_type_hint=refresh_token&token=${OLD_REFRESH_TOKEN}` +
        '&client_id=custodian%3Aapp&client_secret=s3%25cr%2Bt%3Apa+ss%E2%82%AC',
    );
  });

  it('revocation_auth_method none: the client id alone, never the secret (Google)', async () => {
    const { base, seen } = await serve((_req, res) => res.writeHead(200).end());
    const provider = providerFrom(google, base);
    expect(provider.client_auth_method).toBe('client_secret_post');
    await revokeToken(deps(), provider, ACCESS_TOKEN, 'access_token');
    expect(seen[0]!.headers).toEqual(tokenRequestHeaders(base, seen[0]!.bytes));
    expect(seen[0]!.body).toBe(
      `token_type_hint=access_token&token=${ACCESS_TOKEN}&client_id=custodian%3Aapp`,
    );
  });

  it('503 rejects with status 503', async () => {
    const { base } = await serve((_req, res) =>
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '30' }).end('busy'),
    );
    const error = await rejection(
      revokeToken(deps(), providerFrom(google, base), OLD_REFRESH_TOKEN, 'refresh_token'),
      UnexpectedResponseError,
    );
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 30 });
  });

  it('400 unsupported_token_type → ProviderError', async () => {
    const { base } = await answering(400, { error: 'unsupported_token_type' });
    const error = await rejection(
      revokeToken(deps(), providerFrom(google, base), OLD_REFRESH_TOKEN, 'refresh_token'),
      ProviderError,
    );
    expect(error).toMatchObject({ oauthError: 'unsupported_token_type', status: 400 });
  });
});
