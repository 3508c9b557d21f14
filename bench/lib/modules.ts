import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as AppModule from '../../src/app.js';
import type * as TokenLocationModule from '../../src/connections/token-location.js';
import type * as RandomModule from '../../src/crypto/random.js';
import type * as OpenModule from '../../src/db/open.js';
import type * as PgSchemaModule from '../../src/db/schema/postgres.js';
import type * as HandOutModule from '../../src/handout/access-token.js';
import type * as LoggerModule from '../../src/log/logger.js';
import type * as ScheduleModule from '../../src/refresh/schedule.js';
import type * as HttpClientModule from '../../src/upstream/http-client.js';
import type * as KeysModule from '../../src/vault/keys.js';
import type * as VaultModule from '../../src/vault/vault.js';
import { config } from './config.js';

/**
 * The broker's own modules, loaded from `dist/` (what `node dist/main.js`
 * runs), typed from `src/`. Seeding goes through them so the rows are exactly
 * what the broker reads: the same schema, the same vault and AAD.
 */

export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'custodian'
    )
      return dir;
    if (dirname(dir) === dir) throw new Error('custodian package root not found above the bench');
  }
}

export const distDir = config.brokerDist ?? join(repoRoot, 'dist');
export const distMain = join(distDir, 'main.js');

const load = async <T>(path: string): Promise<T> => {
  const file = join(distDir, path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return (await import(pathToFileURL(file).href)) as T;
};

export async function brokerModules() {
  return {
    app: await load<typeof AppModule>('app.js'),
    tokenLocation: await load<typeof TokenLocationModule>('connections/token-location.js'),
    random: await load<typeof RandomModule>('crypto/random.js'),
    open: await load<typeof OpenModule>('db/open.js'),
    handOut: await load<typeof HandOutModule>('handout/access-token.js'),
    /** The connections table's columns (names and Postgres types; SQLite's are the same names). */
    pgSchema: await load<typeof PgSchemaModule>('db/schema/postgres.js'),
    logger: await load<typeof LoggerModule>('log/logger.js'),
    schedule: await load<typeof ScheduleModule>('refresh/schedule.js'),
    httpClient: await load<typeof HttpClientModule>('upstream/http-client.js'),
    keys: await load<typeof KeysModule>('vault/keys.js'),
    vault: await load<typeof VaultModule>('vault/vault.js'),
  };
}

export type BrokerModules = Awaited<ReturnType<typeof brokerModules>>;
