import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Deps } from '../../src/app.js';
import { PUBLIC_URL } from './broker.js';
import type { BrokerModules } from './modules.js';

/**
 * The dependencies of a broker run inside the bench's own process (the refresh and webhook
 * parts), built from the compiled modules as `main.ts` builds them: loopback provider URLs
 * allowed, logs at the default level handed to `write` instead of stdout.
 */
export function inProcessDeps(
  mods: BrokerModules,
  options: {
    database: Deps['database'];
    vault: Deps['vault'];
    adminToken: string;
    write: () => void;
    /** The broker's clock (the refresh-load part's is a fake one); the real one if omitted. */
    now?: () => number;
  },
): Deps {
  return {
    database: options.database,
    vault: options.vault,
    log: mods.logger.createLogger({ level: 'info', write: options.write, secrets: [options.adminToken] }),
    now: options.now ?? Date.now,
    random: randomBytes,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    resolveHost: async () => ['127.0.0.1'],
    fetch: mods.httpClient.createUpstreamFetch({
      policy: { allowLoopbackHttp: true },
      timeoutMs: 10_000,
      maxResponseBytes: 1024 * 1024,
      userAgent: 'custodian/0.1 (OAuth broker)',
    }),
    config: {
      publicUrl: PUBLIC_URL,
      adminToken: options.adminToken,
      bodyLimitBytes: 65_536,
      allowLoopbackHttp: true,
      upstreamTimeoutMs: 10_000,
      replicaId: `${hostname()}:${process.pid}:bench`,
    },
  };
}
