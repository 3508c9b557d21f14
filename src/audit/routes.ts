import { z } from 'zod';
import { decodeCursor, pageOf, pageQuerySchema, toPage } from '../http/pagination.js';
import type { Router } from '../http/router.js';
import { BROKER_ACTIONS } from './actions.js';
import type { AuditEventRecord, AuditStore } from './store.js';

const outcomeSchema = z.enum(['success', 'failure']);

export const auditEventSchema = z
  .object({
    id: z.string().describe('sorts by time: a newer event has a greater id'),
    at: z.iso.datetime(),
    actor: z.object({
      type: z.enum(['admin', 'service', 'broker']),
      id: z.string(),
    }),
    action: z
      .string()
      .describe(
        '`<target type>.<verb>`: one per changing admin or service route, named from the operation ' +
          '(`provider.create`, `client.update`, `client_secret.create`, `connect_session.create`, ' +
          `\`connection.delete\`, …), and the broker's own: ${BROKER_ACTIONS.map((a) => `\`${a}\``).join(', ')}`,
      ),
    target: z.object({ type: z.string(), id: z.string() }),
    tenant: z.string().nullable(),
    outcome: outcomeSchema,
    details: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .describe('values under secret-looking names are stored as `[redacted]`'),
  })
  .meta({ id: 'AuditEvent' });

const instant = (what: string) =>
  z.iso
    .datetime({ offset: true })
    .transform((text) => Date.parse(text))
    .optional()
    .describe(what);

const auditQuerySchema = pageQuerySchema
  .extend({
    actor_id: z.string().min(1).max(512).optional(),
    action: z
      .string()
      .max(128)
      .regex(
        /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?$/,
        'a dotted action, or a prefix ending in .* (`connection.*`)',
      )
      .optional()
      .describe('an exact action, or every action under a prefix: `connection.*`'),
    target_id: z.string().min(1).max(512).optional(),
    tenant: z.string().min(1).max(512).optional(),
    outcome: outcomeSchema.optional(),
    since: instant('events at or after this time (ISO 8601)'),
    until: instant('events before this time (ISO 8601)'),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since <= q.until, {
    message: 'until must not be before since',
    path: ['until'],
  });

export function auditEventView(r: AuditEventRecord): z.input<typeof auditEventSchema> {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    tenant: r.tenant,
    outcome: r.outcome,
    details: r.details,
  };
}

export interface AuditRouteDeps {
  store: AuditStore;
}

export function mountAuditRoutes(router: Router, deps: AuditRouteDeps): void {
  router.add(
    {
      method: 'get',
      path: '/v1/admin/audit-events',
      operationId: 'listAuditEvents',
      summary: 'Read the audit trail, newest first',
      description:
        'Who did what to which thing, and whether it worked. Events are written within a moment of ' +
        'happening, so the newest may take a fraction of a second to appear.',
      tag: 'audit',
      auth: 'admin',
      query: auditQuerySchema,
      responses: {
        200: { description: 'a page of events', schema: pageOf(auditEventSchema, 'AuditEventPage') },
      },
    },
    async (c, { query }) => {
      const rows = await deps.store.list(
        {
          actor_id: query.actor_id,
          action: query.action,
          target_id: query.target_id,
          tenant: query.tenant,
          outcome: query.outcome,
          since: query.since,
          until: query.until,
        },
        { limit: query.limit + 1, after: decodeCursor(query.cursor) },
      );
      const page = toPage(rows, query.limit, (r) => r.id);
      return c.json({ ...page, data: page.data.map(auditEventView) });
    },
  );
}
