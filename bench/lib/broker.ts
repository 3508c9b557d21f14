import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { config } from './config.js';
import { distMain, repoRoot } from './modules.js';
import { scratchFolder, scratchPath } from './scratch.js';

export const profileDir = (label: string) => scratchFolder('profiles', label);

/**
 * `node dist/main.js serve` as a real process with production settings (the
 * node flags of the Dockerfile and `npm start`):
 * NODE_ENV=production, vault keys, admin token and public URL set, the
 * default log level (one access line per request, written to a file as a
 * log shipper would read it), the background refresher on.
 */

export const PUBLIC_URL = 'https://custodian.bench.example';

/** The keys and admin credential the broker runs with; the seeder seals with the same keys. */
export function brokerSecrets() {
  const material = randomBytes(32);
  return {
    vaultKeys: [{ id: 'bench1', material: new Uint8Array(material) }],
    vaultKeysEnv: `bench1:${material.toString('base64')}`,
    adminToken: randomBytes(32).toString('base64url'),
  };
}
export type BrokerSecrets = ReturnType<typeof brokerSecrets>;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const children = new Set<ChildProcess>();

/** Kills whatever the bench started and has not stopped (on an error or Ctrl-C). */
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/** Spawns a node process, waits until `readyPath` answers 200. */
export async function startProcess(options: {
  label: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  readyPath: string;
  nodeFlags?: string[];
}): Promise<RunningProcess> {
  const logFile = scratchPath('logs', `${options.label}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...options.args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  children.add(child);
  child.once('exit', () => children.delete(child));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${options.label} exited with ${child.exitCode}:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${url}${options.readyPath}`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.label} did not become ready:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid!,
    logFile,
    async stop() {
      child.kill('SIGTERM');
      await waitForExit(child, 15_000);
    },
  };
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface Broker extends RunningProcess {
  secrets: BrokerSecrets;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
}

export async function startBroker(options: {
  label: string;
  databaseUrl: string;
  secrets: BrokerSecrets;
  /** More environment for the broker (CUSTODIAN_HANDOUT_CACHE_MS for the scale part). */
  env?: Record<string, string>;
  /** Another build's `main.js` (the compare part); this tree's by default. */
  main?: string;
}): Promise<Broker> {
  const port = await freePort();
  const flags = [
    // As the Dockerfile and `npm start` run it.
    '--max-semi-space-size=8',
    ...config.brokerNodeFlags,
    ...(config.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir(options.label)}`] : []),
  ];
  const running = await startProcess({
    label: `broker-${options.label}`,
    args: [options.main ?? distMain, 'serve'],
    nodeFlags: flags,
    port,
    readyPath: '/readyz',
    env: {
      NODE_ENV: 'production',
      CUSTODIAN_HOST: '127.0.0.1',
      CUSTODIAN_PORT: String(port),
      CUSTODIAN_PUBLIC_URL: PUBLIC_URL,
      CUSTODIAN_DATA_DIR: scratchFolder('data', options.label),
      CUSTODIAN_DATABASE_URL: options.databaseUrl,
      CUSTODIAN_VAULT_KEYS: options.secrets.vaultKeysEnv,
      CUSTODIAN_ADMIN_TOKEN: options.secrets.adminToken,
      ...options.env,
    },
  });
  return {
    ...running,
    secrets: options.secrets,
    admin: (method, path, body) =>
      fetch(`${running.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.secrets.adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

const expectStatus = async (res: Response, status: number, what: string) => {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};

/** The Dropbox preset (the hand-out's provider), through the admin API. */
export async function createProvider(broker: Broker, providerId = 'dropbox'): Promise<void> {
  await expectStatus(
    await broker.admin('POST', '/v1/admin/providers', {
      preset: 'dropbox',
      provider_id: providerId,
      client_id: 'bench-client-id',
      client_secret: 'bench-client-secret',
    }),
    201,
    'creating the provider',
  );
}

/** A service client through the admin API, and `count` service tokens from POST /oauth/token. */
export async function serviceTokens(broker: Broker, count: number): Promise<string[]> {
  const client = await expectStatus(
    await broker.admin('POST', '/v1/admin/clients', {
      name: 'bench service',
      grants: { tenants: '*', providers: ['dropbox'], actions: ['read_connections', 'get_access_token'] },
    }),
    201,
    'registering the service client',
  );
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await expectStatus(
      await fetch(`${broker.url}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      }),
      200,
      'getting a service token',
    );
    tokens.push(answer.access_token as string);
  }
  return tokens;
}
