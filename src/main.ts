import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { createApp, type Deps } from './app.js';
import { ConfigError, parseEnv } from './config/env.js';
import { type RuntimeConfig, resolveRuntimeConfig } from './config/runtime.js';
import { type Database, openDatabase } from './db/open.js';
import { createLogger, type Logger } from './log/logger.js';
import { createMetrics, noMetrics } from './metrics/metrics.js';
import { renderOpenApiYaml } from './openapi/spec-file.js';
import { listen } from './server.js';
import { startTracing } from './tracing/start.js';
import type { Tracing } from './tracing/tracing.js';
import { createUpstreamFetch } from './upstream/http-client.js';
import { rewrap } from './vault/rewrap.js';
import { Vault } from './vault/vault.js';

/**
 * `node dist/main.js <command>`: reads the configuration, opens the database,
 * and runs one command. Nothing else lives here.
 */

const USER_AGENT = 'custodian/0.1 (OAuth broker)';
const commands = ['serve', 'migrate', 'rewrap', 'rotate-signing-key', 'prune-audit', 'openapi'] as const;
type Command = (typeof commands)[number];
const DAY_MS = 86_400_000;

async function main(argv: string[]): Promise<number> {
  const command = (argv[0] ?? 'serve') as Command;
  if (!commands.includes(command)) {
    process.stderr.write(`usage: custodian [${commands.join('|')}]\n`);
    return 2;
  }
  if (command === 'openapi') {
    // Needs no configuration: the spec depends on the code alone.
    process.stdout.write(await renderOpenApiYaml());
    return 0;
  }

  let config: RuntimeConfig;
  try {
    config = resolveRuntimeConfig(parseEnv(process.env), randomBytes);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`custodian: ${error.message}\n`);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  const log = createLogger({ level: config.env.CUSTODIAN_LOG_LEVEL, secrets: config.secrets });
  for (const notice of config.notices) log.warn(notice);

  const database = openDatabase(config.databaseUrl);
  const vault = new Vault(config.vaultKeys);
  await database.migrate();
  if (command === 'serve') {
    const tracing = await startTracing({
      endpoint: config.env.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: config.env.OTEL_SERVICE_NAME,
    });
    return serveUntilSignal(config, buildDeps(config, database, vault, log, tracing));
  }
  try {
    switch (command) {
      case 'migrate':
        log.info('migrations applied', { engine: database.engine });
        break;
      case 'rewrap':
        log.info('rewrap finished', {
          current_key_id: vault.currentKeyId,
          reports: await rewrap(database, vault),
        });
        break;
      case 'rotate-signing-key': {
        const { services } = createApp(buildDeps(config, database, vault, log));
        log.info('signing key rotated', { kid: await services.keys.rotate() });
        break;
      }
      case 'prune-audit': {
        const { services } = createApp(buildDeps(config, database, vault, log));
        const cutoff = Date.now() - config.env.CUSTODIAN_AUDIT_RETENTION_DAYS * DAY_MS;
        log.info('audit events pruned', { deleted: await services.auditStore.pruneOlderThan(cutoff) });
        log.info('webhook deliveries pruned', {
          deleted: await services.webhookDeliveries.pruneOlderThan(cutoff),
        });
        break;
      }
    }
    return 0;
  } finally {
    await database.close();
  }
}

function buildDeps(
  config: RuntimeConfig,
  database: Database,
  vault: Vault,
  log: Logger,
  tracing?: Tracing,
): Deps {
  const { env } = config;
  return {
    metrics: env.CUSTODIAN_METRICS ? createMetrics({ processMetrics: true }) : noMetrics,
    tracing,
    database,
    vault,
    log,
    now: Date.now,
    random: randomBytes,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    resolveHost: async (name) => (await lookup(name, { all: true })).map((a) => a.address),
    fetch: createUpstreamFetch({
      policy: { allowLoopbackHttp: config.env.CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP },
      timeoutMs: config.env.CUSTODIAN_UPSTREAM_TIMEOUT_MS,
      maxResponseBytes: config.env.CUSTODIAN_UPSTREAM_MAX_BYTES,
      userAgent: USER_AGENT,
    }),
    config: {
      publicUrl: config.publicUrl,
      adminToken: config.adminToken,
      bodyLimitBytes: config.env.CUSTODIAN_BODY_LIMIT_BYTES,
      allowLoopbackHttp: config.env.CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP,
      upstreamTimeoutMs: config.env.CUSTODIAN_UPSTREAM_TIMEOUT_MS,
      webhookTimeoutMs: config.env.CUSTODIAN_WEBHOOK_TIMEOUT_MS,
      handOutCacheMs: config.env.CUSTODIAN_HANDOUT_CACHE_MS,
      replicaId: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      metricsToken: env.CUSTODIAN_METRICS_TOKEN,
      trustedProxies: env.CUSTODIAN_TRUSTED_PROXIES,
      rateLimits: {
        windowSeconds: env.CUSTODIAN_RATE_LIMIT_WINDOW_SECONDS,
        clientFailures: env.CUSTODIAN_RATE_LIMIT_CLIENT_FAILURES,
        addressFailures: env.CUSTODIAN_RATE_LIMIT_ADDRESS_FAILURES,
        adminFailures: env.CUSTODIAN_RATE_LIMIT_ADMIN_FAILURES,
        handOuts: env.CUSTODIAN_RATE_LIMIT_HANDOUTS,
        connectSessions: env.CUSTODIAN_RATE_LIMIT_CONNECT_SESSIONS,
      },
    },
  };
}

async function serveUntilSignal(config: RuntimeConfig, deps: Deps): Promise<number> {
  const { log, database } = deps;
  const { app, services } = createApp(deps);
  const server = await listen(app, {
    host: config.env.CUSTODIAN_HOST,
    port: config.env.CUSTODIAN_PORT,
    log,
    shutdownTimeoutMs: config.env.CUSTODIAN_SHUTDOWN_TIMEOUT_MS,
  });
  if (config.env.CUSTODIAN_BACKGROUND_REFRESH) services.background.start();
  services.handOutRevalidation.start();
  services.sessionExpiry.start();
  services.webhookSender.start();
  const pruning = setInterval(() => {
    const cutoff = Date.now() - config.env.CUSTODIAN_AUDIT_RETENTION_DAYS * DAY_MS;
    services.auditStore
      .pruneOlderThan(cutoff)
      .catch((error: unknown) => log.error('audit prune failed', { error }));
    // Deliveries are kept as long as the audit trail they belong beside.
    services.webhookDeliveries
      .pruneOlderThan(cutoff)
      .catch((error: unknown) => log.error('webhook delivery prune failed', { error }));
  }, DAY_MS);
  pruning.unref();
  log.info('listening', { url: server.url, public_url: config.publicUrl, engine: database.engine });

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info('shutting down', { signal });
  clearInterval(pruning);
  await server.close();
  // Refreshes in progress finish and commit; queued audit events are written.
  await services.background.stop();
  await services.handOutRevalidation.stop();
  // Before the sender: a sweep's last events are then in the outbox for the next replica to send.
  await services.sessionExpiry.stop();
  await services.webhookSender.stop();
  await services.audit.close();
  await database.close();
  await deps.tracing?.shutdown();
  log.info('shutdown complete');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Logged without the configured scrubber (it may not exist yet): keep it to name and message.
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    process.stderr.write(`custodian: fatal: ${name}: ${message}\n`);
    process.exitCode = 1;
  },
);
