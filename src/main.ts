import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { createApp } from './app.js';
import { ConfigError, parseEnv } from './config/env.js';
import { type RuntimeConfig, resolveRuntimeConfig } from './config/runtime.js';
import { openDatabase } from './db/open.js';
import { createLogger, type Logger } from './log/logger.js';
import { renderOpenApiYaml } from './openapi/spec-file.js';
import { listen } from './server.js';
import { createUpstreamFetch } from './upstream/http-client.js';
import { rewrap } from './vault/rewrap.js';
import { Vault } from './vault/vault.js';

/**
 * `node dist/main.js [serve|migrate|rewrap|openapi]`: reads the configuration, opens
 * the database, and runs one command. Nothing else lives here.
 */

const USER_AGENT = 'custodian/0.1 (OAuth broker)';
const usage = 'usage: custodian [serve|migrate|rewrap|openapi]';

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'serve';
  if (!['serve', 'migrate', 'rewrap', 'openapi'].includes(command)) {
    process.stderr.write(`${usage}\n`);
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
  try {
    await database.migrate();
    if (command === 'migrate') {
      log.info('migrations applied', { engine: database.engine });
      return 0;
    }
    if (command === 'rewrap') {
      const reports = await rewrap(database, vault);
      log.info('rewrap finished', { current_key_id: vault.currentKeyId, reports });
      return 0;
    }
  } finally {
    if (command !== 'serve') await database.close();
  }
  return serveUntilSignal(config, database, vault, log);
}

async function serveUntilSignal(
  config: RuntimeConfig,
  database: ReturnType<typeof openDatabase>,
  vault: Vault,
  log: Logger,
): Promise<number> {
  const { app } = createApp({
    database,
    vault,
    log,
    now: Date.now,
    random: randomBytes,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    resolveHost: async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address),
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
      allowedReturnUrls: config.env.CUSTODIAN_ALLOWED_RETURN_URLS,
      allowedRedirectUris: config.env.CUSTODIAN_ALLOWED_REDIRECT_URIS,
    },
  });
  const server = await listen(app, {
    host: config.env.CUSTODIAN_HOST,
    port: config.env.CUSTODIAN_PORT,
    log,
    shutdownTimeoutMs: config.env.CUSTODIAN_SHUTDOWN_TIMEOUT_MS,
  });
  log.info('listening', { url: server.url, public_url: config.publicUrl, engine: database.engine });

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info('shutting down', { signal });
  await server.close();
  await database.close();
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
