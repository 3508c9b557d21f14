import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../test-support/app.js';
import { seedConnection } from '../test-support/connections.js';
import { startTokenServer } from '../test-support/token-server.js';
import { startWebhookReceiver } from '../test-support/webhook-receiver.js';
import { createMetrics } from './metrics.js';

/** GET /metrics: who may read it, what it holds after real traffic, and that promtool accepts it. */

const METRICS_TOKEN = 'metrics-scraper-credential-0123456789abcdef';
const run = promisify(execFile);

describe('GET /metrics', () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof startTokenServer>>;
  let clock = Date.now();

  beforeAll(async () => {
    tokens = await startTokenServer();
    t = await createTestApp({
      allowLoopbackHttp: true,
      metrics: createMetrics({ processMetrics: true }),
      metricsToken: METRICS_TOKEN,
      secrets: [METRICS_TOKEN],
      now: () => clock,
    });
    await tokens.register(t);
    // One fresh connection, one expired (its hand-out refreshes it), one due for background refresh, one dead.
    const base = { providerId: 'scripted', now: clock };
    await seedConnection(t.deps, {
      ...base,
      id: 'fresh',
      accessToken: 'marker-at-fresh',
      expiresAt: clock + 3_600_000,
    });
    await seedConnection(t.deps, {
      ...base,
      id: 'expired',
      accessToken: 'marker-at-old',
      expiresAt: clock - 1000,
    });
    await seedConnection(t.deps, {
      ...base,
      id: 'due',
      accessToken: 'marker-at-due',
      expiresAt: clock + 3_600_000,
      nextRefreshAt: clock - 1000,
    });
    await seedConnection(t.deps, {
      ...base,
      id: 'dead',
      accessToken: 'marker-at-dead',
      expiresAt: clock - 1000,
      status: 'needs_reauth',
    });
  });

  afterAll(async () => {
    await t.close();
    await tokens.close();
  });

  const scrape = (authorization?: string) =>
    t.app.request('/metrics', { headers: authorization ? { authorization } : {} });

  it('is never public: no credential, a wrong one or a service token get 401', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer not-the-metrics-token-0123456789abcdef')).status).toBe(401);
    const client = await t.client();
    expect((await scrape(`Bearer ${await client.token()}`)).status).toBe(401);
  });

  it('takes the admin credential or the metrics token', async () => {
    for (const credential of [ADMIN_TOKEN, METRICS_TOKEN]) {
      const res = await scrape(`Bearer ${credential}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    }
    // The metrics token opens nothing else.
    const admin = await t.app.request('/v1/admin/providers', {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(admin.status).toBe(401);
  });

  it('holds every family after hand-outs and a refresh, labelled by route pattern, never by id or token', async () => {
    expect((await t.service('POST', '/v1/connections/fresh/access-token')).status).toBe(200);
    expect((await t.service('POST', '/v1/connections/expired/access-token')).status).toBe(200);
    expect((await t.service('POST', '/v1/connections/nope/access-token')).status).toBe(404);
    expect((await t.service('POST', '/v1/connections/dead/access-token')).status).toBe(409);
    expect(tokens.received).toHaveLength(1);

    const text = await (await scrape(`Bearer ${ADMIN_TOKEN}`)).text();
    expect(text).toMatch(
      /^custodian_http_request_duration_seconds_count\{method="POST",route="\/v1\/connections\/:id\/access-token",status="200"\} 2$/m,
    );
    expect(text).toMatch(/^custodian_handouts_total\{outcome="served"\} 2$/m);
    expect(text).toMatch(/^custodian_handouts_total\{outcome="not_found"\} 1$/m);
    expect(text).toMatch(/^custodian_handouts_total\{outcome="needs_reauth"\} 1$/m);
    expect(text).toMatch(
      /^custodian_refreshes_total\{provider="scripted",reason="on_demand",outcome="success"\} 1$/m,
    );
    expect(text).toMatch(
      /^custodian_upstream_request_duration_seconds_count\{provider="scripted",operation="refresh"\} 1$/m,
    );
    expect(text).toMatch(/^custodian_connections\{status="active"\} 3$/m);
    expect(text).toMatch(/^custodian_connections\{status="needs_reauth"\} 1$/m);
    expect(text).toMatch(/^custodian_refresh_due 1$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    for (const secret of [
      'marker-at',
      'at-1',
      'rt-1',
      'csecret',
      ADMIN_TOKEN,
      METRICS_TOKEN,
      '/fresh',
      '/expired',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('reads the connection gauges from the database at most every 10 s', async () => {
    await seedConnection(t.deps, { id: 'later', providerId: 'scripted', accessToken: 'x', expiresAt: null });
    const before = await (await scrape(`Bearer ${ADMIN_TOKEN}`)).text();
    expect(before).toMatch(/^custodian_connections\{status="active"\} 3$/m);
    clock += 10_001;
    const after = await (await scrape(`Bearer ${ADMIN_TOKEN}`)).text();
    expect(after).toMatch(/^custodian_connections\{status="active"\} 4$/m);
  });

  it('counts webhook attempts by event type and outcome, and the backlog from the database', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first attempt fails; the retry is held open until the test has read the gauges during it.
    const receiver = await startWebhookReceiver(async (_request, index) => {
      if (index === 0) return 503;
      await held;
      return 200;
    });
    try {
      const created = await t.admin('POST', '/v1/admin/webhook-endpoints', { url: receiver.url });
      const { id } = (await created.json()) as { id: string };
      expect((await t.admin('POST', `/v1/admin/webhook-endpoints/${id}/test`)).status).toBe(202);
      const read = async () => {
        clock += 10_001; // past the gauges' cache, and past the retry's 5-7.5 s delay
        return (await scrape(`Bearer ${ADMIN_TOKEN}`)).text();
      };
      const queued = await read();
      expect(queued).toMatch(/^custodian_webhook_deliveries_pending 1$/m);
      expect(queued).toMatch(/^custodian_webhook_deliveries_due 1$/m);

      t.services.webhookSender.start();
      const attempts = (outcome: string) =>
        new RegExp(
          `^custodian_webhook_attempts_total\\{event_type="webhook.test",outcome="${outcome}"\\} 1$`,
          'm',
        );
      await expect.poll(read, { timeout: 5000 }).toMatch(attempts('retrying'));
      t.services.webhookSender.wake();
      await receiver.waitFor(2);
      const sending = await read();
      expect(sending).toMatch(/^custodian_webhook_deliveries_pending 1$/m);
      expect(sending).toMatch(/^custodian_webhook_deliveries_due 0$/m); // being sent: leased, not due
      expect(sending).toMatch(/^custodian_webhook_attempt_duration_seconds_count\{outcome="retrying"\} 1$/m);
      expect(sending).not.toContain('outcome="succeeded"');

      release();
      await expect.poll(read, { timeout: 5000 }).toMatch(attempts('succeeded'));
      const delivered = await read();
      expect(delivered).toMatch(/^custodian_webhook_deliveries_pending 0$/m);
      expect(delivered).toMatch(/^custodian_webhook_deliveries_due 0$/m);
      expect(delivered).not.toContain('outcome="failed"');
    } finally {
      release();
      await t.services.webhookSender.stop();
      await receiver.close();
    }
  });

  it('passes promtool check metrics', async () => {
    const file = join(tmpdir(), `custodian-metrics-${process.pid}.txt`);
    writeFileSync(file, await (await scrape(`Bearer ${ADMIN_TOKEN}`)).text());
    // promtool reads the exposition from stdin; a missing promtool fails here (.ci/run installs it).
    const { stdout, stderr } = await run('sh', ['-c', `promtool check metrics < "${file}"`]);
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });
});
