import { z } from 'zod';
import { decodeCursor, pageOf, toPage } from '../http/pagination.js';
import type { Router } from '../http/router.js';
import { deliveryQuerySchema, deliverySchema, endpointWithSecretSchema } from './api-schema.js';
import type { WebhookRegistry } from './registry.js';
import { endpointPath, tag } from './routes.js';
import { deliveryView, endpointView } from './views.js';

const base = '/v1/admin/webhook-endpoints/{id}';

/** Secret rotation, test events and the deliveries of a webhook endpoint (admin). */
export function mountWebhookDeliveryRoutes(
  router: Router,
  deps: { registry: WebhookRegistry; now: () => number },
) {
  const { registry, now } = deps;

  router.add(
    {
      method: 'post',
      path: `${base}/rotate-secret`,
      operationId: 'rotateWebhookEndpointSecret',
      summary: 'Make a new signing secret',
      description:
        'For 24 hours deliveries carry two signatures, the new secret and the one before, so a receiver ' +
        'can switch without missing an event.',
      tag,
      auth: 'admin',
      params: endpointPath,
      responses: {
        200: { description: 'the endpoint and its new secret, shown once', schema: endpointWithSecretSchema },
      },
      errors: ['webhook_endpoint_not_found'],
    },
    async (c, { params }) => {
      const { endpoint, secret } = await registry.rotateSecret(params.id);
      c.header('cache-control', 'no-store');
      return c.json({ ...endpointView(endpoint, now()), secret });
    },
  );

  router.add(
    {
      method: 'post',
      path: `${base}/test`,
      operationId: 'testWebhookEndpoint',
      summary: 'Send a webhook.test event',
      tag,
      auth: 'admin',
      params: endpointPath,
      responses: { 202: { description: 'queued', schema: deliverySchema } },
      errors: ['webhook_endpoint_not_found', 'conflict'],
    },
    async (c, { params }) => c.json(deliveryView(await registry.sendTest(params.id)), 202),
  );

  router.add(
    {
      method: 'get',
      path: `${base}/deliveries`,
      operationId: 'listWebhookDeliveries',
      summary: 'Deliveries to an endpoint, newest first, with their attempts',
      tag,
      auth: 'admin',
      params: endpointPath,
      query: deliveryQuerySchema,
      responses: {
        200: { description: 'a page of deliveries', schema: pageOf(deliverySchema, 'WebhookDeliveryPage') },
      },
      errors: ['webhook_endpoint_not_found'],
    },
    async (c, { params, query }) => {
      const rows = await registry.deliveries(
        params.id,
        { status: query.status, event_type: query.event_type },
        { limit: query.limit + 1, before: decodeCursor(query.cursor) },
      );
      const page = toPage(rows, query.limit, (r) => r.id);
      return c.json({ ...page, data: page.data.map(deliveryView) });
    },
  );

  router.add(
    {
      method: 'post',
      path: `${base}/deliveries/{delivery_id}/retry`,
      operationId: 'retryWebhookDelivery',
      summary: 'Send a delivery again now',
      description: 'Same `webhook-id` as before; its earlier attempts are kept.',
      tag,
      auth: 'admin',
      params: endpointPath.extend({ delivery_id: z.string().max(64) }),
      responses: { 202: { description: 'queued', schema: deliverySchema } },
      errors: ['webhook_endpoint_not_found', 'webhook_delivery_not_found', 'conflict'],
    },
    async (c, { params }) => c.json(deliveryView(await registry.retry(params.id, params.delivery_id)), 202),
  );
}
