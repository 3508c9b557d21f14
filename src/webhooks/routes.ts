import { z } from 'zod';
import { decodeCursor, pageOf, pageQuerySchema, toPage } from '../http/pagination.js';
import type { Router } from '../http/router.js';
import {
  endpointCreateSchema,
  endpointPatchSchema,
  endpointSchema,
  endpointWithSecretSchema,
} from './api-schema.js';
import type { WebhookRegistry } from './registry.js';
import { endpointView } from './views.js';

export const endpointPath = z.strictObject({ id: z.string().max(64) });
export const tag = 'webhooks';
const base = '/v1/admin/webhook-endpoints';

/** Webhook endpoints (admin): where connection events are sent. */
export function mountWebhookEndpointRoutes(
  router: Router,
  deps: { registry: WebhookRegistry; now: () => number },
) {
  const { registry, now } = deps;

  router.add(
    {
      method: 'get',
      path: base,
      operationId: 'listWebhookEndpoints',
      summary: 'List webhook endpoints',
      tag,
      auth: 'admin',
      query: pageQuerySchema,
      responses: {
        200: { description: 'a page of endpoints', schema: pageOf(endpointSchema, 'WebhookEndpointPage') },
      },
    },
    async (c, { query }) => {
      const rows = await registry.list({ limit: query.limit + 1, after: decodeCursor(query.cursor) });
      const page = toPage(rows, query.limit, (r) => r.id);
      return c.json({ ...page, data: page.data.map((e) => endpointView(e, now())) });
    },
  );

  router.add(
    {
      method: 'post',
      path: base,
      operationId: 'createWebhookEndpoint',
      summary: 'Add a webhook endpoint',
      description:
        'Answers the signing secret once; it is stored in the vault. An endpoint bound to a `client_id` ' +
        "receives only events inside that client's tenants and providers.",
      tag,
      auth: 'admin',
      body: endpointCreateSchema,
      responses: { 201: { description: 'created', schema: endpointWithSecretSchema } },
      errors: ['url_not_allowed'],
    },
    async (c, { body }) => {
      const { endpoint, secret } = await registry.create(body);
      c.header('cache-control', 'no-store');
      c.header('location', `${base}/${endpoint.id}`);
      return c.json({ ...endpointView(endpoint, now()), secret }, 201);
    },
  );

  router.add(
    {
      method: 'get',
      path: `${base}/{id}`,
      operationId: 'getWebhookEndpoint',
      summary: 'Read a webhook endpoint (never its secret)',
      tag,
      auth: 'admin',
      params: endpointPath,
      responses: { 200: { description: 'the endpoint', schema: endpointSchema } },
      errors: ['webhook_endpoint_not_found'],
    },
    async (c, { params }) => c.json(endpointView(await registry.get(params.id), now())),
  );

  router.add(
    {
      method: 'patch',
      path: `${base}/{id}`,
      operationId: 'updateWebhookEndpoint',
      summary: 'Change the URL, events or description, or enable or disable an endpoint',
      tag,
      auth: 'admin',
      params: endpointPath,
      body: endpointPatchSchema,
      responses: { 200: { description: 'updated', schema: endpointSchema } },
      errors: ['webhook_endpoint_not_found', 'url_not_allowed'],
    },
    async (c, { params, body }) => c.json(endpointView(await registry.patch(params.id, body), now())),
  );

  router.add(
    {
      method: 'delete',
      path: `${base}/{id}`,
      operationId: 'deleteWebhookEndpoint',
      summary: 'Delete a webhook endpoint and its deliveries',
      tag,
      auth: 'admin',
      params: endpointPath,
      responses: { 204: { description: 'deleted' } },
      errors: ['webhook_endpoint_not_found'],
    },
    async (c, { params }) => {
      await registry.delete(params.id);
      return c.body(null, 204);
    },
  );
}
