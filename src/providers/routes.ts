import { z } from 'zod';
import { decodeCursor, pageOf, pageQuerySchema, toPage } from '../http/pagination.js';
import type { Router } from '../http/router.js';
import {
  presetSchema,
  providerCreateSchema,
  providerIdSchema,
  providerPatchSchema,
  providerReplaceSchema,
  providerSchema,
} from './api-schema.js';
import { presets } from './presets/catalog.js';
import type { ProviderRegistry } from './registry.js';

const providerPath = z.strictObject({ provider_id: providerIdSchema });
const tag = 'providers';

const publicProviderSchema = z
  .object({ provider_id: z.string(), display_name: z.string(), is_enabled: z.boolean() })
  .meta({ id: 'PublicProvider' });

export function mountProviderRoutes(router: Router, registry: ProviderRegistry): void {
  router.add(
    {
      method: 'get',
      path: '/v1/admin/providers',
      operationId: 'listProviders',
      summary: 'List configured providers',
      description: 'Every provider, enabled or not, in pages ordered by id. Client secrets are never shown.',
      tag,
      auth: 'admin',
      query: pageQuerySchema,
      responses: {
        200: { description: 'a page of providers', schema: pageOf(providerSchema, 'ProviderPage') },
      },
    },
    async (c, { query }) => {
      const rows = await registry.list({ limit: query.limit + 1, after: decodeCursor(query.cursor) });
      const page = toPage(rows, query.limit, (r) => r.provider_id);
      return c.json({ ...page, data: page.data.map(registry.view) });
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/admin/providers',
      operationId: 'createProvider',
      summary: 'Register a provider, from a preset or fully custom',
      description:
        'With `preset`, only `client_id` and `client_secret` are needed; any other field overrides the preset. ' +
        'The client secret is stored encrypted and never returned.',
      tag,
      auth: 'admin',
      body: providerCreateSchema,
      responses: { 201: { description: 'created', schema: providerSchema } },
      errors: [
        'preset_not_found',
        'provider_exists',
        'url_not_allowed',
        'client_secret_required',
        'discovery_failed',
      ],
    },
    async (c, { body }) => {
      const record = await registry.create(body);
      c.header('location', `/v1/admin/providers/${record.provider_id}`);
      return c.json(registry.view(record), 201);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/admin/providers/{provider_id}',
      operationId: 'getProvider',
      summary: 'Read one provider (never its secret)',
      description: 'The stored definition; `client_secret_set` says whether a secret is stored.',
      tag,
      auth: 'admin',
      params: providerPath,
      responses: { 200: { description: 'the provider', schema: providerSchema } },
      errors: ['provider_not_found'],
    },
    async (c, { params }) => c.json(registry.view(await registry.get(params.provider_id))),
  );

  router.add(
    {
      method: 'put',
      path: '/v1/admin/providers/{provider_id}',
      operationId: 'replaceProvider',
      summary: 'Replace a provider definition',
      description:
        'The body is the whole definition (or a preset and overrides). The stored client secret carries over ' +
        'only when `client_id`, `token_url`, `userinfo_url` and `revocation_url` are unchanged.',
      tag,
      auth: 'admin',
      params: providerPath,
      body: providerReplaceSchema,
      responses: { 200: { description: 'replaced', schema: providerSchema } },
      errors: [
        'provider_not_found',
        'preset_not_found',
        'url_not_allowed',
        'client_secret_required',
        'discovery_failed',
      ],
    },
    async (c, { params, body }) => c.json(registry.view(await registry.replace(params.provider_id, body))),
  );

  router.add(
    {
      method: 'patch',
      path: '/v1/admin/providers/{provider_id}',
      operationId: 'updateProvider',
      summary: 'Change some fields of a provider',
      description:
        'Each top-level field given replaces the stored one; `null` clears a nullable field. Changing ' +
        '`client_id`, `token_url`, `userinfo_url` or `revocation_url` requires `client_secret` as well.',
      tag,
      auth: 'admin',
      params: providerPath,
      body: providerPatchSchema,
      responses: { 200: { description: 'updated', schema: providerSchema } },
      errors: ['provider_not_found', 'url_not_allowed', 'client_secret_required'],
    },
    async (c, { params, body }) => c.json(registry.view(await registry.patch(params.provider_id, body))),
  );

  router.add(
    {
      method: 'delete',
      path: '/v1/admin/providers/{provider_id}',
      operationId: 'deleteProvider',
      summary: 'Delete a provider and its stored secret',
      description: 'Refused while connections use the provider: delete those first.',
      tag,
      auth: 'admin',
      params: providerPath,
      responses: { 204: { description: 'deleted' } },
      errors: ['provider_not_found', 'provider_in_use'],
    },
    async (c, { params }) => {
      await registry.delete(params.provider_id);
      return c.body(null, 204);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/admin/provider-presets',
      operationId: 'listProviderPresets',
      summary: 'The built-in provider catalog',
      description: 'Presets a provider can be created from (`preset`), with their endpoints and quirks.',
      tag,
      auth: 'admin',
      query: pageQuerySchema,
      responses: {
        200: { description: 'a page of presets', schema: pageOf(presetSchema, 'ProviderPresetPage') },
      },
    },
    (c, { query }) => {
      const after = decodeCursor(query.cursor);
      const rest = presets.filter((p) => after === undefined || p.id > after);
      return c.json(toPage(rest.slice(0, query.limit + 1), query.limit, (p) => p.id));
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/providers',
      operationId: 'listEnabledProviders',
      summary: 'Providers a service can connect accounts to',
      description: 'Enabled providers this client may use.',
      tag,
      auth: 'service',
      query: pageQuerySchema,
      responses: {
        200: {
          description: 'a page of enabled providers',
          schema: pageOf(publicProviderSchema, 'PublicProviderPage'),
        },
      },
    },
    async (c, { query }) => {
      const caller = c.get('caller');
      const rows = await registry.list({
        limit: query.limit + 1,
        after: decodeCursor(query.cursor),
        enabledOnly: true,
        only: caller.providers === '*' ? undefined : caller.providers,
      });
      const page = toPage(rows, query.limit, (r) => r.provider_id);
      return c.json({
        ...page,
        data: page.data.map((r) => ({
          provider_id: r.provider_id,
          display_name: r.display_name,
          is_enabled: true,
        })),
      });
    },
  );
}
