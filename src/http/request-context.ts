import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../log/logger.js';
import { type Metrics, noMetrics } from '../metrics/metrics.js';
import { noTracing, type Tracing } from '../tracing/tracing.js';
import { finishHeaders } from './response-headers.js';
import type { AppEnv } from './router.js';

const acceptableId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane),
 * a logger that stamps it on every line (the trace id, when tracing, comes
 * from `log` itself: see createApp),
 * the common headers of every answer, one access-log line and one
 * observation of the request-duration histogram at the end.
 */
export function requestContext(
  log: Logger,
  metrics: Metrics = noMetrics,
  tracing: Tracing = noTracing,
): MiddlewareHandler<AppEnv> {
  const answer = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && acceptableId.test(incoming) ? incoming : randomUUID();
    const requestLog = log.child({ request_id: requestId });
    c.set('requestId', requestId);
    c.set('log', requestLog);
    // One monotonic pair times both the log line and the histogram (a wall clock can step).
    const started = performance.now();
    await next();
    finishHeaders(c.res, requestId);
    // The matched pattern, not the path: paths and queries can carry connect
    // tokens, codes or state.
    const route = routeOf(c);
    const status = c.res.status;
    const ms = performance.now() - started;
    metrics.request(c.req.method, route, status, ms / 1000);
    requestLog.info('request', {
      method: c.req.method,
      route,
      status,
      duration_ms: Math.round(ms * 100) / 100,
    });
  };
  if (!tracing.enabled) return answer;
  return (c, next) =>
    tracing.request(
      c.req.method,
      (name) => c.req.header(name),
      async () => {
        await answer(c, next);
        return { route: routeOf(c), status: c.res.status };
      },
    );
}

const routeOf = (c: Context) => {
  const matched = routePath(c, -1);
  return matched === '*' ? '(no route)' : matched;
};
