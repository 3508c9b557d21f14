import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of one provider, driven by a recording of its documented answers
 * (test/fixtures/providers/<preset>.json). It serves every host of the
 * provider on one 127.0.0.1 port, the real host as the first path segment
 * (`http://127.0.0.1:PORT/api.dropboxapi.com/oauth2/token`), so the URLs a
 * preset names are checked host and path. It enforces the documented rules
 * (method, path, client authentication at the token and revocation
 * endpoints, PKCE, extra parameters, userinfo method, body and credential
 * header) and answers anything else with an error, noting why in `violations`.
 */

export type Json = Record<string, unknown>;

type ClientAuth = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface ProviderFixture {
  preset: string;
  /** The documentation pages the answers below were written from. */
  sources: string[];
  /** What could not be checked in the documentation, said here rather than guessed silently. */
  notes?: string[];
  /** Values for the preset's `{name}` URL placeholders. */
  connection_params?: Record<string, string>;
  authorization: {
    /** The authorization endpoint, without query. */
    url: string;
    /** Parameters beyond the standard ones (response_type, client_id, redirect_uri, state, PKCE). */
    params: Record<string, string>;
    /** The `scope` parameter as sent, or null when none is. */
    scope: string | null;
    pkce: boolean;
  };
  token: {
    url: string;
    client_auth: Exclude<ClientAuth, 'none'>;
    /** Extra form fields the provider must receive on every token request. */
    params?: Record<string, string>;
    answer: Json;
    /** The documented answer to a code that is wrong, used or expired. */
    error: { status: number; body: Json };
  };
  refresh?: { answer: Json };
  /**
   * The RFC 7009 endpoint of a preset that has one, with the client authentication its documentation asks
   * for there, which may differ from the token endpoint's (Calendly: form fields; Google: none, the token alone).
   */
  revocation?: { url: string; client_auth: ClientAuth };
  /**
   * The answer to a refresh token that is dead (expired, used, revoked, or the user must sign in again),
   * where the provider documents one: it decides whether the broker ends the grant.
   */
  dead_refresh?: { status: number; body: Json };
  userinfo?: {
    url: string;
    method: 'GET' | 'POST';
    body?: string;
    /** The header carrying the access token; `authorization` means `Bearer <token>`. */
    header?: string;
    answer: Json;
  };
  /** Connection metadata: what the provider documents beyond tokens and account, and what the broker keeps. */
  metadata?: {
    /** The redirect back's parameters beyond code and state (QuickBooks' realmId). */
    callback?: Record<string, string>;
    /** Calls made with the new access token (Atlassian's accessible resources, Xero's connections). */
    requests?: Array<{ url: string; method: 'GET' | 'POST'; answer: Json | Json[] }>;
    /** The connection's metadata as the broker must keep it. */
    expected: Record<string, string>;
  };
  /** What the broker reads, or the error it must give (a documented rule it cannot meet yet). */
  account: { user_id: string; email: string | null; display_name: string | null } | { error: string };
}

export interface FakeProvider {
  /** `http://127.0.0.1:PORT`; a provider URL maps to `${base}/${host}${path}`. */
  base: string;
  /** The local URL standing for one of the provider's URLs. */
  local(url: string): string;
  /** Accept `code` once, for this redirect URI and (when PKCE) this challenge. */
  issueCode(code: string, grant: { redirectUri: string; challenge: string | null }): void;
  /**
   * Answer a refresh with this token with the recorded `dead_refresh` body; with `status`, under that
   * status instead of the recorded one (a failing server sending the same words).
   */
  killRefreshToken(token: string, status?: number): void;
  /** Every rule broken by a request, in order. */
  violations: string[];
  requests: Array<{ method: string; url: string; headers: Record<string, string>; body: string }>;
  close(): Promise<void>;
}

const FIXTURES = new URL('../fixtures/providers/', import.meta.url);

export function loadProviderFixtures(): ProviderFixture[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as ProviderFixture);
}

/**
 * RFC 6749 §2.3.1: the id and secret are form-urlencoded before Basic encoding; a server decodes them,
 * so a client may escape more than it must (`-` as `%2D`). Null when the header is not such a pair.
 */
export function readBasicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(header ?? '');
  if (!match) return null;
  const [id, secret, ...rest] = Buffer.from(match[1]!, 'base64').toString('utf8').split(':');
  if (id === undefined || secret === undefined || rest.length > 0) return null;
  try {
    const decode = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
    return { id: decode(id), secret: decode(secret) };
  } catch {
    return null;
  }
}

export async function startFakeProvider(
  fixture: ProviderFixture,
  client: { id: string; secret: string },
): Promise<FakeProvider> {
  const codes = new Map<string, { redirectUri: string; challenge: string | null; used: boolean }>();
  const violations: string[] = [];
  const deadRefreshTokens = new Map<string, number | undefined>();
  const requests: FakeProvider['requests'] = [];

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const url = remoteUrl(req.url ?? '/');
      requests.push({ method: req.method ?? '', url, headers, body });
      const answer = route(req.method ?? '', url, headers, body);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });

  function route(method: string, url: string, headers: Record<string, string>, body: string) {
    const path = url.split('?')[0];
    if (path === fixture.token.url) return token(method, headers, body);
    if (fixture.userinfo && path === fixture.userinfo.url) return userinfo(method, headers, body);
    if (fixture.revocation && path === fixture.revocation.url) return revoke(method, headers, body);
    const metadataRequest = fixture.metadata?.requests?.find((r) => r.url === path);
    if (metadataRequest) return metadata(metadataRequest, method, headers);
    return refuse(404, `no endpoint at ${method} ${path}`);
  }

  function refuse(
    status: number,
    why: string,
    body: Json = { error: 'invalid_request' },
  ): { status: number; body: unknown } {
    violations.push(why);
    return { status, body };
  }

  function token(method: string, headers: Record<string, string>, raw: string) {
    if (method !== 'POST') return refuse(405, `token endpoint called with ${method}`);
    if (!headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return refuse(400, `token request sent as ${headers['content-type']}`);
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    const authIssue = checkClientAuth(fixture.token.client_auth, headers, form);
    if (authIssue) return refuse(401, authIssue, { error: 'invalid_client' });
    for (const [name, value] of Object.entries(fixture.token.params ?? {})) {
      if (form[name] !== value) return refuse(400, `token request without ${name}=${value}`);
    }
    if (form.grant_type === 'authorization_code') return exchange(form);
    if (form.grant_type === 'refresh_token' && form.refresh_token !== undefined) {
      const dead = fixture.dead_refresh;
      if (dead && deadRefreshTokens.has(form.refresh_token)) {
        return { status: deadRefreshTokens.get(form.refresh_token) ?? dead.status, body: dead.body };
      }
    }
    if (form.grant_type === 'refresh_token' && fixture.refresh) {
      if (form.refresh_token !== fixture.token.answer.refresh_token) {
        violations.push('refresh with an unknown refresh token');
        return { status: fixture.token.error.status, body: fixture.token.error.body };
      }
      return { status: 200, body: fixture.refresh.answer };
    }
    return refuse(400, `unsupported grant_type ${form.grant_type}`, { error: 'unsupported_grant_type' });
  }

  function checkClientAuth(
    expected: ClientAuth,
    headers: Record<string, string>,
    form: Record<string, string>,
  ): string | null {
    if (expected === 'client_secret_basic') {
      const sent = readBasicCredentials(headers.authorization);
      if (sent?.id !== client.id || sent.secret !== client.secret) {
        return 'client_secret_basic expected: wrong or missing Authorization header';
      }
      if (form.client_secret !== undefined) return 'client secret sent both as Basic and in the body';
      return null;
    }
    if (headers.authorization !== undefined) return `${expected} expected: Authorization header sent`;
    if (expected === 'none') {
      // Nothing asked for: the secret must not travel; a client_id beside the token does no harm.
      if (form.client_secret !== undefined) return 'none expected: client secret sent in the body';
      if (form.client_id !== undefined && form.client_id !== client.id)
        return 'none expected: wrong client_id';
      return null;
    }
    if (form.client_id !== client.id || form.client_secret !== client.secret) {
      return 'client_secret_post expected: client_id / client_secret missing or wrong in the body';
    }
    return null;
  }

  /** RFC 7009: a form POST with `token` (and an optional hint), the client authenticated as documented. */
  function revoke(method: string, headers: Record<string, string>, raw: string) {
    const rule = fixture.revocation!;
    if (method !== 'POST') return refuse(405, `revocation endpoint called with ${method}`);
    if (!headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return refuse(400, `revocation request sent as ${headers['content-type']}`);
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    const authIssue = checkClientAuth(rule.client_auth, headers, form);
    if (authIssue) return refuse(401, `revocation: ${authIssue}`, { error: 'invalid_client' });
    const issued = [fixture.token.answer.access_token, fixture.token.answer.refresh_token];
    if (form.token === undefined || !issued.includes(form.token)) {
      return refuse(400, 'revocation without a token this provider issued');
    }
    const hint = form.token_type_hint;
    if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token') {
      return refuse(400, `revocation with token_type_hint ${hint}`, { error: 'unsupported_token_type' });
    }
    return { status: 200, body: {} };
  }

  function exchange(form: Record<string, string>) {
    const grant = form.code === undefined ? undefined : codes.get(form.code);
    // The documented answer for a bad code; not a violation: the tests send one on purpose.
    if (!grant || grant.used) return { status: fixture.token.error.status, body: fixture.token.error.body };
    if (form.redirect_uri !== grant.redirectUri)
      return refuse(400, 'redirect_uri differs from the authorization');
    if (grant.challenge === null) {
      if (form.code_verifier !== undefined)
        return refuse(400, 'code_verifier sent to a provider without PKCE');
    } else if (form.code_verifier === undefined || s256(form.code_verifier) !== grant.challenge) {
      return refuse(400, 'code_verifier missing or not matching the challenge', { error: 'invalid_grant' });
    }
    grant.used = true;
    return { status: 200, body: fixture.token.answer };
  }

  function userinfo(method: string, headers: Record<string, string>, body: string) {
    const rule = fixture.userinfo!;
    if (method !== rule.method)
      return refuse(405, `userinfo called with ${method}, documented ${rule.method}`);
    const header = rule.header ?? 'authorization';
    const expected =
      header === 'authorization'
        ? `Bearer ${fixture.token.answer.access_token}`
        : fixture.token.answer.access_token;
    if (headers[header] !== expected)
      return refuse(401, `userinfo without the access token in ${header}`, { error: 'unauthorized' });
    if (rule.body !== undefined && body !== rule.body)
      return refuse(400, `userinfo body ${JSON.stringify(body)}`);
    if (rule.body === undefined && body !== '') return refuse(400, 'userinfo sent a body');
    return { status: 200, body: rule.answer };
  }

  function metadata(
    rule: NonNullable<NonNullable<ProviderFixture['metadata']>['requests']>[number],
    method: string,
    headers: Record<string, string>,
  ) {
    if (method !== rule.method)
      return refuse(405, `metadata request with ${method}, documented ${rule.method}`);
    if (headers.authorization !== `Bearer ${fixture.token.answer.access_token}`)
      return refuse(401, 'metadata request without the access token', { error: 'unauthorized' });
    return { status: 200, body: rule.answer };
  }

  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    local(url) {
      const parsed = new URL(url);
      return `${base}/${parsed.host}${parsed.pathname}${parsed.search}`;
    },
    issueCode(code, grant) {
      codes.set(code, { ...grant, used: false });
    },
    killRefreshToken(token, status) {
      if (!fixture.dead_refresh) throw new Error(`${fixture.preset}: no dead_refresh answer recorded`);
      deadRefreshTokens.set(token, status);
    },
    violations,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function remoteUrl(localPath: string): string {
  const [, host, ...rest] = localPath.split('/');
  return `https://${host}/${rest.join('/')}`;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
