import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeBase64, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { parseVaultKeys, type VaultKey } from '../vault/keys.js';
import { ConfigError, type Env } from './env.js';

/** The configuration the broker runs with, after defaults and development secrets. */
export interface RuntimeConfig {
  env: Env;
  databaseUrl: string;
  publicUrl: string;
  vaultKeys: VaultKey[];
  adminToken: string;
  /** Every secret value, so the logger can scrub them wherever they appear. */
  secrets: string[];
  /** What to tell the operator once logging is up (never a secret itself). */
  notices: string[];
}

export function resolveRuntimeConfig(env: Env, random: (size: number) => Uint8Array): RuntimeConfig {
  const dataDir = resolve(env.CUSTODIAN_DATA_DIR);
  const notices: string[] = [];
  const development = env.NODE_ENV !== 'production';

  let keySpec = env.CUSTODIAN_VAULT_KEYS;
  if (keySpec === undefined && development) {
    keySpec = readOrCreate(
      join(dataDir, 'dev-vault-keys'),
      () => `dev1:${encodeBase64(random(32))}`,
      notices,
      'a vault key',
    );
  }
  let adminToken = env.CUSTODIAN_ADMIN_TOKEN;
  if (adminToken === undefined && development) {
    const path = join(dataDir, 'dev-admin-token');
    adminToken = readOrCreate(
      path,
      () => encodeBase64urlNoPadding(random(32)),
      notices,
      'an admin credential',
    );
    notices.push(
      `admin API: curl -H "Authorization: Bearer $(cat ${path})" ${publicUrlOf(env)}/v1/admin/providers`,
    );
  }
  // parseEnv already refused production without these.
  if (keySpec === undefined || adminToken === undefined)
    throw new ConfigError('vault keys and admin token are required');

  let vaultKeys: VaultKey[];
  try {
    vaultKeys = parseVaultKeys(keySpec);
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ${(error as Error).message}`);
  }
  return {
    env,
    databaseUrl: env.CUSTODIAN_DATABASE_URL ?? join(dataDir, 'custodian.db'),
    publicUrl: publicUrlOf(env),
    vaultKeys,
    adminToken,
    secrets: [
      adminToken,
      ...(env.CUSTODIAN_METRICS_TOKEN ? [env.CUSTODIAN_METRICS_TOKEN] : []),
      ...keySpec.split(',').map((entry) => entry.slice(entry.indexOf(':') + 1).trim()),
    ],
    notices,
  };
}

function publicUrlOf(env: Env): string {
  return (env.CUSTODIAN_PUBLIC_URL ?? `http://localhost:${env.CUSTODIAN_PORT}`).replace(/\/+$/, '');
}

/** Development secrets live in owner-only files under the data folder, made once. */
function readOrCreate(path: string, make: () => string, notices: string[], what: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path, `${make()}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  notices.push(
    `development mode: generated ${what} in ${path} (owner-only); configure your own before production`,
  );
  return readFileSync(path, 'utf8').trim();
}
