import { createApp } from '../app.js';
import { openDatabase } from '../db/open.js';
import { silentLogger } from '../log/logger.js';
import { Vault } from '../vault/vault.js';
import { buildOpenApiDocument } from './document.js';
import { documentInfo } from './routes.js';
import { toYaml } from './yaml.js';

/**
 * The text of `openapi.yaml`, built from the routes a real app registers.
 * No request is served, so a throwaway in-memory database and key suffice.
 */
export async function renderOpenApiYaml(): Promise<string> {
  const database = openDatabase(':memory:');
  try {
    const { routes } = createApp({
      database,
      vault: new Vault([{ id: 'spec', material: new Uint8Array(32) }]),
      log: silentLogger,
      now: Date.now,
      random: () => new Uint8Array(32),
      sleep: async () => {},
      resolveHost: async () => [],
      fetch: async () => {
        throw new Error('the spec is built without reaching any provider');
      },
      config: {
        publicUrl: 'http://localhost:8080',
        adminToken: 'x'.repeat(32),
        bodyLimitBytes: 1024,
        allowLoopbackHttp: false,
        upstreamTimeoutMs: 1000,
        replicaId: 'spec',
      },
    });
    return toYaml(buildOpenApiDocument(routes, documentInfo));
  } finally {
    await database.close();
  }
}
