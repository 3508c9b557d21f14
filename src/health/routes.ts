import { z } from 'zod';
import type { Database } from '../db/open.js';
import { AppError } from '../http/errors.js';
import type { Router } from '../http/router.js';

const statusSchema = z.object({ status: z.literal('ok') }).meta({ id: 'HealthStatus' });

export function mountHealthRoutes(router: Router, database: Database): void {
  router.add(
    {
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'Liveness: the process is serving requests',
      description: 'Answers without touching the database.',
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
      description: 'Send traffic to this replica only while it answers 200.',
      tag: 'health',
      auth: 'none',
      responses: { 200: { description: 'ready', schema: statusSchema } },
      errors: ['service_unavailable'],
    },
    async (c) => {
      let migrated = false;
      try {
        await database.ping();
        migrated = await database.isMigrated();
      } catch (cause) {
        throw new AppError('service_unavailable', 'the database is not reachable', { cause });
      }
      if (!migrated) throw new AppError('service_unavailable', 'database migrations are not applied');
      return c.json({ status: 'ok' as const });
    },
  );
}
