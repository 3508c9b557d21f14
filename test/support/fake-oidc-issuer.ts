import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

/**
 * An OpenID Connect issuer without a userinfo endpoint, on 127.0.0.1, for the
 * ID token negatives a real server never produces. It enforces the rules of
 * the code flow as OIDC Core and RFC 7636 state them (a registered redirect
 * URI, `openid`, a nonce, S256 PKCE, client_secret_basic, one use per code)
 * and records every refusal in `violations`. What its token endpoint answers
 * as `id_token` is up to the test (`setIdToken`); by default a valid token.
 */

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface IdTokenTools {
  /** Signs with the issuer's current published key (RS256), or `key` (a foreign one, say). */
  sign(payload: JWTPayload, key?: SigningKey): Promise<string>;
  /** A key the issuer does not publish. */
  foreignKey(): Promise<SigningKey>;
  clientSecret: string;
}

/** Makes the `id_token` of one token answer; null leaves it out. `valid` is what a correct issuer sends. */
export type IdTokenMaker = (valid: JWTPayload, tools: IdTokenTools) => Promise<string | null>;

export interface FakeOidcIssuer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Every id_token the token endpoint handed out, in order. */
  issued: string[];
  /** Key set requests received. */
  jwksRequests(): number;
  violations: string[];
  setIdToken(maker: IdTokenMaker | null): void;
  /** Publishes a new key (and withdraws the old one); tokens are signed with it from now on. */
  rotateKey(): Promise<void>;
  /** The account that logs in next: its `sub`, `email` and `name`. */
  setAccount(sub: string): void;
  close(): Promise<void>;
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export async function startFakeOidcIssuer(options: { redirectUris: string[] }): Promise<FakeOidcIssuer> {
  const clientId = 'fake-oidc-client';
  const clientSecret = randomBytes(24).toString('base64url');
  let key = await newKey('key-1');
  let keyCount = 1;
  let maker: IdTokenMaker | null = null;
  let account = 'alice';
  let jwksRequests = 0;
  const issued: string[] = [];
  const violations: string[] = [];
  const codes = new Map<string, { redirectUri: string; challenge: string; nonce: string; sub: string }>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push(`internal: ${error instanceof Error ? error.message : error}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const json = (res: ServerResponse, status: number, body: unknown) =>
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  const refuse = (res: ServerResponse, status: number, error: string, why: string) => {
    violations.push(why);
    json(res, status, { error, error_description: why });
  };

  const tools: IdTokenTools = {
    sign: (payload, by = key) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: by.kid, typ: 'JWT' }).sign(by.privateKey),
    foreignKey: () => newKey(key.kid),
    clientSecret,
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'email', 'profile'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') {
      jwksRequests += 1;
      return json(res, 200, { keys: [key.publicJwk] });
    }
    if (req.method === 'GET' && url.pathname === '/authorize') return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/token') return token(req, res);
    json(res, 404, { error: 'not_found' });
  }

  function authorize(url: URL, res: ServerResponse) {
    const p = url.searchParams;
    const redirectUri = p.get('redirect_uri') ?? '';
    // Errors before the redirect URI is known to be the client's are shown here, never redirected.
    if (p.get('client_id') !== clientId) return refuse(res, 400, 'invalid_request', 'unknown client_id');
    if (!options.redirectUris.includes(redirectUri)) {
      return refuse(res, 400, 'invalid_request', 'redirect_uri is not registered');
    }
    const missing = ['state', 'nonce', 'code_challenge'].filter((name) => !p.get(name));
    const problem =
      p.get('response_type') !== 'code'
        ? 'response_type must be code'
        : !(p.get('scope') ?? '').split(' ').includes('openid')
          ? 'scope must include openid'
          : missing.length > 0
            ? `missing ${missing.join(', ')}`
            : p.get('code_challenge_method') !== 'S256'
              ? 'code_challenge_method must be S256'
              : null;
    const back = new URL(redirectUri);
    if (p.get('state')) back.searchParams.set('state', p.get('state')!);
    back.searchParams.set('iss', issuer);
    if (problem !== null) {
      violations.push(problem);
      back.searchParams.set('error', 'invalid_request');
    } else {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        redirectUri,
        challenge: p.get('code_challenge')!,
        nonce: p.get('nonce')!,
        sub: account,
      });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.toString() }).end();
  }

  // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded.
  function basicCredentialsMatch(header: string | undefined): boolean {
    if (!header?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const unform = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));
    return unform(decoded.slice(0, colon)) === clientId && unform(decoded.slice(colon + 1)) === clientSecret;
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    if (!basicCredentialsMatch(req.headers.authorization)) {
      return refuse(res, 401, 'invalid_client', 'bad client authentication');
    }
    if (form.get('grant_type') !== 'authorization_code') {
      return refuse(res, 400, 'unsupported_grant_type', 'only authorization_code');
    }
    const code = form.get('code') ?? '';
    const grant = codes.get(code);
    codes.delete(code);
    if (!grant) return refuse(res, 400, 'invalid_grant', 'unknown or used code');
    if (form.get('redirect_uri') !== grant.redirectUri) {
      return refuse(res, 400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    }
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
      return refuse(res, 400, 'invalid_grant', 'code_verifier does not match');
    }
    const now = Math.floor(Date.now() / 1000);
    const valid: JWTPayload = {
      iss: issuer,
      aud: clientId,
      sub: grant.sub,
      email: `${grant.sub}@fake.example`,
      name: `Fake ${grant.sub}`,
      nonce: grant.nonce,
      iat: now,
      exp: now + 300,
    };
    const idToken = maker ? await maker(valid, tools) : await tools.sign(valid);
    if (idToken !== null) issued.push(idToken);
    json(res, 200, {
      access_token: randomBytes(24).toString('base64url'),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid email profile',
      ...(idToken === null ? {} : { id_token: idToken }),
    });
  }

  return {
    issuer,
    clientId,
    clientSecret,
    issued,
    jwksRequests: () => jwksRequests,
    violations,
    setIdToken(next) {
      maker = next;
    },
    async rotateKey() {
      keyCount += 1;
      key = await newKey(`key-${keyCount}`);
    },
    setAccount(sub) {
      account = sub;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
