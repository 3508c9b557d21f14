import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, startBroker } from './support/broker-process.js';

/** The broker as an operator meets it: first start, refusals, shutdown. */

const tempDir = () => mkdtempSync(join(tmpdir(), 'custodian-proc-'));
const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

describe('first start in development', () => {
  it('creates owner-only credentials, says how to use them, and never prints them', async () => {
    const dataDir = tempDir();
    const broker = await startBroker({ CUSTODIAN_DATA_DIR: dataDir });
    try {
      const tokenPath = join(dataDir, 'dev-admin-token');
      const keysPath = join(dataDir, 'dev-vault-keys');
      for (const path of [tokenPath, keysPath]) expect(statSync(path).mode & 0o777).toBe(0o600);
      const token = readFileSync(tokenPath, 'utf8').trim();
      const keyMaterial = readFileSync(keysPath, 'utf8').trim().split(':')[1]!;

      const output = broker.stdout() + broker.stderr();
      const messages = broker
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).msg as string);
      expect(messages.join('\n')).toContain(tokenPath);
      expect(messages.join('\n')).toContain(`curl -H "Authorization: Bearer $(cat ${tokenPath})"`);
      expect(output).not.toContain(token);
      expect(output).not.toContain(keyMaterial);

      const listed = await fetch(`${broker.url}/v1/admin/providers`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(listed.status).toBe(200);
      expect((await fetch(`${broker.url}/readyz`)).status).toBe(200);
      expect(statSync(join(dataDir, 'custodian.db')).isFile()).toBe(true);
    } finally {
      broker.child.kill('SIGTERM');
      expect(await broker.exited).toBe(0);
    }

    // A second start reuses what the first made.
    const again = await startBroker({ CUSTODIAN_DATA_DIR: dataDir });
    try {
      const token = readFileSync(join(dataDir, 'dev-admin-token'), 'utf8').trim();
      const res = await fetch(`${again.url}/v1/admin/providers`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(again.stdout()).not.toContain('generated');
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });
});

describe('refusing to start', () => {
  it('refuses production without keys, naming each missing variable', async () => {
    const result = await runCommand(['serve'], { NODE_ENV: 'production', CUSTODIAN_DATA_DIR: tempDir() });
    expect(result.code).toBe(78);
    for (const name of ['CUSTODIAN_VAULT_KEYS', 'CUSTODIAN_ADMIN_TOKEN', 'CUSTODIAN_PUBLIC_URL']) {
      expect(result.stderr).toContain(name);
    }
  });

  it.each([
    ['a key of the wrong length', `k1:${Buffer.alloc(16, 1).toString('base64')}`],
    ['a key that is not base64', 'k1:%%%%not-base64%%%%%%%%%%%%%%%%%%%%%%%%%%%'],
    ['an entry without an id', key(3)],
  ])('refuses %s without echoing it', async (_name, spec) => {
    const result = await runCommand(['serve'], {
      CUSTODIAN_DATA_DIR: tempDir(),
      CUSTODIAN_VAULT_KEYS: spec,
      CUSTODIAN_ADMIN_TOKEN: 'x'.repeat(40),
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('CUSTODIAN_VAULT_KEYS');
    expect(result.stderr + result.stdout).not.toContain(spec.slice(spec.indexOf(':') + 1));
  });

  it('refuses an unknown command with usage', async () => {
    const result = await runCommand(['explode'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage/);
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight on SIGTERM, refuses new ones, exits 0', async () => {
    const dataDir = tempDir();
    const token = 'shutdown-test-admin-token-0123456789';
    const broker = await startBroker({
      CUSTODIAN_DATA_DIR: dataDir,
      CUSTODIAN_ADMIN_TOKEN: token,
      CUSTODIAN_VAULT_KEYS: `k1:${key(9)}`,
    });
    const url = new URL(broker.url);
    const body = JSON.stringify({ preset: 'github', client_id: 'cid', client_secret: 'csecret' });

    // Send half the body, signal, then the rest: the request is in flight throughout.
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/v1/admin/providers',
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        broker.child.kill('SIGTERM');
        setTimeout(async () => {
          await expect(fetch(`${broker.url}/healthz`)).rejects.toThrow();
          req.end(body.slice(10));
        }, 300);
      }, 200);
    });

    const result = await answered;
    expect(result.status).toBe(201);
    expect(JSON.parse(result.text).provider_id).toBe('github');
    expect(await broker.exited).toBe(0);
    expect(broker.stdout()).toContain('"msg":"shutdown complete"');
  });
});

describe('commands', () => {
  it('migrate applies the migrations and exits', async () => {
    const dataDir = tempDir();
    const result = await runCommand(['migrate'], { CUSTODIAN_DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"msg":"migrations applied"');
    expect(statSync(join(dataDir, 'custodian.db')).size).toBeGreaterThan(0);
  });

  it('openapi prints the spec without any configuration', async () => {
    const result = await runCommand(['openapi'], { NODE_ENV: 'production' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^openapi: "?3\.1\.\d+"?\n/);
  });
});

describe('operator settings from the environment', () => {
  it('wires the metrics token, process metrics and each rate limit to its own variable', async () => {
    const admin = 'settings-test-admin-token-0123456789';
    const metricsToken = 'settings-test-metrics-token-0123456789';
    // Distinct limits, so a variable wired to the wrong limit shows.
    const broker = await startBroker({
      CUSTODIAN_DATA_DIR: tempDir(),
      CUSTODIAN_ADMIN_TOKEN: admin,
      CUSTODIAN_VAULT_KEYS: `k1:${key(5)}`,
      CUSTODIAN_METRICS_TOKEN: metricsToken,
      CUSTODIAN_RATE_LIMIT_WINDOW_SECONDS: '120',
      CUSTODIAN_RATE_LIMIT_CLIENT_FAILURES: '2',
      CUSTODIAN_RATE_LIMIT_ADDRESS_FAILURES: '9',
      CUSTODIAN_RATE_LIMIT_HANDOUTS: '3',
      CUSTODIAN_RATE_LIMIT_CONNECT_SESSIONS: '4',
      CUSTODIAN_RATE_LIMIT_ADMIN_FAILURES: '1',
    });
    try {
      const call = (path: string, init: RequestInit = {}) => fetch(`${broker.url}${path}`, init);
      const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
      const json = { 'content-type': 'application/json' };
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const policy = (res: Response) => [res.status, res.headers.get('ratelimit-policy')];

      const scrape = await call('/metrics', { headers: bearer(metricsToken) });
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toMatch(/^process_cpu_seconds_total /m);

      const created = await call('/v1/admin/clients', {
        method: 'POST',
        headers: { ...bearer(admin), ...json },
        body: JSON.stringify({
          name: 'svc',
          grants: { tenants: '*', providers: '*', actions: ['connect', 'get_access_token'] },
        }),
      });
      expect(created.status).toBe(201);
      const { client_id, client_secret } = (await created.json()) as {
        client_id: string;
        client_secret: string;
      };
      const tokenWith = (secret: string) =>
        call('/oauth/token', {
          method: 'POST',
          headers: form,
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret: secret }),
        });
      const issued = await tokenWith(client_secret);
      expect(issued.status).toBe(200);
      const serviceToken = ((await issued.json()) as { access_token: string }).access_token;

      for (let i = 0; i < 2; i++) expect((await tokenWith('wrong-secret-0123456789')).status).toBe(401);
      expect(policy(await tokenWith(client_secret))).toEqual([429, '"client-auth-failures";q=2;w=120']);

      const handOut = () =>
        call('/v1/connections/conn_missing/access-token', { method: 'POST', headers: bearer(serviceToken) });
      for (let i = 0; i < 3; i++) expect((await handOut()).status).toBe(404);
      expect(policy(await handOut())).toEqual([429, '"handouts";q=3;w=120']);

      const session = () =>
        call('/v1/connect-sessions', {
          method: 'POST',
          headers: { ...bearer(serviceToken), ...json },
          body: JSON.stringify({ provider: 'missing', tenant: 'acme', end_user: 'u1' }),
        });
      for (let i = 0; i < 4; i++) expect((await session()).status).toBe(404);
      expect(policy(await session())).toEqual([429, '"connect-sessions";q=4;w=120']);

      expect(
        (await call('/v1/admin/clients', { headers: bearer('not-the-admin-token-0123456789') })).status,
      ).toBe(401);
      expect(policy(await call('/v1/admin/clients', { headers: bearer(admin) }))).toEqual([
        429,
        '"admin-auth-failures";q=1;w=120',
      ]);
    } finally {
      broker.child.kill('SIGTERM');
      await broker.exited;
    }
  });
});
