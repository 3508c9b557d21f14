import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { adminGuard } from './admin/auth.js';
import { mountBrowserRoutes } from './connect/browser-routes.js';
import type { ConnectDeps } from './connect/deps.js';
import { mountConnectRoutes } from './connect/routes.js';
import { createSessionStore } from './connect/session-store.js';
import { mountConnectionRoutes } from './connections/routes.js';
import { createConnectionStore } from './connections/store.js';
import type { Random } from './crypto/random.js';
import type { Database } from './db/open.js';
import { mountHealthRoutes } from './health/routes.js';
import { AppError } from './http/errors.js';
import { handleError, problemResponse } from './http/problem.js';
import { requestContext } from './http/request-context.js';
import { type AppEnv, type RouteDefinition, Router } from './http/router.js';
import type { Logger } from './log/logger.js';
import { mountOpenApiRoutes } from './openapi/routes.js';
import { createProviderRegistry } from './providers/registry.js';
import { mountProviderRoutes } from './providers/routes.js';
import { createProviderStore } from './providers/store.js';
import { checkEndpointUrlResolved } from './providers/url-safety.js';
import type { UpstreamFetch } from './upstream/http-client.js';
import type { Vault } from './vault/vault.js';

/** Everything the app needs from outside; tests hand in their own. */
export interface Deps {
  database: Database;
  vault: Vault;
  log: Logger;
  now: () => number;
  random: Random;
  sleep: (ms: number) => Promise<void>;
  /** DNS for the endpoint URL checks when a provider is saved; tests pass a fake. */
  resolveHost: (hostname: string) => Promise<string[]>;
  /** The only way to reach a provider (see upstream/http-client.ts). */
  fetch: UpstreamFetch;
  config: {
    publicUrl: string;
    adminToken: string;
    bodyLimitBytes: number;
    allowLoopbackHttp: boolean;
    allowedReturnUrls: readonly string[];
    allowedRedirectUris: readonly string[];
    /** Check every JSON answer against its declared schema (tests). */
    validateResponses?: boolean;
  };
}

export function createApp(deps: Deps) {
  const { config } = deps;
  const app = new Hono<AppEnv>();
  app.use(requestContext(deps.log, deps.now));
  app.use(secureHeaders({ crossOriginResourcePolicy: 'same-origin', referrerPolicy: 'no-referrer' }));
  app.use(
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () => {
        throw new AppError(
          'payload_too_large',
          413,
          `the request body is larger than ${config.bodyLimitBytes} bytes`,
        );
      },
    }),
  );

  const passThrough: MiddlewareHandler<AppEnv> = async (_c, next) => next();
  // Until service clients exist, the admin is the caller of the service routes.
  const adminCaller = {
    id: 'admin',
    allowedReturnUrls: config.allowedReturnUrls,
    allowedRedirectUris: config.allowedRedirectUris,
  };
  const requireAdmin = adminGuard(config.adminToken);
  const router = new Router(app, {
    guards: {
      admin: async (c, next) =>
        requireAdmin(c, async () => {
          c.set('caller', adminCaller);
          await next();
        }),
      none: passThrough,
    },
    validateResponses: config.validateResponses,
  });

  const providerStore = createProviderStore(deps.database);
  const connections = createConnectionStore(deps.database);
  const client = { fetch: deps.fetch, now: deps.now, allowInsecureRequests: config.allowLoopbackHttp };
  const connectDeps: ConnectDeps = {
    sessions: createSessionStore(deps.database),
    connections,
    providers: providerStore,
    vault: deps.vault,
    random: deps.random,
    now: deps.now,
    log: deps.log,
    fetch: deps.fetch,
    client,
    publicUrl: config.publicUrl,
  };

  const providers = createProviderRegistry({
    providers: providerStore,
    inUse: (id) => connections.existForProvider(id),
    vault: deps.vault,
    now: deps.now,
    publicUrl: config.publicUrl,
    checkUrl: (url) =>
      checkEndpointUrlResolved(url, { allowLoopbackHttp: config.allowLoopbackHttp }, deps.resolveHost),
  });

  mountHealthRoutes(router, deps.database);
  mountProviderRoutes(router, providers);
  mountConnectRoutes(router, connectDeps);
  mountBrowserRoutes(router, connectDeps);
  mountConnectionRoutes(router, {
    connections,
    providers: providerStore,
    vault: deps.vault,
    client,
    log: deps.log,
    sleep: deps.sleep,
  });
  mountOpenApiRoutes(router);

  app.notFound((c) => {
    const allowed = methodsFor(router.definitions, c.req.path);
    if (allowed.length > 0) {
      return problemResponse(
        c,
        new AppError('method_not_allowed', 405, `${c.req.method} is not allowed here`, {
          headers: { allow: allowed.join(', ') },
        }),
      );
    }
    return problemResponse(c, new AppError('not_found', 404, 'no such route'));
  });
  app.onError(handleError);

  return { app, routes: router.definitions };
}

function methodsFor(routes: readonly RouteDefinition[], path: string): string[] {
  const matching = routes.filter((r) => {
    const pattern = r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(path);
  });
  return [...new Set(matching.map((r) => r.method.toUpperCase()))];
}
