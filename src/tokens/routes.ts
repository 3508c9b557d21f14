import type { Context } from 'hono';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import type { SecretHasher } from '../clients/secret-hasher.js';
import type { ClientStore } from '../clients/store.js';
import { type HandOutDeps, handOutAccessToken } from '../handout/access-token.js';
import { serviceCaller } from '../http/caller.js';
import { AppError, upstreamErrors } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { RateLimits } from '../rate-limit/limits.js';
import { authenticateClientLimited } from './client-auth.js';
import { OAuthError } from './oauth-error.js';
import type { ServiceTokens } from './service-tokens.js';
import type { SigningKeys } from './signing-keys.js';

export interface TokenRoutesDeps {
  clients: ClientStore;
  hasher: SecretHasher;
  tokens: ServiceTokens;
  keys: SigningKeys;
  handOut: HandOutDeps;
  audit: AuditLog;
  now: () => number;
  publicUrl: string;
  limits?: RateLimits;
  /** The request's source address, for the failed-authentication limit (see http/source-address.ts). */
  sourceAddress: (c: Context) => string;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const tag = 'oauth';
const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

// client_secret_post: the credentials in the form (client_secret_basic sends them as HTTP Basic instead).
const clientCredentials = {
  client_id: z.string().max(512).optional().describe('client_secret_post only: the client id'),
  client_secret: z.string().max(512).optional().describe('client_secret_post only: the client secret'),
};

const tokenForm = z
  .looseObject({
    grant_type: z.string().max(128).describe(`\`client_credentials\`, or \`${TOKEN_EXCHANGE}\` (RFC 8693)`),
    resource: z.string().max(2048).optional().describe('token exchange: `{public URL}/v1/connections/{id}`'),
    requested_token_type: z
      .string()
      .max(256)
      .optional()
      .describe(`token exchange: \`${ACCESS_TOKEN_TYPE}\` if sent`),
    ...clientCredentials,
  })
  .meta({ id: 'TokenRequest' });

const revokeForm = z
  .looseObject({
    token: z.string().max(4096).describe('a service token this client was issued'),
    token_type_hint: z.string().max(64).optional(),
    ...clientCredentials,
  })
  .meta({ id: 'RevocationRequest' });

const tokenAnswer = z
  .object({
    access_token: z.string(),
    token_type: z.string(),
    expires_in: z.number().int().nullable().optional(),
    issued_token_type: z.string().optional().describe('token exchange only'),
    scope: z.string().optional(),
    metadata: z
      .record(z.string(), z.string())
      .optional()
      .describe("token exchange only: the connection's metadata, as on the hand-out"),
  })
  .meta({ id: 'TokenResponse' });

export function mountTokenRoutes(router: Router, deps: TokenRoutesDeps): void {
  const connectionPrefix = `${deps.publicUrl}/v1/connections/`;
  const clientAuth = { ...deps, limits: deps.limits?.clientAuth };
  const authenticate = (c: Context, form: URLSearchParams) =>
    authenticateClientLimited(clientAuth, c.req.header('authorization'), form, deps.sourceAddress(c));
  router.add(
    {
      method: 'post',
      path: '/oauth/token',
      operationId: 'token',
      summary: 'Service authentication and token exchange',
      description:
        '`client_credentials` (client_secret_basic or client_secret_post) answers a service token: a JWT ' +
        `(typ at+jwt, aud the broker) valid 5 minutes. RFC 8693 token exchange with \`resource\` = ` +
        '`{public URL}/v1/connections/{id}` answers that connection’s provider access token in one step.',
      tag,
      auth: 'client',
      form: tokenForm,
      responses: { 200: { description: 'a token', schema: tokenAnswer } },
      oauthErrors: [
        'invalid_target',
        'unauthorized_client',
        'unsupported_grant_type',
        'invalid_grant',
        'temporarily_unavailable',
      ],
      // A token exchange may have to refresh at the provider first, and counts as a hand-out (its limit).
      errors: [...upstreamErrors, 'rate_limited'],
    },
    async (c, { form }) => {
      for (const [name, value] of Object.entries(noStore)) c.header(name, value);
      const client = await authenticate(c, form);
      const grantType = form.get('grant_type');
      if (grantType === 'client_credentials') {
        const issued = await deps.tokens.issue(client.client_id);
        deps.audit.record({
          actor: { type: 'service', id: client.client_id },
          action: 'service_token.issued',
          target: { type: 'client', id: client.client_id },
          outcome: 'success',
          details: { jti: issued.jti },
        });
        return c.json({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn });
      }
      if (grantType === TOKEN_EXCHANGE) {
        const resource = form.get('resource') ?? '';
        const requested = form.get('requested_token_type');
        if (requested !== null && requested !== ACCESS_TOKEN_TYPE) {
          throw new OAuthError('invalid_request', 'only access tokens can be requested');
        }
        const connectionId = resource.startsWith(connectionPrefix)
          ? resource.slice(connectionPrefix.length)
          : '';
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(connectionId)) {
          throw new OAuthError('invalid_target', `resource must be ${connectionPrefix}{connection id}`);
        }
        try {
          const token = await handOutAccessToken(
            deps.handOut,
            serviceCaller(client.client_id, client.grants),
            connectionId,
            { log: c.get('log') },
          );
          return c.json({
            access_token: token.access_token,
            issued_token_type: ACCESS_TOKEN_TYPE,
            token_type: token.token_type,
            expires_in: token.expires_in,
            scope: token.scope,
            // Beside RFC 8693's fields, as on the hand-out: where to call the provider for this connection.
            metadata: token.metadata,
          });
        } catch (error) {
          throw exchangeError(error);
        }
      }
      throw new OAuthError(
        'unsupported_grant_type',
        'grant_type must be client_credentials or token exchange',
      );
    },
  );

  router.add(
    {
      method: 'post',
      path: '/oauth/revoke',
      operationId: 'revoke',
      summary: 'Revoke a service token (RFC 7009)',
      description:
        'The client authenticates as at /oauth/token. An unknown or foreign token answers 200 too.',
      tag,
      auth: 'client',
      form: revokeForm,
      responses: { 200: { description: 'revoked, or nothing to revoke' } },
    },
    async (c, { form }) => {
      for (const [name, value] of Object.entries(noStore)) c.header(name, value);
      const client = await authenticate(c, form);
      const revoked = await deps.tokens.revoke(form.get('token') ?? '', client.client_id);
      if (revoked) {
        deps.audit.record({
          actor: { type: 'service', id: client.client_id },
          action: 'service_token.revoked',
          target: { type: 'client', id: client.client_id },
          outcome: 'success',
        });
      }
      return c.body(null, 200);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/.well-known/oauth-authorization-server',
      operationId: 'authorizationServerMetadata',
      summary: 'RFC 8414 metadata of the broker’s own token issuer',
      description: 'Where to get and revoke service tokens, and how clients authenticate there.',
      tag,
      auth: 'none',
      responses: { 200: { description: 'metadata', schema: z.record(z.string(), z.unknown()) } },
    },
    (c) =>
      c.json({
        issuer: deps.publicUrl,
        token_endpoint: `${deps.publicUrl}/oauth/token`,
        revocation_endpoint: `${deps.publicUrl}/oauth/revoke`,
        jwks_uri: `${deps.publicUrl}/.well-known/jwks.json`,
        grant_types_supported: ['client_credentials', TOKEN_EXCHANGE],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        response_types_supported: [],
        access_token_signing_alg_values_supported: ['ES256'],
      }),
  );

  router.add(
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'jwks',
      summary: 'Public keys of the broker’s service tokens',
      description: 'ES256 keys, as a JWK set, that verify the service tokens `/oauth/token` issues.',
      tag,
      auth: 'none',
      responses: {
        200: {
          description: 'a JWK set',
          schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }),
        },
      },
    },
    async (c) => {
      c.header('cache-control', 'public, max-age=300');
      return c.json({ keys: await deps.keys.published() });
    },
  );
}

/**
 * Hand-out failures, in the token endpoint's own error language. The rest
 * (a rate limit: 429 with its headers) are left to the error handler.
 */
function exchangeError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  switch (error.code) {
    case 'connection_not_found':
      return new OAuthError('invalid_target', 'no such connection');
    case 'forbidden':
      return new OAuthError('unauthorized_client', 'this client may not get access tokens');
    case 'connection_needs_reauth':
      return new OAuthError('invalid_grant', 'the connection needs re-authorization', {}, { cause: error });
    case 'provider_unavailable':
      return new OAuthError(
        'temporarily_unavailable',
        'the provider could not renew the token',
        error.headers,
      );
    default:
      return error;
  }
}
