import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, envVariableNames, parseEnv } from './env.js';

const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const production = {
  NODE_ENV: 'production',
  CUSTODIAN_VAULT_KEYS: key,
  CUSTODIAN_ADMIN_TOKEN: 'a'.repeat(40),
  CUSTODIAN_PUBLIC_URL: 'https://broker.example.com',
};

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  it('fills defaults from an empty environment', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      CUSTODIAN_HOST: '127.0.0.1',
      CUSTODIAN_PORT: 8080,
      CUSTODIAN_DATA_DIR: './data',
      CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP: false,
      CUSTODIAN_BODY_LIMIT_BYTES: 65536,
    });
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv({ CUSTODIAN_PORT: '' }).CUSTODIAN_PORT).toBe(8080);
  });

  it('names every bad variable in one error', () => {
    const error = errorOf(() =>
      parseEnv({
        CUSTODIAN_PORT: 'eighty',
        CUSTODIAN_LOG_LEVEL: 'loud',
        CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP: 'maybe',
      }),
    );
    expect(error.message).toMatch(/CUSTODIAN_PORT/);
    expect(error.message).toMatch(/CUSTODIAN_LOG_LEVEL/);
    expect(error.message).toMatch(/CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP/);
  });

  it('refuses a short admin token without echoing it', () => {
    const error = errorOf(() => parseEnv({ CUSTODIAN_ADMIN_TOKEN: 'short-secret' }));
    expect(error.message).toMatch(/CUSTODIAN_ADMIN_TOKEN/);
    expect(error.message).not.toContain('short-secret');
  });

  it('accepts a complete production configuration', () => {
    expect(parseEnv(production).NODE_ENV).toBe('production');
  });

  it.each(['CUSTODIAN_VAULT_KEYS', 'CUSTODIAN_ADMIN_TOKEN', 'CUSTODIAN_PUBLIC_URL'])(
    'refuses production without %s, naming it',
    (name) => {
      const error = errorOf(() => parseEnv({ ...production, [name]: undefined }));
      expect(error.message).toContain(`${name}: required when NODE_ENV=production`);
    },
  );

  it('refuses the loopback development setting in production', () => {
    const error = errorOf(() => parseEnv({ ...production, CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP: 'true' }));
    expect(error.message).toContain('CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP');
  });

  it("has a row for every variable in the README's configuration table", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const name of envVariableNames) expect(readme).toContain(`| \`${name}\` |`);
  });
});
