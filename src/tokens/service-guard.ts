import type { MiddlewareHandler } from 'hono';
import { bearerToken } from '../admin/auth.js';
import { type Caller, serviceCaller } from '../http/caller.js';
import { AppError } from '../http/errors.js';
import type { AppEnv } from '../http/router.js';
import type { ServiceTokens } from './service-tokens.js';

/**
 * Service routes take a service token and nothing else: the admin credential
 * is not a JWT the broker signed, so it fails here as any stranger would.
 */
export function serviceGuard(tokens: ServiceTokens): MiddlewareHandler<AppEnv> {
  // One Caller per client record: the record is shared until the client's cached state is re-read.
  const callers = new WeakMap<object, Caller>();
  return async (c, next) => {
    const presented = bearerToken(c.req.header('authorization'));
    const answer = presented === null ? null : tokens.authenticate(presented);
    // Awaited only when it had to read: most requests are answered from memory.
    const verified = answer instanceof Promise ? await answer : answer;
    if (!verified) {
      throw new AppError('unauthorized', 'a valid service token is required', {
        headers: { 'www-authenticate': 'Bearer realm="custodian", error="invalid_token"' },
      });
    }
    let caller = callers.get(verified.client);
    if (caller === undefined) {
      caller = serviceCaller(verified.client.client_id, verified.client.grants);
      callers.set(verified.client, caller);
    }
    c.set('caller', caller);
    await next();
  };
}
