import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../log/logger.js';
import { finishHeaders } from './response-headers.js';
import type { AppEnv } from './router.js';

const acceptableId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane),
 * a logger that stamps it on every line, the common headers of every answer
 * and one access-log line at the end.
 */
export function requestContext(log: Logger, now: () => number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && acceptableId.test(incoming) ? incoming : randomUUID();
    const requestLog = log.child({ request_id: requestId });
    c.set('requestId', requestId);
    c.set('log', requestLog);
    const started = now();
    await next();
    finishHeaders(c.res, requestId);
    // The matched pattern, not the path: paths and queries can carry connect
    // tokens, codes or state.
    const route = routePath(c, -1);
    requestLog.info('request', {
      method: c.req.method,
      route: route === '*' ? '(no route)' : route,
      status: c.res.status,
      duration_ms: now() - started,
    });
  };
}
