import { randomBytes } from 'node:crypto';
import { createApp, type Deps } from '../app.js';
import type { Grants } from '../clients/grants.js';
import { createLogger } from '../log/logger.js';
import { defaultRateLimits, type RateLimitConfig } from '../rate-limit/limits.js';
import { createUpstreamFetch } from '../upstream/http-client.js';
import { Vault } from '../vault/vault.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

export const ADMIN_TOKEN = 'test-admin-credential-0123456789abcdef';

/** Every tenant, provider and action; origins and redirect URIs as the test names them. */
export const allGrants = (extra: Partial<Grants> = {}): Grants => ({
  tenants: '*',
  providers: '*',
  actions: ['connect', 'read_connections', 'get_access_token', 'delete_connections'],
  return_to_origins: [],
  redirect_uris: [],
  ...extra,
});

export interface TestClient {
  clientId: string;
  secret: string;
  /** A fresh service token from POST /oauth/token. */
  token(): Promise<string>;
  /** `app.request` with a service token and a JSON body. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
  /** Drops the cached service token (after a test moved the clock past its expiry). */
  renew(): void;
}

export interface TestApp {
  app: ReturnType<typeof createApp>['app'];
  routes: ReturnType<typeof createApp>['routes'];
  services: ReturnType<typeof createApp>['services'];
  deps: Deps;
  testDatabase: TestDatabase;
  /** Every log line written so far, as text. */
  logs: string[];
  /** `app.request` with the admin credential and a JSON body. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** Registers a service client through the admin API. */
  client(grants?: Grants): Promise<TestClient>;
  /** `app.request` as a service client with every grant (made on first use). */
  service(method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  engine?: 'sqlite' | 'postgres';
  vault?: Vault;
  /** Fake DNS: hostname → addresses. Unknown names resolve to a public address. */
  dns?: Record<string, string[]>;
  allowLoopbackHttp?: boolean;
  bodyLimitBytes?: number;
  now?: () => number;
  /** Extra values the logger must scrub (marker secrets in tests). */
  secrets?: string[];
  random?: (size: number) => Uint8Array;
  sleep?: (ms: number) => Promise<void>;
  fetch?: Deps['fetch'];
  upstreamTimeoutMs?: number;
  publicUrl?: string;
  /** Grants of the client behind `service()`. */
  serviceGrants?: Grants;
  replicaId?: string;
  /** CUSTODIAN_WEBHOOK_TIMEOUT_MS; 10 s if omitted. */
  webhookTimeoutMs?: number;
  /** CUSTODIAN_HANDOUT_CACHE_MS; the default (2 s) if omitted. */
  handOutCacheMs?: number;
  /** An existing database (another "replica"); the caller destroys it. */
  testDatabase?: TestDatabase;
  /**
   * Rate limits; by default the production ones with the failure limits raised to 1,000, since
   * tests send many bad credentials from one (unknown) address. Rate-limit tests set their own.
   */
  rateLimits?: Partial<RateLimitConfig>;
  metrics?: Deps['metrics'];
  tracing?: Deps['tracing'];
  metricsToken?: string;
  trustedProxies?: string[];
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDatabase = options.testDatabase ?? (await createTestDatabase(options.engine ?? 'sqlite'));
  const logs: string[] = [];
  const vault = options.vault ?? new Vault([{ id: 'test1', material: randomBytes(32) }]);
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 2000;
  const deps: Deps = {
    database: testDatabase.database,
    vault,
    log: createLogger({
      level: 'debug',
      write: (line) => logs.push(line),
      secrets: [ADMIN_TOKEN, ...(options.secrets ?? [])],
    }),
    now: options.now ?? Date.now,
    random: options.random ?? randomBytes,
    sleep: options.sleep ?? (async () => {}),
    fetch:
      options.fetch ??
      createUpstreamFetch({
        policy: { allowLoopbackHttp: options.allowLoopbackHttp ?? false },
        timeoutMs: upstreamTimeoutMs,
        maxResponseBytes: 256 * 1024,
        userAgent: 'custodian-test',
      }),
    resolveHost: async (hostname) => options.dns?.[hostname] ?? ['93.184.215.14'],
    config: {
      publicUrl: options.publicUrl ?? 'https://broker.test',
      adminToken: ADMIN_TOKEN,
      bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
      allowLoopbackHttp: options.allowLoopbackHttp ?? false,
      upstreamTimeoutMs,
      replicaId: options.replicaId ?? 'test-replica',
      webhookTimeoutMs: options.webhookTimeoutMs,
      handOutCacheMs: options.handOutCacheMs,
      validateResponses: true,
      metricsToken: options.metricsToken,
      trustedProxies: options.trustedProxies,
      rateLimits: {
        ...defaultRateLimits,
        clientFailures: 1_000,
        addressFailures: 1_000,
        adminFailures: 1_000,
        ...options.rateLimits,
      },
    },
    metrics: options.metrics,
    tracing: options.tracing,
  };
  const { app, routes, services } = createApp(deps);
  const json = (method: string, path: string, authorization: string, body?: unknown) =>
    Promise.resolve(
      app.request(path, {
        method,
        headers: {
          authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  const admin = (method: string, path: string, body?: unknown) =>
    json(method, path, `Bearer ${ADMIN_TOKEN}`, body);

  const client = async (grants: Grants = allGrants()): Promise<TestClient> => {
    const res = await admin('POST', '/v1/admin/clients', { name: 'test service', grants });
    if (res.status !== 201) throw new Error(`client registration failed: ${res.status} ${await res.text()}`);
    const { client_id: clientId, client_secret: secret } = (await res.json()) as Record<string, string>;
    const token = async () => {
      const answer = await app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId!,
          client_secret: secret!,
        }),
      });
      if (answer.status !== 200)
        throw new Error(`token request failed: ${answer.status} ${await answer.text()}`);
      return ((await answer.json()) as { access_token: string }).access_token;
    };
    let cached: string | undefined;
    return {
      clientId: clientId!,
      secret: secret!,
      token,
      request: async (method, path, body) => {
        cached ??= await token();
        return json(method, path, `Bearer ${cached}`, body);
      },
      renew: () => {
        cached = undefined;
      },
    };
  };
  let serviceClient: Promise<TestClient> | undefined;

  return {
    app,
    routes,
    services,
    deps,
    testDatabase,
    logs,
    admin,
    client,
    service: async (method, path, body) => {
      serviceClient ??= client(options.serviceGrants ?? allGrants());
      return (await serviceClient).request(method, path, body);
    },
    close: async () => {
      await services.background.stop();
      await services.sessionExpiry.stop();
      await services.webhookSender.stop();
      await services.audit.close();
      if (!options.testDatabase) await testDatabase.destroy();
    },
  };
}
