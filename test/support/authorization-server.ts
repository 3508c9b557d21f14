import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, {
  type Adapter,
  type AdapterPayload,
  type Configuration,
  interactionPolicy,
  type KoaContextWithOIDC,
} from 'oidc-provider';

/**
 * A real OAuth 2.0 / OpenID Connect authorization server (panva's oidc-provider 9) running in-process,
 * configured strictly: PKCE S256 for every client, rotating refresh tokens with reuse detection,
 * no clock tolerance. End-to-end suites point the broker at it.
 */

export interface TestAuthorizationServer {
  /** http://127.0.0.1:<port> and the path prefix, no trailing slash. */
  issuer: string;
  endpoints: { authorization: string; token: string; userinfo: string; revocation: string };
  clientId: string;
  clientSecret: string;
  /** Who logs in on the next interaction(s); `{ deny: true }` makes the next one answer access_denied. Default account 'alice'. */
  setLogin(next: string | { deny: true }): void;
  /** Successful token grants by grant type. */
  grants: { authorization_code: number; refresh_token: number };
  /** Error codes returned by the token endpoint, in order. */
  tokenErrors: string[];
  /** Every token endpoint request with its outcome, in order. */
  tokenRequests: Array<{ grantType: string; status: number; error?: string }>;
  /** For advanced assertions (e.g. `provider.RefreshToken.find(value)`). */
  provider: Provider;
  /**
   * Holds the answers to refresh grants after the server has processed them (the refresh token is
   * already rotated), until released: the window in which a client can die holding nothing.
   */
  holdRefreshAnswers(): { reached: Promise<void>; release: () => void };
  close(): Promise<void>;
}

export interface AuthorizationServerOptions {
  redirectUris: string[];
  /** Default client_secret_basic. */
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /**
   * Default 14 days. Every rotated refresh token gets the whole TTL again, so this is how long one
   * lives unused: a provider whose refresh tokens die of inactivity (Microsoft, Xero, Box...).
   */
  refreshTokenTtlSeconds?: number;
  /** Default random; may contain characters like '%+:' to test RFC 6749 §2.3.1 encoding. */
  clientSecret?: string;
  /**
   * Mounts the server under a path, which becomes part of its issuer (as Keycloak's
   * `/realms/{realm}`): every route, discovery included, lives below it and nothing outside it answers.
   */
  pathPrefix?: string;
  /**
   * Default true. Off: no userinfo endpoint (absent from discovery too), and the ID token then carries the
   * granted claims (email, name) itself, as providers without userinfo do.
   */
  userinfo?: boolean;
  /** Extra fields added to every successful token answer (as Salesforce adds instance_url), by grant type. */
  tokenAnswerExtras?: (grantType: string, answer: Record<string, unknown>) => Record<string, unknown>;
  /**
   * Extra query parameters on each redirect back to a registered redirect URI, read when it is sent (as
   * QuickBooks adds realmId beside code and state).
   */
  redirectExtras?: () => Record<string, string>;
}

const DAY = 24 * 60 * 60;

// Generating an RSA key takes a moment: one per test process is enough. Supplying our own keys also
// keeps oidc-provider from warning about its development keys.
let signingKey: Record<string, unknown> | undefined;
function jwks() {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  }) as Record<string, unknown>;
  return { keys: [{ ...signingKey, use: 'sig', alg: 'RS256', kid: 'test-key' }] };
}

/** Models whose rows belong to a grant and die with it (the same set oidc-provider's memory adapter uses). */
const GRANT_BOUND = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

type Row = { model: string; payload: AdapterPayload; expiresAt: number };

/**
 * A plain Map storage: oidc-provider's built-in adapter is an LRU of 1000 entries that warns at start and
 * keeps rows for an extra clockTolerance. Payloads are cloned so no one mutates stored state by accident.
 * It does no I/O, so a refresh runs from find() to consume() without yielding to another request: two
 * concurrent refreshes with one token always end as "one wins, the other trips reuse detection".
 */
function mapAdapter(rows: Map<string, Row>) {
  const live = (key: string) => {
    const row = rows.get(key);
    if (row && row.expiresAt > Date.now()) return row;
    rows.delete(key);
    return undefined;
  };
  const findBy = (model: string, field: 'uid' | 'userCode', value: string) => {
    for (const [key, row] of rows) {
      if (row.model === model && row.payload[field] === value && live(key))
        return structuredClone(row.payload);
    }
    return undefined;
  };
  return (model: string): Adapter => ({
    async upsert(id, payload, expiresIn) {
      const expiresAt =
        typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      rows.set(`${model}:${id}`, { model, payload: structuredClone(payload), expiresAt });
    },
    async find(id) {
      const row = live(`${model}:${id}`);
      return row && structuredClone(row.payload);
    },
    findByUid: async (uid) => findBy(model, 'uid', uid),
    findByUserCode: async (userCode) => findBy(model, 'userCode', userCode),
    async consume(id) {
      const row = live(`${model}:${id}`);
      if (row) row.payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      rows.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId) {
      for (const [key, row] of rows) {
        if (GRANT_BOUND.has(row.model) && row.payload.grantId === grantId) rows.delete(key);
      }
    },
  });
}

function listen(server: Server) {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startAuthorizationServer(
  options: AuthorizationServerOptions,
): Promise<TestAuthorizationServer> {
  const clientId = 'custodian-test-client';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 3600;
  const authMethod = options.clientAuthMethod ?? 'client_secret_basic';
  let account = 'alice';
  let denyNext = false;

  // The issuer must carry the real port, so listen first and attach the provider afterwards.
  let handle = (_req: IncomingMessage, res: ServerResponse) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handle(req, res));
  const prefix = options.pathPrefix ?? '';
  const issuer = `http://127.0.0.1:${await listen(server)}${prefix}`;

  // Ask for a login on every authorization (not only without a session), so setLogin() and denials
  // apply even when the same browser comes back with its oidc-provider session cookie.
  const { Check, base } = interactionPolicy;
  const policy = base();
  policy
    .get('login')
    ?.checks.add(
      new Check('always_login', 'tests choose who logs in on every authorization', (ctx) =>
        ctx.oidc?.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
      ),
    );

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: authMethod,
      },
    ],
    adapter: mapAdapter(new Map()),
    jwks: jwks(),
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({
        sub: id,
        email: `${id}@example.test`,
        email_verified: true,
        name: `Name of ${id}`,
      }),
    }),
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    routes: { authorization: '/auth', token: '/token', userinfo: '/me', revocation: '/token/revocation' },
    interactions: {
      policy,
      url: (_ctx: unknown, interaction: { uid: string }) => `${prefix}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: async () => true },
      userinfo: { enabled: options.userinfo ?? true },
    },
    pkce: { required: () => true },
    // Without prompt=consent oidc-provider drops offline_access; always issue one, and never tie it to
    // the browser session, so refresh behaviour does not depend on how the test logged in.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    rotateRefreshToken: true,
    clockTolerance: 0,
    ttl: {
      AccessToken: () => accessTokenTtl,
      AuthorizationCode: () => 60,
      IdToken: () => 3600,
      RefreshToken: () => options.refreshTokenTtlSeconds ?? 14 * DAY,
      Grant: () => 14 * DAY,
      Session: () => 14 * DAY,
      Interaction: () => 3600,
    },
    // Own versions of the defaults that otherwise print "you SHOULD change it" notices.
    renderError: async (ctx: { type: string; body: unknown }, out: Record<string, unknown>) => {
      ctx.type = 'json';
      ctx.body = out;
    },
    clientBasedCORS: () => false,
  };
  const provider = new Provider(issuer, configuration);

  // Count every token endpoint answer as the client saw it (including client authentication failures).
  const grants = { authorization_code: 0, refresh_token: 0 };
  const tokenErrors: string[] = [];
  const tokenRequests: TestAuthorizationServer['tokenRequests'] = [];
  let hold: { gate: Promise<void>; arrived: () => void } | undefined;
  const holdRefreshAnswers = () => {
    let release!: () => void;
    let arrived!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const reached = new Promise<void>((r) => {
      arrived = r;
    });
    hold = { gate, arrived };
    return {
      reached,
      release: () => {
        hold = undefined;
        release();
      },
    };
  };
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    const clientAuthenticates =
      ctx.method === 'POST' && (ctx.path === '/token' || ctx.path === '/token/revocation');
    // oidc-provider accepts client_secret_basic and client_secret_post interchangeably whatever the client
    // registered; enforce the registered one, so a broker sending the wrong method is caught.
    if (
      clientAuthenticates &&
      (ctx.headers.authorization !== undefined) !== (authMethod === 'client_secret_basic')
    ) {
      ctx.status = 401;
      ctx.body = {
        error: 'invalid_client',
        error_description: `this client authenticates with ${authMethod}`,
      };
    } else {
      await next();
    }
    addRedirectExtras(ctx);
    if (ctx.method !== 'POST' || ctx.path !== '/token') return;
    const grantType = String(ctx.oidc?.params?.grant_type ?? 'unknown');
    if (grantType === 'refresh_token' && hold) {
      hold.arrived();
      await hold.gate;
    }
    const error = (ctx.body as { error?: unknown } | undefined)?.error;
    if (ctx.status === 200 && options.tokenAnswerExtras && ctx.body && typeof ctx.body === 'object') {
      const answer = ctx.body as Record<string, unknown>;
      Object.assign(answer, options.tokenAnswerExtras(grantType, answer));
    }
    if (ctx.status === 200 && (grantType === 'authorization_code' || grantType === 'refresh_token')) {
      grants[grantType] += 1;
    }
    if (typeof error === 'string') tokenErrors.push(error);
    tokenRequests.push({ grantType, status: ctx.status, ...(typeof error === 'string' ? { error } : {}) });
  });
  function addRedirectExtras(ctx: KoaContextWithOIDC) {
    const location = ctx.response.get('location');
    if (!options.redirectExtras || (ctx.status !== 302 && ctx.status !== 303)) return;
    // Its own hops (to the interaction, back to /auth) are relative: only a redirect to a client is absolute.
    const target = URL.parse(location);
    if (!target || !options.redirectUris.includes(`${target.origin}${target.pathname}`)) return;
    for (const [name, value] of Object.entries(options.redirectExtras()))
      target.searchParams.set(name, value);
    ctx.response.set('location', target.href);
  }
  // Expected OAuth errors are silent; a server_error is a bug in the test setup or the provider: show it.
  provider.on('server_error', (_ctx: unknown, err: Error) => {
    process.stderr.write(`oidc-provider server_error: ${err.stack ?? err}\n`);
  });

  // Client metadata is only validated on first use: fail here instead of in the middle of a flow.
  if (!(await provider.Client.find(clientId))) throw new Error('test client did not register');

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (denyNext) {
      denyNext = false;
      const result = { error: 'access_denied', error_description: 'the test user denied the request' };
      return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    }
    if (details.prompt.name === 'login') {
      if (details.session && details.session.accountId !== account) {
        // On an account switch oidc-provider answers with a self-submitting logout form (JavaScript), which
        // a headless browser cannot follow: end the old session here, as that form would have.
        await (await provider.Session.find(details.session.cookie))?.destroy();
        details.session = undefined;
        await details.save(details.exp - Math.floor(Date.now() / 1000));
      }
      return provider.interactionFinished(
        req,
        res,
        { login: { accountId: account } },
        { mergeWithLastSubmission: false },
      );
    }
    // Consent: grant everything that was asked for.
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
    const grant =
      (details.grantId && (await provider.Grant.find(details.grantId))) ||
      new provider.Grant({
        accountId: details.session?.accountId ?? account,
        clientId: details.params.client_id,
      });
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  const callback = provider.callback();
  handle = (req, res) => {
    // Mounted the way Express mounts it: oidc-provider reads the mount path from originalUrl minus url.
    const path = req.url ?? '/';
    if (prefix !== '') {
      if (!path.startsWith(`${prefix}/`)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end('{"error":"not_found"}');
      }
      Object.assign(req, { originalUrl: path });
      req.url = path.slice(prefix.length);
    }
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    interaction(req, res).catch((err: unknown) => {
      process.stderr.write(`test interaction failed: ${err instanceof Error ? err.stack : err}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  };

  return {
    issuer,
    endpoints: {
      authorization: `${issuer}/auth`,
      token: `${issuer}/token`,
      userinfo: `${issuer}/me`,
      revocation: `${issuer}/token/revocation`,
    },
    clientId,
    clientSecret,
    setLogin(next) {
      // A named login also cancels a pending denial: the caller said who logs in next.
      if (typeof next === 'string') [account, denyNext] = [next, false];
      else denyNext = next.deny;
    },
    grants,
    tokenErrors,
    tokenRequests,
    provider,
    holdRefreshAnswers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The admin API body that registers this server as a custom provider of the broker. */
export function providerDefinition(as: TestAuthorizationServer, overrides: Record<string, unknown> = {}) {
  return {
    provider_id: 'oidc',
    display_name: 'Test OIDC',
    client_id: as.clientId,
    client_secret: as.clientSecret,
    authorization_url: as.endpoints.authorization,
    token_url: as.endpoints.token,
    userinfo_url: as.endpoints.userinfo,
    revocation_url: as.endpoints.revocation,
    issuer: as.issuer,
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    userinfo: { user_id: ['/sub'], email: ['/email'], display_name: ['/name'] },
    ...overrides,
  };
}
