import { randomBytes } from 'node:crypto';
import { freePort, startProcess } from './broker.js';
import type { Engine } from './config.js';
import { inProcessDeps } from './in-process.js';
import { type BrokerModules, repoRoot } from './modules.js';
import { scratchDatabase } from './scratch.js';

/**
 * Connection events: `count` connections saved at once (each change commits
 * its event in its own transaction), delivered by the sender to a receiver
 * in its own process. The broker's services are built in this process as
 * `main.ts` builds them (the receiver is on http://127.0.0.1, which
 * production settings refuse). Measures events delivered per second (from
 * the first change to the last arrival) and the time from each change to
 * its delivery.
 */

export interface WebhookResult {
  engine: Engine;
  events: number;
  received: number;
  distinct: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export async function webhookBench(
  mods: BrokerModules,
  engine: Engine,
  count: number,
): Promise<WebhookResult> {
  const port = await freePort();
  const receiver = await startProcess({
    label: `webhook-receiver-${engine}`,
    args: [`${repoRoot}/node_modules/.cache/custodian-bench/bench/webhook-receiver.js`],
    env: { RECEIVER_PORT: String(port) },
    port,
    readyPath: '/healthz',
  });
  const url = await scratchDatabase(engine, `webhooks-${engine}`);
  const database = mods.open.openDatabase(url);
  await database.migrate();
  const adminToken = randomBytes(32).toString('base64url');
  const deps = inProcessDeps(mods, {
    database,
    vault: new mods.vault.Vault([{ id: 'bench1', material: new Uint8Array(randomBytes(32)) }]),
    adminToken,
    write: () => {},
  });
  const { app, services } = mods.app.createApp(deps);
  try {
    const created = await app.request('/v1/admin/webhook-endpoints', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/hooks` }),
    });
    if (created.status !== 201) throw new Error(`endpoint: HTTP ${created.status} ${await created.text()}`);
    services.webhookSender.start();
    const now = Date.now();
    const save = (i: number) =>
      services.connections.saveGrant(
        {
          tenant: 'bench',
          provider_id: 'dropbox',
          end_user: `user-${i}`,
          account: { user_id: `account-${i}`, email: null, display_name: null },
          scopes: [],
          token_type: 'bearer',
          expires_at: now + 3_600_000,
          seal: () => ({ access: 'sealed', refresh: null }),
          refresh_token_expires_at: null,
          plan: () => null,
        },
        `conn_bench_${i}`,
        now,
      );
    // All the changes at once, as far as the database takes them: 50 transactions open at a time
    // (a thousand would wait on the Postgres pool of 10 past its 5 s connect timeout).
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < count) await save(next++);
      }),
    );
    const stats = async () =>
      (await (await fetch(`${receiver.url}/stats`)).json()) as {
        latencies: number[];
        distinct: number;
        first: number;
        last: number;
      };
    const deadline = Date.now() + 120_000;
    let seen = await stats();
    while (seen.latencies.length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      seen = await stats();
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // any duplicate would arrive now
    seen = await stats();
    const sorted = [...seen.latencies].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    const seconds = (seen.last - seen.first) / 1000;
    return {
      engine,
      events: count,
      received: sorted.length,
      distinct: seen.distinct,
      seconds,
      perSecond: sorted.length / seconds,
      p50: at(0.5),
      p99: at(0.99),
    };
  } finally {
    await services.webhookSender.stop();
    await services.audit.close();
    await database.close();
    await receiver.stop();
  }
}
