import type { Context } from 'hono';
import { AppError } from '../http/errors.js';
import type { AppEnv, RouteDefinition } from '../http/router.js';
import { routeAction } from './actions.js';
import type { AuditLog } from './audit-log.js';

/**
 * Records every state-changing admin or service request as an audit event,
 * from the route's declaration: `createProvider` becomes `provider.create`,
 * its target the path's id (or, on create, the new resource's id), its
 * tenant the one the handler named (`c.set('auditTenant', …)`), if any.
 */
export function auditRouteChanges(audit: AuditLog) {
  return (c: Context<AppEnv>, definition: RouteDefinition, outcome: { status: number; error?: unknown }) => {
    const action = routeAction(definition.operationId);
    const type = action.slice(0, action.indexOf('.'));
    const params = Object.values(c.req.param() as Record<string, string>);
    const created = c.res.headers.get('location')?.split('/').pop();
    const failed = outcome.error !== undefined || outcome.status >= 400;
    const code = outcome.error instanceof AppError ? outcome.error.code : failed ? 'error' : null;
    audit.record({
      actor:
        definition.auth === 'admin'
          ? { type: 'admin', id: 'admin' }
          : { type: 'service', id: c.get('caller').id },
      action,
      tenant: c.get('auditTenant') ?? null,
      target: { type, id: params.at(-1) ?? created ?? '-' },
      outcome: failed ? 'failure' : 'success',
      details: { request_id: c.get('requestId'), ...(code ? { error: code } : {}) },
    });
  };
}
