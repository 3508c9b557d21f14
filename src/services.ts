import type { Deps } from './app.js';
import { createAuditLog } from './audit/audit-log.js';
import { createAuditInsert } from './audit/insert.js';
import { createAuditStore } from './audit/store.js';
import { createBrokerSecretStore } from './clients/broker-secret-store.js';
import { createClientRegistry } from './clients/registry.js';
import { createSecretHasher } from './clients/secret-hasher.js';
import { createClientStore } from './clients/store.js';
import type { ConnectDeps } from './connect/deps.js';
import { createSessionExpiry } from './connect/session-expiry.js';
import { createSessionStore } from './connect/session-store.js';
import { createConnectionStore } from './connections/store.js';
import { createTransact } from './db/transaction.js';
import type { HandOutDeps } from './handout/access-token.js';
import { createHandOutCache } from './handout/cache.js';
import { createCacheRevalidation } from './handout/revalidation.js';
import type { Metrics } from './metrics/metrics.js';
import { createJwksCache } from './oauth/jwks.js';
import { createProviderCache } from './providers/cache.js';
import { discoverProvider } from './providers/discovery.js';
import { createProviderRegistry } from './providers/registry.js';
import { createProviderStore } from './providers/store.js';
import { checkEndpointUrlResolved } from './providers/url-safety.js';
import { createRateLimits, defaultRateLimits } from './rate-limit/limits.js';
import { createBackgroundRefresher } from './refresh/background.js';
import { createRefresher } from './refresh/refresher.js';
import { createTokenRows } from './refresh/token-rows.js';
import { createUsageRecorder } from './refresh/usage.js';
import { createRevokedTokenStore } from './tokens/revoked-token-store.js';
import { createServiceTokens } from './tokens/service-tokens.js';
import { createSigningKeyStore } from './tokens/signing-key-store.js';
import { createSigningKeys } from './tokens/signing-keys.js';
import { type Tracing, traceMethods } from './tracing/tracing.js';
import { instrumentUpstream } from './upstream/instrumented.js';
import { createDeliveryStore } from './webhooks/delivery-store.js';
import { createEndpointStore } from './webhooks/endpoint-store.js';
import { createOutbox } from './webhooks/outbox.js';
import { createWebhookRegistry } from './webhooks/registry.js';
import { createWebhookSender } from './webhooks/sender.js';

/**
 * Builds every store and service from the app's dependencies, once. Routes
 * receive the pieces they use; `main.ts` starts and stops the background
 * parts (refresher, hand-out cache checks, connect session expiry, webhook
 * sender, audit writer).
 */
export function createServices(deps: Deps, metrics: Metrics, tracing: Tracing) {
  const { database, vault, random, now, log, config } = deps;
  // Each store's methods in a span when tracing (one per statement group); the stores themselves when not.
  const traced = <T extends object>(group: string, store: T) =>
    traceMethods(tracing, group, database.engine, store);
  const fetch = instrumentUpstream(deps.fetch, metrics, tracing);
  const limits = createRateLimits(config.rateLimits ?? defaultRateLimits, now);
  const checkUrl = (url: string) =>
    checkEndpointUrlResolved(url, { allowLoopbackHttp: config.allowLoopbackHttp }, deps.resolveHost);
  // Batches of audit events: each write a span of its own, outside any request (see audit-log.ts).
  const audit = createAuditLog({
    database,
    now,
    random,
    log,
    insert: traced('audit_events', { insert: createAuditInsert(database) }).insert,
  });
  const providerStore = traced('providers', createProviderStore(database));
  const providerCache = createProviderCache(providerStore, now);
  // Hand-outs reuse a connection read or checked within the last 2 s (the staleness of every cache
  // the broker keeps: providers, clients, revocations); every write here forgets it. At most 2,500 entries
  // (measured: 5,000 full grew the broker by 14 MB over a million connections); a service asking for more distinct
  // connections than that in 2 s gets little from a cache anyway.
  const handOutCache = createHandOutCache({ ttlMs: config.handOutCacheMs ?? 2_000, maxEntries: 2_500 });
  // Connection changes and the events reporting them commit together (one transaction runner per database).
  const outbox = createOutbox({ database, transact: createTransact(database), now, random });
  const connections = traced('connections', createConnectionStore(database, handOutCache.forget, outbox));
  const client = { fetch, now, allowInsecureRequests: config.allowLoopbackHttp };
  const clients = traced('clients', createClientStore(database));
  const hasher = createSecretHasher({
    secrets: traced('broker_secrets', createBrokerSecretStore(database)),
    vault,
    random,
    now,
  });
  const keys = createSigningKeys({
    store: traced('signing_keys', createSigningKeyStore(database)),
    vault,
    random,
    now,
  });
  const rows = traced('token_rows', createTokenRows(database, handOutCache.forget, outbox));
  const usage = createUsageRecorder(rows);
  const untracedRefresher = createRefresher({
    rows,
    providers: providerCache,
    vault,
    client,
    audit,
    log,
    random,
    now,
    sleep: deps.sleep,
    owner: config.replicaId,
    // Longer than a refresh can take (one provider call), so a live lease is never taken over.
    leaseMs: config.upstreamTimeoutMs * 3,
    metrics,
  });
  const refresher = !tracing.enabled
    ? untracedRefresher
    : {
        refresh: (...[row, reason, log]: Parameters<typeof untracedRefresher.refresh>) =>
          tracing.span('refresh', { 'custodian.provider': row.providerId, 'custodian.reason': reason }, () =>
            untracedRefresher.refresh(row, reason, log),
          ),
        refreshIfFree: (row: Parameters<typeof untracedRefresher.refreshIfFree>[0]) =>
          tracing.span(
            'refresh',
            { 'custodian.provider': row.providerId, 'custodian.reason': 'background' },
            () => untracedRefresher.refreshIfFree(row),
          ),
      };

  const connect: ConnectDeps = {
    sessions: traced('connect_sessions', createSessionStore(database, outbox)),
    connections,
    providers: providerStore,
    vault,
    random,
    now,
    log,
    fetch,
    client,
    idTokenKeys: createJwksCache({ fetch, now }),
    publicUrl: config.publicUrl,
    checkUrl,
    limits,
  };
  const handOut: HandOutDeps = {
    rows,
    providers: providerCache,
    refresher,
    vault,
    audit,
    cache: handOutCache,
    usage,
    now,
    metrics,
    limits,
  };
  const tokens = createServiceTokens({
    revocations: traced('revoked_tokens', createRevokedTokenStore(database)),
    clients,
    keys,
    random,
    now,
    issuer: config.publicUrl,
  });
  const handOutRevalidation = createCacheRevalidation({ cache: handOutCache, rows, now, log });
  const webhookEndpoints = traced('webhook_endpoints', createEndpointStore(database));
  const webhookDeliveries = traced('webhook_deliveries', createDeliveryStore(database));
  const webhookSender = createWebhookSender({
    deliveries: webhookDeliveries,
    endpoints: webhookEndpoints,
    vault,
    fetch: deps.fetch,
    audit,
    log,
    metrics,
    now,
    random,
    owner: config.replicaId,
    timeoutMs: config.webhookTimeoutMs ?? 10_000,
  });
  outbox.onCommit(webhookSender.wake);

  return {
    audit,
    limits,
    auditStore: traced('audit_events', createAuditStore(database)),
    connect,
    connections,
    providerStore,
    client,
    clients,
    hasher,
    keys,
    handOut,
    handOutRevalidation,
    sessionExpiry: createSessionExpiry({ sessions: connect.sessions, now, random, log }),
    providers: createProviderRegistry({
      providers: providerStore,
      inUse: (id) => connections.existForProvider(id),
      vault,
      now,
      publicUrl: config.publicUrl,
      checkUrl,
      discover: (issuer) => discoverProvider({ fetch, checkUrl }, issuer),
    }),
    clientRegistry: createClientRegistry({ clients, hasher, random, now, forget: tokens.forgetClient }),
    tokens,
    webhookDeliveries,
    webhookSender,
    webhooks: createWebhookRegistry({
      endpoints: webhookEndpoints,
      deliveries: webhookDeliveries,
      clients,
      vault,
      random,
      now,
      checkUrl,
      wake: webhookSender.wake,
    }),
    background: createBackgroundRefresher({
      rows,
      providers: providerCache,
      refresher,
      usage,
      log,
      random,
      now,
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
