import { randomBytes } from 'node:crypto';
import { createApp, type Deps } from '../app.js';
import { createLogger } from '../log/logger.js';
import { createUpstreamFetch } from '../upstream/http-client.js';
import { Vault } from '../vault/vault.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

export const ADMIN_TOKEN = 'test-admin-credential-0123456789abcdef';

export interface TestApp {
  app: ReturnType<typeof createApp>['app'];
  routes: ReturnType<typeof createApp>['routes'];
  deps: Deps;
  testDatabase: TestDatabase;
  /** Every log line written so far, as text. */
  logs: string[];
  /** `app.request` with the admin credential and a JSON body. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
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
  allowedReturnUrls?: string[];
  allowedRedirectUris?: string[];
  publicUrl?: string;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDatabase = await createTestDatabase(options.engine ?? 'sqlite');
  const logs: string[] = [];
  const vault = options.vault ?? new Vault([{ id: 'test1', material: randomBytes(32) }]);
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
        timeoutMs: options.upstreamTimeoutMs ?? 2000,
        maxResponseBytes: 256 * 1024,
        userAgent: 'custodian-test',
      }),
    resolveHost: async (hostname) => options.dns?.[hostname] ?? ['93.184.215.14'],
    config: {
      publicUrl: options.publicUrl ?? 'https://broker.test',
      adminToken: ADMIN_TOKEN,
      bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
      allowLoopbackHttp: options.allowLoopbackHttp ?? false,
      allowedReturnUrls: options.allowedReturnUrls ?? [],
      allowedRedirectUris: options.allowedRedirectUris ?? [],
      validateResponses: true,
    },
  };
  const { app, routes } = createApp(deps);
  return {
    app,
    routes,
    deps,
    testDatabase,
    logs,
    admin: (method, path, body) =>
      Promise.resolve(
        app.request(path, {
          method,
          headers: {
            authorization: `Bearer ${ADMIN_TOKEN}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
    close: () => testDatabase.destroy(),
  };
}
