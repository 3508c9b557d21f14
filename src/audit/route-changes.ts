import type { Context } from 'hono';
import { AppError } from '../http/errors.js';
import type { AppEnv, RouteDefinition } from '../http/router.js';
import type { AuditLog } from './audit-log.js';

/**
 * Records every state-changing admin or service request as an audit event,
 * from the route's declaration: `createProvider` becomes `provider.create`,
 * its target the path's id (or, on create, the new resource's id), its
 * tenant the one the handler named (`c.set('auditTenant', …)`), if any.
 */
export function auditRouteChanges(audit: AuditLog) {
  return (c: Context<AppEnv>, definition: RouteDefinition, outcome: { status: number; error?: unknown }) => {
    const [, verb = 'change', noun = 'resource'] = /^([a-z]+)([A-Z].*)?$/.exec(definition.operationId) ?? [];
    const type = noun.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    const params = Object.values(c.req.param() as Record<string, string>);
    const created = c.res.headers.get('location')?.split('/').pop();
    const failed = outcome.error !== undefined || outcome.status >= 400;
    const code = outcome.error instanceof AppError ? outcome.error.code : failed ? 'error' : null;
    audit.record({
      actor:
        definition.auth === 'admin'
          ? { type: 'admin', id: 'admin' }
          : { type: 'service', id: c.get('caller').id },
      action: `${type}.${verb}`,
      tenant: c.get('auditTenant') ?? null,
      target: { type, id: params.at(-1) ?? created ?? '-' },
      outcome: failed ? 'failure' : 'success',
      details: { request_id: c.get('requestId'), ...(code ? { error: code } : {}) },
    });
  };
}
