import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A strict fake of Dropbox's OAuth 2 endpoints and /2/users/get_current_account. It follows Dropbox's
 * documented rules (and the quirks a broker must survive: no expires_in, no refresh_token on refresh) and
 * rejects every deviation, so a broker that passes against it sends exactly what Dropbox expects.
 */

export type TokenMode = 'ok' | 'status500' | 'hang' | 'html' | 'oversized' | 'error200' | 'no_token_type';
export type UserinfoMode = 'ok' | 'status500' | 'hang' | 'html';

export interface FakeDropbox {
  url: string;
  endpoints: { authorization: string; token: string; userinfo: string };
  clientId: string;
  clientSecret: string;
  /** Who is logged in at Dropbox; settable. */
  account: { account_id: string; email: string; display_name: string };
  /** How token / userinfo requests are answered from now on (until changed back to 'ok'). */
  tokenMode: TokenMode;
  userinfoMode: UserinfoMode;
  /** The next authorization answers error=access_denied. */
  denyNext(): void;
  /** Makes every access token issued so far answer 401 expired_access_token (Dropbox's are short-lived). */
  expireAccessTokens(): void;
  /** Every request received, in order; header names lower-case. */
  requests: Array<{ method: string; path: string; headers: Record<string, string>; body: string }>;
  issued: { accessTokens: string[]; refreshTokens: string[] };
  close(): Promise<void>;
}

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const SCOPE = 'account_info.read files.content.read files.content.write files.metadata.read';
const random = (bytes: number) => randomBytes(bytes).toString('base64url');

type Code = { redirectUri: string; challenge: string; expiresAt: number; used: boolean; tokens: string[] };

/** A Dropbox-shaped OAuth error (the token endpoint answers 400 for all of them). */
class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function readBody(req: IncomingMessage) {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64, so '+' is a space. */
const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, '%20'));

function send(res: ServerResponse, status: number, body: string, type = 'application/json') {
  res.writeHead(status, { 'content-type': type }).end(body);
}
const json = (res: ServerResponse, status: number, body: unknown) => send(res, status, JSON.stringify(body));
const text = (res: ServerResponse, status: number, body: string) =>
  send(res, status, body, 'text/plain; charset=utf-8');
const html = (res: ServerResponse, status: number) =>
  send(
    res,
    status,
    '<!DOCTYPE html><html><body><h1>Error (5xx)</h1></body></html>',
    'text/html; charset=utf-8',
  );

export async function startFakeDropbox(options: { redirectUris: string[] }): Promise<FakeDropbox> {
  const codes = new Map<string, Code>();
  const accessTokens = new Map<string, 'live' | 'expired' | 'revoked'>();
  const refreshTokens = new Set<string>();
  let deny = false;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      process.stderr.write(`fake dropbox failed: ${err instanceof Error ? err.stack : err}\n`);
      if (!res.headersSent) text(res, 500, 'fake dropbox failed');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeDropbox = {
    url,
    endpoints: {
      authorization: `${url}/oauth2/authorize`,
      token: `${url}/oauth2/token`,
      userinfo: `${url}/2/users/get_current_account`,
    },
    clientId: `app${random(9).toLowerCase().replace(/[-_]/g, 'x')}`,
    clientSecret: random(12),
    account: {
      account_id: `dbid:${random(24)}`,
      email: 'franz@example.test',
      display_name: 'Franz Ferdinand',
    },
    tokenMode: 'ok',
    userinfoMode: 'ok',
    denyNext: () => {
      deny = true;
    },
    expireAccessTokens() {
      for (const [token, state] of accessTokens) if (state === 'live') accessTokens.set(token, 'expired');
    },
    requests: [],
    issued: { accessTokens: [], refreshTokens: [] },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // also ends the 'hang' requests
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const target = new URL(req.url ?? '/', url);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    fake.requests.push({ method: req.method ?? '', path: target.pathname + target.search, headers, body });

    if (target.pathname === '/oauth2/authorize' && req.method === 'GET')
      return authorize(target.searchParams, res);
    if (target.pathname === '/oauth2/token') {
      if (req.method !== 'POST') return text(res, 405, 'Method Not Allowed');
      try {
        return await token(req, body, res);
      } catch (err) {
        if (err instanceof OAuthError)
          return json(res, 400, { error: err.error, error_description: err.description });
        throw err;
      }
    }
    if (target.pathname === '/2/users/get_current_account') return userinfo(req, body, res);
    return text(res, 404, 'Not Found');
  }

  /** Dropbox shows an error page (no redirect) for a malformed request; the fake answers 400 text. */
  function authorize(params: URLSearchParams, res: ServerResponse) {
    const need = (name: string, expected?: string) => {
      const value = params.get(name);
      if (!value) throw new Error(`missing required parameter "${name}"`);
      if (expected !== undefined && value !== expected) throw new Error(`"${name}" must be "${expected}"`);
      return value;
    };
    let redirectUri: string;
    let state: string;
    let challenge: string;
    try {
      need('client_id', fake.clientId);
      need('response_type', 'code');
      redirectUri = need('redirect_uri');
      if (!options.redirectUris.includes(redirectUri)) throw new Error('redirect_uri is not registered');
      need('token_access_type', 'offline'); // without it Dropbox issues no refresh token
      challenge = need('code_challenge');
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) throw new Error('malformed code_challenge');
      need('code_challenge_method', 'S256');
      state = need('state');
    } catch (err) {
      return text(res, 400, `Error (400): ${(err as Error).message}`);
    }
    const location = new URL(redirectUri);
    if (deny) {
      deny = false;
      location.searchParams.set('error', 'access_denied');
      location.searchParams.set(
        'error_description',
        'The user chose not to give your app access to their Dropbox account.',
      );
    } else {
      const code = random(32);
      codes.set(code, {
        redirectUri,
        challenge,
        expiresAt: Date.now() + CODE_LIFETIME_MS,
        used: false,
        tokens: [],
      });
      location.searchParams.set('code', code);
    }
    location.searchParams.set('state', state); // and no `iss`: Dropbox does not send one
    res.writeHead(302, { location: location.href }).end();
  }

  function authenticateClient(req: IncomingMessage, form: URLSearchParams) {
    const header = req.headers.authorization;
    // One method per request (RFC 6749 §2.3); a client_id beside Basic is allowed if it is the same.
    if (header !== undefined && form.has('client_secret')) {
      throw new OAuthError('invalid_request', 'client credentials must be sent in exactly one way');
    }
    let id: string | null;
    let secret: string | null;
    if (header !== undefined) {
      const [scheme, encoded = ''] = header.split(' ');
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (scheme?.toLowerCase() !== 'basic' || colon < 0)
        throw new OAuthError('invalid_request', 'bad Authorization header');
      try {
        [id, secret] = [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
      } catch {
        throw new OAuthError(
          'invalid_request',
          'client credentials in the Authorization header are not form-urlencoded',
        );
      }
      if (form.has('client_id') && form.get('client_id') !== id)
        throw new OAuthError('invalid_request', 'client_id mismatch');
    } else {
      [id, secret] = [form.get('client_id'), form.get('client_secret')];
    }
    // The fake treats the app as confidential: a broker always has, and must send, its secret.
    if (!id || !secret) throw new OAuthError('invalid_request', 'client authentication is required');
    if (id !== fake.clientId || secret !== fake.clientSecret) {
      throw new OAuthError('invalid_client', 'Invalid client_id or client_secret');
    }
  }

  function issueAccessToken() {
    const accessToken = `sl.${random(48)}`;
    accessTokens.set(accessToken, 'live');
    fake.issued.accessTokens.push(accessToken);
    return accessToken;
  }

  async function token(req: IncomingMessage, body: string, res: ServerResponse) {
    // Failure modes first: they stand for Dropbox (or something in front of it) misbehaving.
    switch (fake.tokenMode) {
      case 'status500':
        return html(res, 500);
      case 'hang':
        return; // never answers; close() ends the connection
      case 'html':
        return html(res, 200);
      case 'oversized':
        return json(res, 200, {
          access_token: 'sl.x',
          token_type: 'bearer',
          padding: 'x'.repeat(5 * 1024 * 1024),
        });
      case 'error200':
        return json(res, 200, {
          error: 'invalid_grant',
          error_description: 'refresh token is invalid or revoked',
        });
    }
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(body);
    for (const name of new Set(form.keys())) {
      if (form.getAll(name).length > 1)
        throw new OAuthError('invalid_request', `duplicate parameter "${name}"`);
    }
    authenticateClient(req, form);
    const need = (name: string) => {
      const value = form.get(name);
      if (!value) throw new OAuthError('invalid_request', `missing required field "${name}"`);
      return value;
    };
    const tokenType = fake.tokenMode === 'no_token_type' ? {} : { token_type: 'bearer' };
    const grantType = need('grant_type');

    if (grantType === 'authorization_code') {
      const code = codes.get(need('code'));
      if (!code || code.expiresAt < Date.now())
        throw new OAuthError('invalid_grant', "code doesn't exist or has expired");
      if (code.used) {
        // RFC 6749 §4.1.2: a reused code SHOULD revoke what it produced.
        for (const issued of code.tokens) if (accessTokens.has(issued)) accessTokens.set(issued, 'revoked');
        for (const issued of code.tokens) refreshTokens.delete(issued);
        throw new OAuthError('invalid_grant', 'code has already been used');
      }
      if (need('redirect_uri') !== code.redirectUri)
        throw new OAuthError('invalid_grant', 'redirect_uri mismatch');
      const verifier = need('code_verifier');
      if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) {
        throw new OAuthError('invalid_grant', 'invalid code verifier');
      }
      code.used = true;
      const accessToken = issueAccessToken();
      const refreshToken = random(48);
      refreshTokens.add(refreshToken);
      fake.issued.refreshTokens.push(refreshToken);
      code.tokens.push(accessToken, refreshToken);
      const { account_id } = fake.account;
      // Dropbox-shaped, and on purpose without expires_in.
      return json(res, 200, {
        access_token: accessToken,
        ...tokenType,
        refresh_token: refreshToken,
        account_id,
        uid: String(1000 + fake.issued.refreshTokens.length),
        scope: SCOPE,
      });
    }
    if (grantType === 'refresh_token') {
      if (!refreshTokens.has(need('refresh_token'))) {
        throw new OAuthError('invalid_grant', 'refresh token is invalid or revoked');
      }
      // Dropbox keeps the refresh token: the answer carries none (and no expires_in here either).
      return json(res, 200, { access_token: issueAccessToken(), ...tokenType, scope: SCOPE });
    }
    throw new OAuthError('unsupported_grant_type', `grant_type "${grantType}" is not supported`);
  }

  function userinfo(req: IncomingMessage, body: string, res: ServerResponse) {
    if (req.method !== 'POST') return text(res, 405, 'Method Not Allowed');
    switch (fake.userinfoMode) {
      case 'status500':
        return html(res, 500);
      case 'hang':
        return;
      case 'html':
        return html(res, 200);
    }
    const prefix = 'Error in call to API function "users/get_current_account": ';
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) return text(res, 400, `${prefix}Must provide HTTP header "Authorization".`);
    const state = accessTokens.get(bearer);
    if (state !== 'live') {
      const tag = state === 'expired' ? 'expired_access_token' : 'invalid_access_token';
      return json(res, 401, { error_summary: `${tag}/..`, error: { '.tag': tag } });
    }
    const type = req.headers['content-type'];
    if (type !== 'application/json' && type !== 'application/json; charset=utf-8') {
      return text(
        res,
        400,
        `${prefix}Bad HTTP "Content-Type" header: "${type ?? ''}". Expecting "application/json".`,
      );
    }
    if (body !== 'null')
      return text(res, 400, `${prefix}request body: expected null, got ${JSON.stringify(body)}`);
    const { account_id, email, display_name } = fake.account;
    const [given = '', ...rest] = display_name.split(' ');
    const surname = rest.join(' ');
    return json(res, 200, {
      account_id,
      name: {
        given_name: given,
        surname,
        familiar_name: given,
        display_name,
        abbreviated_name: `${given[0] ?? ''}${surname[0] ?? ''}`.toUpperCase(),
      },
      email,
      email_verified: true,
      disabled: false,
      country: 'DE',
      locale: 'en',
      is_paired: false,
      account_type: { '.tag': 'basic' },
      root_info: { '.tag': 'user', root_namespace_id: '3235641', home_namespace_id: '3235641' },
    });
  }

  return fake;
}

/** The admin API body that registers this fake as the broker's Dropbox: the preset, pointed here. */
export function dropboxDefinition(fake: FakeDropbox) {
  return {
    preset: 'dropbox',
    client_id: fake.clientId,
    client_secret: fake.clientSecret,
    authorization_url: fake.endpoints.authorization,
    token_url: fake.endpoints.token,
    userinfo_url: fake.endpoints.userinfo,
  };
}
