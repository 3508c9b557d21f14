import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../test-support/webhook-receiver.js';

/**
 * The sender against a real receiver on 127.0.0.1, with the broker's clock in
 * the test's hands: retries on the schedule with the same webhook-id, 410 and
 * three days of failure disable the endpoint, redirects are not followed,
 * attempts time out, and a slow endpoint holds at most its own slots.
 */

let clock = Date.parse('2026-12-01T10:00:00.000Z');
let t: TestApp;
const receivers: WebhookReceiver[] = [];
const base = '/v1/admin/webhook-endpoints';

async function setUp(options: { webhookTimeoutMs?: number } = {}) {
  clock = Date.parse('2026-12-01T10:00:00.000Z');
  t = await createTestApp({ allowLoopbackHttp: true, now: () => clock, ...options });
  t.services.webhookSender.start();
}
async function receiver(answer?: Parameters<typeof startWebhookReceiver>[0]) {
  const r = await startWebhookReceiver(answer);
  receivers.push(r);
  return r;
}
async function endpoint(url: string) {
  const res = await t.admin('POST', base, { url });
  return ((await res.json()) as { id: string }).id;
}
type Delivery = {
  id: string;
  event_id: string;
  status: string;
  next_attempt_at: string | null;
  attempts: Array<{ status_code: number | null; error_code: string | null; response_excerpt: string | null }>;
};
async function deliveries(id: string): Promise<Delivery[]> {
  return ((await (await t.admin('GET', `${base}/${id}/deliveries`)).json()) as { data: Delivery[] }).data;
}
const settled = (id: string, count = 1) =>
  expect.poll(async () => (await deliveries(id))[0]?.attempts.length ?? 0, { timeout: 5000 }).toBe(count);

afterEach(async () => {
  await t.close();
  for (const r of receivers.splice(0)) await r.close();
});

describe('webhook sender', () => {
  it('tries again 5 to 7.5 s after a failure, with the same webhook-id, and then succeeds', async () => {
    await setUp();
    const r = await receiver((_request, index) => (index === 0 ? 503 : 200));
    const id = await endpoint(r.url);
    await t.admin('POST', `${base}/${id}/test`);
    await r.waitFor(1);
    await settled(id);
    const [failed] = await deliveries(id);
    expect(failed).toMatchObject({
      status: 'pending',
      attempts: [{ status_code: 503, response_excerpt: 'status 503' }],
    });
    const wait = Date.parse(failed!.next_attempt_at!) - clock;
    expect(wait).toBeGreaterThanOrEqual(5000);
    expect(wait).toBeLessThanOrEqual(7500);
    const view = (await (await t.admin('GET', `${base}/${id}`)).json()) as { failing_since: string | null };
    expect(view.failing_since).toBe(new Date(clock).toISOString());

    clock += wait - 1;
    t.services.webhookSender.wake();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.received).toHaveLength(1); // not before it is due
    clock += 1;
    t.services.webhookSender.wake();
    const [first, second] = await r.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    await settled(id, 2);
    expect((await deliveries(id))[0]!.status).toBe('succeeded');
    const after = (await (await t.admin('GET', `${base}/${id}`)).json()) as { failing_since: string | null };
    expect(after.failing_since).toBeNull();
  });

  it('disables an endpoint that answers 410 at once, says why, and audits it', async () => {
    await setUp();
    const r = await receiver(() => 410);
    const id = await endpoint(r.url);
    await t.admin('POST', `${base}/${id}/test`);
    await settled(id);
    expect((await deliveries(id))[0]!.status).toBe('failed');
    const view = (await (await t.admin('GET', `${base}/${id}`)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ is_enabled: false, disabled_reason: 'gone' });
    await t.services.audit.flush();
    await expect
      .poll(async () => JSON.stringify(await (await t.admin('GET', '/v1/admin/audit-events')).json()))
      .toContain('webhook_endpoint.disabled');
    expect((await t.admin('POST', `${base}/${id}/test`)).status).toBe(409);
  });

  it('disables an endpoint failing for three days; an admin can enable it again', async () => {
    await setUp();
    const r = await receiver(() => 500);
    const id = await endpoint(r.url);
    await t.admin('POST', `${base}/${id}/test`);
    let attempts = 1;
    await settled(id, attempts);
    while ((await deliveries(id))[0]!.status === 'pending') {
      clock = Date.parse((await deliveries(id))[0]!.next_attempt_at!);
      t.services.webhookSender.wake();
      await settled(id, ++attempts);
    }
    expect(attempts).toBeGreaterThan(8);
    expect(clock - Date.parse('2026-12-01T10:00:00.000Z')).toBeGreaterThanOrEqual(3 * 86_400_000);
    const view = (await (await t.admin('GET', `${base}/${id}`)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ is_enabled: false, disabled_reason: 'failing' });
    const enabled = await t.admin('PATCH', `${base}/${id}`, { is_enabled: true });
    expect(await enabled.json()).toMatchObject({
      is_enabled: true,
      disabled_reason: null,
      failing_since: null,
    });
  });

  it('does not follow a redirect, and times an attempt out', async () => {
    await setUp({ webhookTimeoutMs: 300 });
    const redirecting = await receiver(() => 307);
    const slow = await receiver(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return 200;
    });
    const [a, b] = [await endpoint(redirecting.url), await endpoint(slow.url)];
    await t.admin('POST', `${base}/${a}/test`);
    await t.admin('POST', `${base}/${b}/test`);
    await settled(a);
    await settled(b);
    expect((await deliveries(a))[0]!.attempts[0]).toMatchObject({
      status_code: null,
      error_code: 'upstream_redirect',
    });
    expect((await deliveries(b))[0]!.attempts[0]).toMatchObject({
      status_code: null,
      error_code: 'upstream_timeout',
    });
    expect(redirecting.received).toHaveLength(1);
  });

  it('keeps at most 4 deliveries in flight to one endpoint; another endpoint is not held up', async () => {
    await setUp();
    let inFlight = 0;
    let most = 0;
    const slow = await receiver(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 400));
      inFlight--;
      return 200;
    });
    const fast = await receiver();
    const [s, f] = [await endpoint(slow.url), await endpoint(fast.url)];
    for (let i = 0; i < 10; i++) await t.admin('POST', `${base}/${s}/test`);
    await slow.waitFor(1);
    await t.admin('POST', `${base}/${f}/test`);
    await fast.waitFor(1, 1000);
    expect(slow.received.length).toBeLessThan(10); // the fast one did not wait for the slow queue
    await slow.waitFor(10);
    expect(most).toBe(4);
  });
});
