import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../sdk/index.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../test-support/webhook-receiver.js';

/** The admin API of webhook endpoints: secrets shown once, bad input refused, test events, deliveries, retry. */

let t: TestApp;
let receiver: WebhookReceiver;
beforeEach(async () => {
  t = await createTestApp({ allowLoopbackHttp: true, dns: { 'internal.example': ['10.0.0.5'] } });
  receiver = await startWebhookReceiver();
  t.services.webhookSender.start();
});
afterEach(async () => {
  await t.close();
  await receiver.close();
});

const base = '/v1/admin/webhook-endpoints';
const create = async (body: Record<string, unknown> = { url: receiver.url }) => {
  const res = await t.admin('POST', base, body);
  expect(res.status).toBe(201);
  return (await res.json()) as Record<string, unknown> & { id: string; secret: string };
};
async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(((await res.json()) as { code: string }).code).toBe(code);
}

describe('webhook endpoints (admin API)', () => {
  it('creates an endpoint, shows its secret once and keeps it only in the vault', async () => {
    const made = await create({ url: receiver.url, events: ['connection.created'], description: 'ops' });
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(made).toMatchObject({
      url: receiver.url,
      client_id: null,
      events: ['connection.created'],
      is_enabled: true,
    });
    const read = (await (await t.admin('GET', `${base}/${made.id}`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(read)).not.toContain(made.secret.slice(6));
    expect(read).not.toHaveProperty('secret');
    const list = (await (await t.admin('GET', base)).json()) as { data: unknown[] };
    expect(JSON.stringify(list)).not.toContain(made.secret.slice(6));
    const { db, tables } = t.deps.database;
    const rows = await db.select().from(tables.webhookEndpoints);
    expect(rows[0]!.secret).toMatch(/^v1\.test1\./);
    expect(JSON.stringify(rows)).not.toContain(made.secret.slice(6));
  });

  it('refuses unsafe URLs, unknown clients and malformed bodies; nothing is stored', async () => {
    await expectProblem(
      await t.admin('POST', base, { url: 'http://example.com/hook' }),
      422,
      'url_not_allowed',
    );
    await expectProblem(
      await t.admin('POST', base, { url: 'https://internal.example/h' }),
      422,
      'url_not_allowed',
    );
    await expectProblem(
      await t.admin('POST', base, { url: 'https://169.254.169.254/' }),
      422,
      'url_not_allowed',
    );
    await expectProblem(
      await t.admin('POST', base, { url: 'https://u:p@hooks.example/' }),
      422,
      'url_not_allowed',
    );
    await expectProblem(
      await t.admin('POST', base, { url: receiver.url, client_id: 'svc_nope' }),
      400,
      'invalid_request',
    );
    await expectProblem(
      await t.admin('POST', base, { url: receiver.url, events: ['connection.exploded'] }),
      400,
      'invalid_request',
    );
    await expectProblem(await t.admin('POST', base, { url: receiver.url, extra: 1 }), 400, 'invalid_request');
    await expectProblem(await t.admin('POST', base, '{"url":'), 400, 'malformed_json');
    await expectProblem(await t.admin('POST', base, { url: 'x'.repeat(5000) }), 400, 'invalid_request');
    expect(await t.deps.database.db.select().from(t.deps.database.tables.webhookEndpoints)).toHaveLength(0);
    await expectProblem(await t.admin('GET', `${base}/whe_missing`), 404, 'webhook_endpoint_not_found');
    await expectProblem(
      await t.admin('PATCH', `${base}/whe_missing`, { is_enabled: false }),
      404,
      'webhook_endpoint_not_found',
    );
    await expectProblem(await t.admin('DELETE', `${base}/whe_missing`), 404, 'webhook_endpoint_not_found');
    await expectProblem(
      await t.app.request(base, { method: 'GET', headers: { authorization: 'Bearer nope' } }),
      401,
      'unauthorized',
    );
  });

  it('patches and deletes; a PATCH to an unsafe URL changes nothing', async () => {
    const made = await create();
    const patched = await t.admin('PATCH', `${base}/${made.id}`, {
      events: ['connection.deleted'],
      is_enabled: false,
    });
    expect(await patched.json()).toMatchObject({
      events: ['connection.deleted'],
      is_enabled: false,
      disabled_reason: null,
    });
    await expectProblem(
      await t.admin('PATCH', `${base}/${made.id}`, { url: 'https://10.1.2.3/' }),
      422,
      'url_not_allowed',
    );
    expect(((await (await t.admin('GET', `${base}/${made.id}`)).json()) as { url: string }).url).toBe(
      receiver.url,
    );
    expect((await t.admin('DELETE', `${base}/${made.id}`)).status).toBe(204);
    expect((await t.admin('GET', `${base}/${made.id}`)).status).toBe(404);
  });

  it('sends a signed webhook.test event and lists the delivery with its attempt', async () => {
    const made = await create();
    const queued = await t.admin('POST', `${base}/${made.id}/test`);
    expect(queued.status).toBe(202);
    const [request] = await receiver.waitFor(1);
    const event = new Webhook(made.secret).verify(request!.body, request!.headers as Record<string, string>);
    expect(event).toMatchObject({ type: 'webhook.test' });
    const page = (await (await t.admin('GET', `${base}/${made.id}/deliveries`)).json()) as {
      data: Array<{
        status: string;
        event_id: string;
        attempts: Array<{ status_code: number; duration_ms: number }>;
      }>;
    };
    await expect
      .poll(async () => {
        const again = (await (await t.admin('GET', `${base}/${made.id}/deliveries`)).json()) as typeof page;
        return again.data[0]?.status;
      })
      .toBe('succeeded');
    expect(page.data[0]!.event_id).toBe(request!.headers['webhook-id']);
  });

  it('pages deliveries newest first and filters them; retry sends again with the same id', async () => {
    const made = await create();
    for (let i = 0; i < 3; i++) expect((await t.admin('POST', `${base}/${made.id}/test`)).status).toBe(202);
    await receiver.waitFor(3);
    type Page = { data: Array<{ id: string; event_id: string; status: string }>; next_cursor: string | null };
    const first = (await (await t.admin('GET', `${base}/${made.id}/deliveries?limit=2`)).json()) as Page;
    expect(first.data).toHaveLength(2);
    const second = (await (
      await t.admin('GET', `${base}/${made.id}/deliveries?limit=2&cursor=${first.next_cursor}`)
    ).json()) as Page;
    expect(second.data).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    const ids = [...first.data, ...second.data].map((d) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const none = (await (
      await t.admin('GET', `${base}/${made.id}/deliveries?event_type=connection.created`)
    ).json()) as Page;
    expect(none.data).toHaveLength(0);
    await expectProblem(
      await t.admin('GET', `${base}/${made.id}/deliveries?status=lost`),
      400,
      'invalid_request',
    );
    await expectProblem(
      await t.admin('GET', `${base}/${made.id}/deliveries?cursor=zz`),
      400,
      'invalid_request',
    );

    const oldest = second.data[0]!;
    const retried = await t.admin('POST', `${base}/${made.id}/deliveries/${oldest.id}/retry`);
    expect(retried.status).toBe(202);
    const requests = await receiver.waitFor(4);
    expect(requests[3]!.headers['webhook-id']).toBe(oldest.event_id);
    await expectProblem(
      await t.admin('POST', `${base}/${made.id}/deliveries/dlv_nope/retry`),
      404,
      'webhook_delivery_not_found',
    );
  });

  it('rotation: both secrets sign for 24 hours, then only the new one', async () => {
    let clock = Date.now();
    await t.close();
    t = await createTestApp({ allowLoopbackHttp: true, now: () => clock });
    t.services.webhookSender.start();
    const made = await create();
    const rotated = await t.admin('POST', `${base}/${made.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const { secret, previous_secret_expires_at } = (await rotated.json()) as Record<string, string>;
    expect(secret).not.toBe(made.secret);
    expect(Date.parse(previous_secret_expires_at!)).toBe(clock + 24 * 3_600_000);
    await t.admin('POST', `${base}/${made.id}/test`);
    const [during] = await receiver.waitFor(1);
    const headers = during!.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(made.secret).verify(during!.body, headers)).not.toThrow();
    expect(() => new Webhook(secret!).verify(during!.body, headers)).not.toThrow();

    clock += 24 * 3_600_000 + 1;
    await t.admin('POST', `${base}/${made.id}/test`);
    const [, after] = await receiver.waitFor(2);
    const afterHeaders = after!.headers as Record<string, string>;
    expect(afterHeaders['webhook-signature']!.split(' ')).toHaveLength(1);
    // The broker's clock moved a day on: verify at that time (standardwebhooks reads the real clock).
    const at = { now: () => clock };
    await expect(verifyWebhook(after!.body, afterHeaders, secret!, at)).resolves.toMatchObject({
      type: 'webhook.test',
    });
    await expect(verifyWebhook(after!.body, afterHeaders, made.secret, at)).rejects.toMatchObject({
      code: 'invalid_signature',
    });
  });
});
