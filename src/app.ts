import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { adminGuard } from './admin/auth.js';
import { auditRouteChanges } from './audit/route-changes.js';
import { mountAuditRoutes } from './audit/routes.js';
import { mountClientRoutes } from './clients/routes.js';
import { mountBrowserRoutes } from './connect/browser-routes.js';
import { mountConnectRoutes } from './connect/routes.js';
import { mountConnectionRoutes } from './connections/routes.js';
import type { Random } from './crypto/random.js';
import type { Database } from './db/open.js';
import { mountHandOutRoutes } from './handout/routes.js';
import { mountHealthRoutes } from './health/routes.js';
import { AppError } from './http/errors.js';
import { handleError, problemResponse } from './http/problem.js';
import { requestContext } from './http/request-context.js';
import { type AppEnv, type RouteDefinition, Router } from './http/router.js';
import { sourceAddress } from './http/source-address.js';
import type { Logger } from './log/logger.js';
import { registerConnectionGauges } from './metrics/connection-gauges.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { mountMetricsRoutes } from './metrics/routes.js';
import { mountOpenApiRoutes } from './openapi/routes.js';
import { mountProviderRoutes } from './providers/routes.js';
import type { RateLimitConfig } from './rate-limit/limits.js';
import { createServices } from './services.js';
import { oauthErrorResponse } from './tokens/oauth-error-response.js';
import { mountTokenRoutes } from './tokens/routes.js';
import { serviceGuard } from './tokens/service-guard.js';
import { noTracing, type Tracing } from './tracing/tracing.js';
import type { UpstreamFetch } from './upstream/http-client.js';
import type { Vault } from './vault/vault.js';
import { mountWebhookDeliveryRoutes } from './webhooks/delivery-routes.js';
import { registerWebhookGauges } from './webhooks/gauges.js';
import { mountWebhookEndpointRoutes } from './webhooks/routes.js';

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
  /** This app's metrics (a Registry of its own); a fresh one without process metrics if omitted. */
  metrics?: Metrics;
  /** Off (noTracing) if omitted; see tracing/start.ts. */
  tracing?: Tracing;
  config: {
    publicUrl: string;
    adminToken: string;
    bodyLimitBytes: number;
    allowLoopbackHttp: boolean;
    upstreamTimeoutMs: number;
    /** How long a replica reuses a connection read for hand-outs (CUSTODIAN_HANDOUT_CACHE_MS); 2 s if omitted. */
    handOutCacheMs?: number;
    /** Per webhook delivery attempt (CUSTODIAN_WEBHOOK_TIMEOUT_MS); 10 s if omitted. */
    webhookTimeoutMs?: number;
    /** This process's name on refresh and webhook leases: unique per replica. */
    replicaId: string;
    /** Check every JSON answer against its declared schema (tests). */
    validateResponses?: boolean;
    /** A second bearer credential for GET /metrics only (CUSTODIAN_METRICS_TOKEN). */
    metricsToken?: string;
    /** The defaults of rate-limit/limits.ts if omitted. */
    rateLimits?: RateLimitConfig;
    /** Peers whose X-Forwarded-For is believed (CUSTODIAN_TRUSTED_PROXIES); none if omitted. */
    trustedProxies?: readonly string[];
  };
}

export function createApp(deps: Deps) {
  const { config } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const tracing = deps.tracing ?? noTracing;
  // Tracing on, every line written inside a span carries its trace: the request's own lines and those
  // of the refresher, the connect flow or the audit writer, which log through this logger. Off, the
  // logger is the one given, and a line pays nothing for tracing.
  const log = tracing.enabled ? deps.log.withContext(tracing.logFields) : deps.log;
  const app = new Hono<AppEnv>();
  app.use(requestContext(log, metrics, tracing));

  const services = createServices({ ...deps, log }, metrics, tracing);
  const trusted = new Set(config.trustedProxies ?? []);
  const addressOf = (c: Context) => sourceAddress(c, trusted);
  const admin = { limits: services.limits, sourceAddress: addressOf };
  const passThrough: MiddlewareHandler<AppEnv> = async (_c, next) => next();
  const router = new Router(app, {
    guards: {
      admin: adminGuard(config.adminToken, admin),
      service: serviceGuard(services.tokens),
      none: passThrough,
    },
    errorHandlers: { client: oauthErrorResponse },
    validateResponses: config.validateResponses,
    bodyLimitBytes: config.bodyLimitBytes,
    onChange: auditRouteChanges(services.audit),
  });

  mountHealthRoutes(router, deps.database);
  mountTokenRoutes(router, {
    ...services,
    now: deps.now,
    publicUrl: config.publicUrl,
    sourceAddress: addressOf,
  });
  mountProviderRoutes(router, services.providers);
  mountClientRoutes(router, services.clientRegistry);
  mountAuditRoutes(router, { store: services.auditStore });
  mountWebhookEndpointRoutes(router, { registry: services.webhooks, now: deps.now });
  mountWebhookDeliveryRoutes(router, { registry: services.webhooks, now: deps.now });
  mountConnectRoutes(router, services.connect);
  mountBrowserRoutes(router, services.connect);
  mountConnectionRoutes(router, {
    connections: services.connections,
    providers: services.providerStore,
    vault: deps.vault,
    client: services.client,
    log,
    sleep: deps.sleep,
  });
  mountHandOutRoutes(router, services.handOut);
  mountOpenApiRoutes(router);
  registerConnectionGauges(metrics, { database: deps.database, now: deps.now, tracing });
  registerWebhookGauges(metrics, { deliveries: services.webhookDeliveries, now: deps.now });
  mountMetricsRoutes(
    router,
    metrics,
    adminGuard(config.adminToken, { ...admin, alsoAccept: config.metricsToken }),
  );

  app.notFound((c) => {
    const allowed = methodsFor(router.definitions, c.req.path);
    if (allowed.length > 0) {
      return problemResponse(
        c,
        new AppError('method_not_allowed', `${c.req.method} is not allowed here`, {
          headers: { allow: allowed.join(', ') },
        }),
      );
    }
    return problemResponse(c, new AppError('not_found', 'no such route'));
  });
  app.onError(handleError);

  return { app, routes: router.definitions, services, metrics, tracing };
}

function methodsFor(routes: readonly RouteDefinition[], path: string): string[] {
  const matching = routes.filter((r) => {
    const pattern = r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(path);
  });
  return [...new Set(matching.map((r) => r.method.toUpperCase()))];
}
