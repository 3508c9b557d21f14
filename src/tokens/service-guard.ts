import type { MiddlewareHandler } from 'hono';
import { bearerToken } from '../admin/auth.js';
import { serviceCaller } from '../http/caller.js';
import { AppError } from '../http/errors.js';
import type { AppEnv } from '../http/router.js';
import type { ServiceTokens } from './service-tokens.js';

/**
 * Service routes take a service token and nothing else: the admin credential
 * is not a JWT the broker signed, so it fails here as any stranger would.
 */
export function serviceGuard(tokens: ServiceTokens): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const presented = bearerToken(c.req.header('authorization'));
    const verified = presented === null ? null : await tokens.authenticate(presented);
    if (!verified) {
      throw new AppError('unauthorized', 401, 'a valid service token is required', {
        headers: { 'www-authenticate': 'Bearer realm="custodian", error="invalid_token"' },
      });
    }
    c.set('caller', serviceCaller(verified.client.client_id, verified.client.grants));
    await next();
  };
}
