import type { MiddlewareHandler } from 'hono';
import { AppError } from '../http/errors.js';
import type { AppEnv, Router } from '../http/router.js';
import type { Metrics } from './metrics.js';

/**
 * `GET /metrics`, Prometheus's text format. Never public: it takes the admin
 * credential or the scraper's own (CUSTODIAN_METRICS_TOKEN), checked by `guard`.
 */
export function mountMetricsRoutes(router: Router, metrics: Metrics, guard: MiddlewareHandler<AppEnv>): void {
  router.add(
    {
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: 'Prometheus metrics of this replica',
      description:
        'Takes the admin credential or `CUSTODIAN_METRICS_TOKEN` as a bearer token. Counts are this ' +
        'process’s own; the connection gauges are read from the database (cached for 10 s).',
      tag: 'operations',
      auth: 'admin',
      guard,
      alsoAccepts: ['metricsToken'],
      responses: {
        200: { description: 'the metrics', mediaType: 'text/plain; version=0.0.4' },
      },
      errors: ['not_found'],
    },
    async (c) => {
      const { registry } = metrics;
      if (registry === null) throw new AppError('not_found', 'metrics are turned off');
      const text = await registry.metrics();
      return c.body(text, 200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    },
  );
}
