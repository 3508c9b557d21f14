import { z } from 'zod';

/**
 * Every environment variable the broker reads, parsed once at start-up.
 * The README's configuration table documents each (a test checks it).
 */

const boolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
// A rate limit: hits per window; 0 turns it off.
const limit = z.coerce.number().int().min(0).max(100_000_000);
const envSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  CUSTODIAN_HOST: z.string().min(1).default('127.0.0.1'),
  CUSTODIAN_PORT: port.default(8080),
  CUSTODIAN_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  CUSTODIAN_DATA_DIR: z.string().min(1).default('./data'),
  CUSTODIAN_DATABASE_URL: z.string().min(1).optional(),
  CUSTODIAN_VAULT_KEYS: z.string().min(1).optional(),
  CUSTODIAN_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP: boolean.default(false),
  CUSTODIAN_BACKGROUND_REFRESH: boolean.default(true),
  CUSTODIAN_AUDIT_RETENTION_DAYS: positiveInt(36_500).default(90),
  CUSTODIAN_UPSTREAM_TIMEOUT_MS: positiveInt(120_000).default(10_000),
  CUSTODIAN_WEBHOOK_TIMEOUT_MS: positiveInt(120_000).default(10_000),
  CUSTODIAN_UPSTREAM_MAX_BYTES: positiveInt(64 * 1024 * 1024).default(1024 * 1024),
  CUSTODIAN_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  CUSTODIAN_BODY_LIMIT_BYTES: positiveInt(10 * 1024 * 1024).default(64 * 1024),
  CUSTODIAN_SHUTDOWN_TIMEOUT_MS: positiveInt(600_000).default(10_000),
  CUSTODIAN_HANDOUT_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  CUSTODIAN_METRICS: boolean.default(true),
  CUSTODIAN_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  CUSTODIAN_TRUSTED_PROXIES: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.ipv4(), z.ipv6()])))
    .default([]),
  CUSTODIAN_RATE_LIMIT_WINDOW_SECONDS: positiveInt(86_400).default(60),
  CUSTODIAN_RATE_LIMIT_CLIENT_FAILURES: limit.default(10),
  CUSTODIAN_RATE_LIMIT_ADDRESS_FAILURES: limit.default(100),
  CUSTODIAN_RATE_LIMIT_ADMIN_FAILURES: limit.default(10),
  CUSTODIAN_RATE_LIMIT_HANDOUTS: limit.default(600_000),
  CUSTODIAN_RATE_LIMIT_CONNECT_SESSIONS: limit.default(600),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(256).default('custodian'),
});

export type Env = z.infer<typeof envSchema>;
export const envVariableNames = Object.keys(envSchema.shape) as Array<keyof Env>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment, or throws one ConfigError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "not set", as in most deployment tools.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  if (env.NODE_ENV === 'production') {
    const missing = (
      ['CUSTODIAN_VAULT_KEYS', 'CUSTODIAN_ADMIN_TOKEN', 'CUSTODIAN_PUBLIC_URL'] as const
    ).filter((name) => env[name] === undefined);
    const problems = missing.map((name) => `  ${name}: required when NODE_ENV=production`);
    if (env.CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP) {
      problems.push(
        '  CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP: a development setting, refused when NODE_ENV=production',
      );
    }
    if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  return env;
}
