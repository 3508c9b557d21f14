import { z } from 'zod';
import type { Database } from '../db/open.js';
import { AppError } from '../http/errors.js';
import { problemAnswer } from '../http/problem.js';
import type { Router } from '../http/router.js';

const statusSchema = z.object({ status: z.literal('ok') }).meta({ id: 'HealthStatus' });

export function mountHealthRoutes(router: Router, database: Database): void {
  router.add(
    {
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'Liveness: the process is serving requests',
      tag: 'health',
      auth: 'none',
      responses: { 200: { description: 'alive', schema: statusSchema } },
    },
    (c) => c.json({ status: 'ok' as const }),
  );
  router.add(
    {
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'Readiness: the database answers and every migration is applied',
      tag: 'health',
      auth: 'none',
      responses: { 200: { description: 'ready', schema: statusSchema }, 503: problemAnswer('not ready') },
    },
    async (c) => {
      let migrated = false;
      try {
        await database.ping();
        migrated = await database.isMigrated();
      } catch (cause) {
        throw new AppError('service_unavailable', 503, 'the database is not reachable', { cause });
      }
      if (!migrated) throw new AppError('service_unavailable', 503, 'database migrations are not applied');
      return c.json({ status: 'ok' as const });
    },
  );
}
