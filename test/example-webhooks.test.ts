import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { createWebhookReceiver } from '../examples/webhook-receiver.js';
import { createTestApp } from '../src/test-support/app.js';

/** examples/webhook-receiver.ts receiving the broker's own deliveries, and refusing a forged one. */

it('logs verified events once and refuses a forged delivery', async () => {
  const t = await createTestApp({ allowLoopbackHttp: true });
  const lines: string[] = [];
  let server: ReturnType<typeof createWebhookReceiver> | undefined;
  try {
    // The secret exists only once the endpoint does, so the receiver starts on a port chosen first.
    const secrets: string[] = [];
    server = createWebhookReceiver(secrets, (line) => lines.push(line));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const res = await t.admin('POST', '/v1/admin/webhook-endpoints', { url });
    const { id, secret } = (await res.json()) as { id: string; secret: string };
    secrets.push(secret);
    t.services.webhookSender.start();
    await t.admin('POST', `/v1/admin/webhook-endpoints/${id}/test`);
    await expect.poll(() => lines, { timeout: 5000 }).toContain('webhook.test: connection - is test');

    const forged = await fetch(url, {
      method: 'POST',
      headers: {
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
      },
      body: '{"type":"connection.deleted","data":{}}',
    });
    expect(forged.status).toBe(401);
    expect(lines.at(-1)).toBe('refused a delivery: invalid_signature');
    expect(lines.filter((l) => l.startsWith('webhook.test'))).toHaveLength(1);
  } finally {
    server?.closeAllConnections();
    server?.close();
    await t.close();
  }
});
