import { z } from 'zod';
import type { Action } from '../clients/grants.js';
import { endUserSchema, tenantSchema } from '../connect/api-schema.js';
import type { Caller } from '../http/caller.js';
import { AppError } from '../http/errors.js';
import { decodeCursor, pageOf, pageQuerySchema, toPage } from '../http/pagination.js';
import type { Router } from '../http/router.js';
import type { ProviderRecord } from '../providers/store.js';
import { type RenewalPolicy, refreshTokenExpiresAt } from '../refresh/schedule.js';
import { type RevokeDeps, revokeAndDelete } from './revoke.js';
import type { ConnectionRecord } from './store.js';

const statusSchema = z.enum(['active', 'needs_reauth', 'revoked']);

export const connectionSchema = z
  .object({
    id: z.string(),
    provider_id: z.string(),
    tenant: z.string(),
    end_user: z.string(),
    account: z.object({
      user_id: z.string(),
      email: z.string().nullable(),
      display_name: z.string().nullable(),
    }),
    scopes: z.array(z.string()),
    status: statusSchema,
    connection_params: z
      .record(z.string(), z.string())
      .nullable()
      .describe("the values its provider's `{name}` URL parameters were filled with; null when it has none"),
    metadata: z
      .record(z.string(), z.string())
      .describe('values needed to call the provider (instance_url, a tenant id); never a token'),
    expires_at: z.iso
      .datetime()
      .nullable()
      .describe('when the current access token expires; null if it does not'),
    last_refreshed_at: z.iso.datetime().nullable().describe('the last successful refresh; null: none yet'),
    next_refresh_at: z.iso
      .datetime()
      .nullable()
      .describe(
        'when the broker next renews it (ahead of expiry while in use, to keep an idle grant alive, or to retry after a failure); null: nothing planned',
      ),
    refresh_token_expires_at: z.iso
      .datetime()
      .nullable()
      .describe('when the refresh token dies at the latest, as the provider states it; null when unknown'),
    last_error: z
      .string()
      .nullable()
      .describe(
        'stable code of the last failed refresh (`provider_timeout`, `invalid_grant`, `refresh_token_expired`, ...); null after a success',
      ),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Connection' });

const iso = (ms: number) => new Date(ms).toISOString();

/** Metadata only: a token never leaves through these routes. `provider` caps the refresh token's end (null: deleted). */
export function connectionView(
  r: ConnectionRecord,
  provider: Pick<RenewalPolicy, 'refresh_token_max_seconds'> | null,
): z.input<typeof connectionSchema> {
  const refreshEnd = refreshTokenExpiresAt(
    { grantedAt: r.granted_at, refreshTokenExpiresAt: r.refresh_token_expires_at },
    provider ?? { refresh_token_max_seconds: null },
  );
  return {
    id: r.id,
    provider_id: r.provider_id,
    tenant: r.tenant,
    end_user: r.end_user,
    account: r.account,
    scopes: r.scopes,
    status: r.status,
    connection_params: r.connection_params,
    metadata: r.metadata,
    expires_at: r.expires_at === null ? null : iso(r.expires_at),
    last_refreshed_at: r.last_refreshed_at === null ? null : iso(r.last_refreshed_at),
    next_refresh_at: r.next_refresh_at === null ? null : iso(r.next_refresh_at),
    refresh_token_expires_at: refreshEnd === null ? null : iso(refreshEnd),
    last_error: r.last_error,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

const connectionPath = z.strictObject({ id: z.string().max(64) });
const tag = 'connections';

export function mountConnectionRoutes(router: Router, deps: RevokeDeps): void {
  /** A connection the caller may see, else 404 whether it exists or not; then the action check. */
  const mustGet = async (caller: Caller, id: string, action: Action) => {
    const connection = await deps.connections.get(id);
    if (
      !connection ||
      !caller.seesTenant(connection.tenant) ||
      !caller.seesProvider(connection.provider_id)
    ) {
      throw new AppError('connection_not_found', 'no such connection');
    }
    if (!caller.can(action))
      throw new AppError('forbidden', `this client may not ${action.replace('_', ' ')}`);
    return connection;
  };

  router.add(
    {
      method: 'get',
      path: '/v1/connections',
      operationId: 'listConnections',
      summary: 'List connections (metadata only)',
      description: 'Connections in the caller’s tenants and providers, filtered by the query; never a token.',
      tag,
      auth: 'service',
      query: pageQuerySchema.extend({
        tenant: tenantSchema.optional(),
        end_user: endUserSchema.optional(),
        provider: z.string().max(64).optional(),
        status: statusSchema.optional(),
      }),
      responses: {
        200: { description: 'a page of connections', schema: pageOf(connectionSchema, 'ConnectionPage') },
      },
      errors: ['forbidden'],
    },
    async (c, { query }) => {
      const caller = c.get('caller');
      if (!caller.can('read_connections'))
        throw new AppError('forbidden', 'this client may not read connections');
      if (query.tenant !== undefined && !caller.seesTenant(query.tenant))
        return c.json({ data: [], next_cursor: null });
      const rows = await deps.connections.list(
        {
          tenant: query.tenant,
          tenants: caller.tenants === '*' ? undefined : caller.tenants,
          providers: caller.providers === '*' ? undefined : caller.providers,
          end_user: query.end_user,
          provider_id: query.provider,
          status: query.status,
        },
        { limit: query.limit + 1, after: decodeCursor(query.cursor) },
      );
      const page = toPage(rows, query.limit, (r) => r.id);
      const providers = new Map<string, Promise<ProviderRecord | null>>();
      const providerOf = (id: string) => {
        if (!providers.has(id)) providers.set(id, deps.providers.get(id));
        return providers.get(id)!;
      };
      const data = await Promise.all(
        page.data.map(async (r) => connectionView(r, await providerOf(r.provider_id))),
      );
      return c.json({ ...page, data });
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/connections/{id}',
      operationId: 'getConnection',
      summary: 'Read one connection (metadata only)',
      description: 'Its account, scopes, status and token expiry; never a token.',
      tag,
      auth: 'service',
      params: connectionPath,
      responses: { 200: { description: 'the connection', schema: connectionSchema } },
      errors: ['connection_not_found', 'forbidden'],
    },
    async (c, { params }) => {
      const connection = await mustGet(c.get('caller'), params.id, 'read_connections');
      return c.json(connectionView(connection, await deps.providers.get(connection.provider_id)));
    },
  );

  router.add(
    {
      method: 'delete',
      path: '/v1/connections/{id}',
      operationId: 'deleteConnection',
      summary: 'Revoke the grant at the provider, then delete the connection',
      description:
        'Revokes at the provider (RFC 7009) where it has a revocation endpoint, retrying a 503. If the ' +
        'provider does not confirm, nothing is deleted; `revoke=false` deletes without asking it.',
      tag,
      auth: 'service',
      params: connectionPath,
      query: z.strictObject({ revoke: z.enum(['true', 'false']).default('true') }),
      responses: { 204: { description: 'deleted' } },
      errors: ['connection_not_found', 'forbidden', 'revocation_failed'],
    },
    async (c, { params, query }) => {
      const connection = await mustGet(c.get('caller'), params.id, 'delete_connections');
      c.set('auditTenant', connection.tenant);
      await revokeAndDelete({ ...deps, log: c.get('log') }, connection, query.revoke === 'true');
      return c.body(null, 204);
    },
  );
}
