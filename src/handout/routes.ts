import { z } from 'zod';
import { noStoreJson } from '../http/response-headers.js';
import type { Router } from '../http/router.js';
import { type HandOutDeps, handOutAccessToken } from './access-token.js';

const accessTokenSchema = z
  .object({
    access_token: z.string(),
    token_type: z.string(),
    expires_at: z.iso.datetime().nullable().describe('null when the provider’s token does not expire'),
    expires_in: z.number().int().nullable(),
    scope: z.string(),
    connection_id: z.string(),
    provider_id: z.string(),
    account: z.object({
      user_id: z.string(),
      email: z.string().nullable(),
      display_name: z.string().nullable(),
    }),
    metadata: z
      .record(z.string(), z.string())
      .describe(
        'values needed to call the provider for this connection (instance_url, a tenant id); never a token',
      ),
  })
  .meta({ id: 'AccessToken' });

export function mountHandOutRoutes(router: Router, deps: HandOutDeps): void {
  router.add(
    {
      method: 'post',
      path: '/v1/connections/{id}/access-token',
      operationId: 'getAccessToken',
      summary: 'A valid provider access token for a connection',
      description:
        'Refreshed first when it expires within the provider’s buffer or `min_validity_seconds`; ' +
        '`force_refresh` renews it regardless (after a provider answered 401). Never a refresh token.',
      tag: 'connections',
      auth: 'service',
      auditsItself: true,
      params: z.strictObject({ id: z.string().max(64) }),
      bodyOptional: true,
      body: z
        .strictObject({
          force_refresh: z.boolean().default(false),
          min_validity_seconds: z.number().int().min(0).max(86_400).optional(),
        })
        .meta({ id: 'AccessTokenRequest' }),
      responses: { 200: { description: 'the token', schema: accessTokenSchema } },
      errors: [
        'connection_not_found',
        'forbidden',
        'connection_needs_reauth',
        'provider_unavailable',
        'rate_limited',
      ],
    },
    async (c, { params, body }) => {
      const token = await handOutAccessToken(deps, c.get('caller'), params.id, {
        forceRefresh: body.force_refresh,
        minValiditySeconds: body.min_validity_seconds,
        log: c.get('log'),
      });
      return noStoreJson(c, token);
    },
  );
}
