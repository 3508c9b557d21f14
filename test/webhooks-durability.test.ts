import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GrantToSave } from '../src/connections/store.js';
import { createTestApp, type TestApp } from '../src/test-support/app.js';
import { availableEngines, createTestDatabase } from '../src/test-support/databases.js';
import { startWebhookReceiver, type WebhookReceiver } from '../src/test-support/webhook-receiver.js';
import { Vault } from '../src/vault/vault.js';
import { type BrokerProcess, startBroker } from './support/broker-process.js';

/**
 * At least once, and no more than needed: a broker killed with SIGKILL while
 * a delivery is in flight sends it again after a restart (same webhook-id);
 * two replicas sharing one database deliver every event to every endpoint
 * exactly once in normal operation.
 */

const engines = await availableEngines();
const ADMIN = `durable-admin-${randomBytes(24).toString('base64url')}`;
const started: BrokerProcess[] = [];
const receivers: WebhookReceiver[] = [];
afterAll(async () => {
  for (const broker of started)
    if (broker.child.exitCode === null && broker.child.signalCode === null) broker.child.kill('SIGKILL');
  for (const r of receivers) await r.close();
});

describe('webhook durability', () => {
  it('a broker killed with SIGKILL mid-delivery delivers after a restart, with the same webhook-id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-webhooks-'));
    const env = {
      CUSTODIAN_VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CUSTODIAN_ADMIN_TOKEN: ADMIN,
      CUSTODIAN_PUBLIC_URL: 'https://custodian.durable.test',
      CUSTODIAN_DATABASE_URL: join(dir, 'broker.db'),
      CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP: 'true',
      CUSTODIAN_WEBHOOK_TIMEOUT_MS: '1000',
      CUSTODIAN_DATA_DIR: dir,
    };
    let release: () => void = () => {};
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first request is never answered while the first broker lives.
    const receiver = await startWebhookReceiver(async (_r, index) => {
      if (index === 0) await hung;
      return 200;
    });
    receivers.push(receiver);
    try {
      const first = await startBroker(env);
      started.push(first);
      const call = (broker: BrokerProcess, method: string, path: string, body?: unknown) =>
        fetch(`${broker.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const made = await call(first, 'POST', '/v1/admin/webhook-endpoints', { url: receiver.url });
      expect(made.status).toBe(201);
      const { id } = (await made.json()) as { id: string };
      expect((await call(first, 'POST', `/v1/admin/webhook-endpoints/${id}/test`)).status).toBe(202);
      await receiver.waitFor(1);
      first.child.kill('SIGKILL');
      await first.exited;
      release();

      const second = await startBroker(env);
      started.push(second);
      // The dead broker's lease (2 timeouts + 5 s) runs out, then the delivery goes again.
      const [lost, again] = await receiver.waitFor(2, 20_000);
      expect(again!.headers['webhook-id']).toBe(lost!.headers['webhook-id']);
      expect(again!.body).toBe(lost!.body);
      await expect
        .poll(
          async () =>
            (
              (await (await call(second, 'GET', `/v1/admin/webhook-endpoints/${id}/deliveries`)).json()) as {
                data: Array<{ status: string }>;
              }
            ).data[0]?.status,
          { timeout: 5000 },
        )
        .toBe('succeeded');
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(receiver.received).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.each(engines.filter((e) => e === 'postgres'))(
    'two replicas on %s deliver every event to every endpoint exactly once',
    async (engine) => {
      const testDatabase = await createTestDatabase(engine);
      const apps: TestApp[] = [];
      const vault = new Vault([{ id: 'shared', material: randomBytes(32) }]);
      try {
        for (const replicaId of ['replica-a', 'replica-b'])
          apps.push(await createTestApp({ engine, testDatabase, vault, allowLoopbackHttp: true, replicaId }));
        const [a, b] = apps as [TestApp, TestApp];
        const endpointReceivers = [
          await startWebhookReceiver(),
          await startWebhookReceiver(),
          await startWebhookReceiver(),
        ];
        receivers.push(...endpointReceivers);
        for (const r of endpointReceivers)
          expect((await a.admin('POST', '/v1/admin/webhook-endpoints', { url: r.url })).status).toBe(201);
        for (const app of apps) app.services.webhookSender.start();

        const EVENTS = 60;
        const grant = (i: number): GrantToSave => ({
          tenant: 'acme',
          provider_id: 'oidc',
          end_user: `user-${i}`,
          account: { user_id: `account-${i}`, email: null, display_name: null },
          scopes: [],
          token_type: 'bearer',
          expires_at: null,
          seal: () => ({ access: 'sealed', refresh: null }),
          refresh_token_expires_at: null,
          plan: () => null,
        });
        // Half the changes on each replica, all at once.
        await Promise.all(
          Array.from({ length: EVENTS }, (_, i) =>
            (i % 2 === 0 ? a : b).services.connections.saveGrant(grant(i), `conn_${i}`, Date.now()),
          ),
        );
        for (const r of endpointReceivers) await r.waitFor(EVENTS, 20_000);
        await new Promise((resolve) => setTimeout(resolve, 1500)); // time for any duplicate to arrive
        for (const r of endpointReceivers) {
          expect(r.received).toHaveLength(EVENTS);
          expect(new Set(r.received.map((q) => q.headers['webhook-id'])).size).toBe(EVENTS);
        }
        const leases = new Set<string>();
        for (const line of [...a.logs, ...b.logs].filter((l) => l.includes('webhook attempt')))
          leases.add(JSON.parse(line).delivery_id as string);
        expect(leases.size).toBe(EVENTS * 3);
        // Both replicas took part.
        expect(a.logs.some((l) => l.includes('webhook attempt'))).toBe(true);
        expect(b.logs.some((l) => l.includes('webhook attempt'))).toBe(true);
      } finally {
        for (const app of apps) await app.close();
        await testDatabase.destroy();
      }
    },
    60_000,
  );
});
