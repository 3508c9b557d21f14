import { z } from 'zod';
import { decodeCursor, pageOf, pageQuerySchema, toPage } from '../http/pagination.js';
import type { Router } from '../http/router.js';
import {
  clientCreateSchema,
  clientPatchSchema,
  clientSchema,
  clientWithSecretSchema,
  newSecretSchema,
  secretCreateSchema,
} from './api-schema.js';
import type { ClientRegistry } from './registry.js';

const clientPath = z.strictObject({ client_id: z.string().max(64) });
const tag = 'clients';

/** Internal service registrations (admin). */
export function mountClientRoutes(router: Router, registry: ClientRegistry): void {
  router.add(
    {
      method: 'get',
      path: '/v1/admin/clients',
      operationId: 'listClients',
      summary: 'List service clients',
      description: 'Every registered service, in pages ordered by id, with its grants and secret ids.',
      tag,
      auth: 'admin',
      query: pageQuerySchema,
      responses: { 200: { description: 'a page of clients', schema: pageOf(clientSchema, 'ClientPage') } },
    },
    async (c, { query }) => {
      const rows = await registry.list({ limit: query.limit + 1, after: decodeCursor(query.cursor) });
      const page = toPage(rows, query.limit, (r) => r.client_id);
      return c.json({ ...page, data: await Promise.all(page.data.map(registry.view)) });
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/admin/clients',
      operationId: 'createClient',
      summary: 'Register an internal service',
      description: 'Answers the client secret once; only a keyed hash of it is stored.',
      tag,
      auth: 'admin',
      body: clientCreateSchema,
      responses: { 201: { description: 'created', schema: clientWithSecretSchema } },
    },
    async (c, { body }) => {
      const { client, secret, secretId } = await registry.create(body);
      c.header('cache-control', 'no-store');
      c.header('location', `/v1/admin/clients/${client.client_id}`);
      return c.json({ ...(await registry.view(client)), client_secret: secret, secret_id: secretId }, 201);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/admin/clients/{client_id}',
      operationId: 'getClient',
      summary: 'Read a service client (never its secrets)',
      tag,
      auth: 'admin',
      params: clientPath,
      description: 'Its grants and the ids and expiry of its secrets; never a secret.',
      responses: { 200: { description: 'the client', schema: clientSchema } },
      errors: ['client_not_found'],
    },
    async (c, { params }) => c.json(await registry.view(await registry.get(params.client_id))),
  );

  router.add(
    {
      method: 'patch',
      path: '/v1/admin/clients/{client_id}',
      operationId: 'updateClient',
      summary: 'Rename, disable, or change the grants of a service client',
      description: 'Takes effect on its service tokens within a few seconds on every replica.',
      tag,
      auth: 'admin',
      params: clientPath,
      body: clientPatchSchema,
      responses: { 200: { description: 'updated', schema: clientSchema } },
      errors: ['client_not_found'],
    },
    async (c, { params, body }) => c.json(await registry.view(await registry.patch(params.client_id, body))),
  );

  router.add(
    {
      method: 'delete',
      path: '/v1/admin/clients/{client_id}',
      operationId: 'deleteClient',
      summary: 'Delete a service client and its secrets',
      description: 'Its service tokens stop working within a few seconds on every replica.',
      tag,
      auth: 'admin',
      params: clientPath,
      responses: { 204: { description: 'deleted' } },
      errors: ['client_not_found'],
    },
    async (c, { params }) => {
      await registry.delete(params.client_id);
      return c.body(null, 204);
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/admin/clients/{client_id}/secrets',
      operationId: 'createClientSecret',
      summary: 'Add a secret (rotation with overlap)',
      description:
        'The other secrets keep working until they expire or are deleted; `retire_others_in_seconds` ' +
        'sets when they expire.',
      tag,
      auth: 'admin',
      params: clientPath,
      body: secretCreateSchema,
      responses: { 201: { description: 'the new secret, shown once', schema: newSecretSchema } },
      errors: ['client_not_found'],
    },
    async (c, { params, body }) => {
      const { secret, record } = await registry.addSecret(params.client_id, body);
      c.header('cache-control', 'no-store');
      return c.json(
        {
          client_id: params.client_id,
          secret_id: record.id,
          client_secret: secret,
          expires_at: record.expires_at === null ? null : new Date(record.expires_at).toISOString(),
        },
        201,
      );
    },
  );

  router.add(
    {
      method: 'delete',
      path: '/v1/admin/clients/{client_id}/secrets/{secret_id}',
      operationId: 'deleteClientSecret',
      summary: 'Delete one secret (ends the rotation overlap)',
      description: 'The client’s other secrets keep working.',
      tag,
      auth: 'admin',
      params: clientPath.extend({ secret_id: z.string().max(64) }),
      responses: { 204: { description: 'deleted' } },
      errors: ['client_not_found'],
    },
    async (c, { params }) => {
      await registry.deleteSecret(params.client_id, params.secret_id);
      return c.body(null, 204);
    },
  );
}
