import type { AuditLog } from '../audit/audit-log.js';
import type { Logger } from '../log/logger.js';
import type { DeliveryStore } from './delivery-store.js';
import type { EndpointRecord, EndpointStore } from './endpoint-store.js';
import type { Outcome } from './outcome.js';

/**
 * What an attempt means for its endpoint: an answer ends a failure run; a
 * failure starts one (the three-day clock); `gone` and `failing` disable it,
 * give up its waiting deliveries, and say so in the log and the audit trail.
 */
export async function applyVerdict(
  deps: { endpoints: EndpointStore; deliveries: DeliveryStore; audit: AuditLog; log: Logger; owner: string },
  endpoint: EndpointRecord,
  verdict: Outcome['endpoint'],
  at: number,
): Promise<void> {
  if (verdict === 'answered') {
    if (endpoint.failing_since !== null)
      await deps.endpoints.update(endpoint.id, { failing_since: null }, at);
    return;
  }
  if (verdict === 'failing') {
    await deps.endpoints.markFailing(endpoint.id, at);
    return;
  }
  const reason = verdict === 'disable_gone' ? 'gone' : 'failing';
  await deps.endpoints.update(endpoint.id, { is_enabled: false, disabled_reason: reason }, at);
  await deps.deliveries.failPending(endpoint.id, at);
  deps.log.warn('webhook endpoint disabled', { endpoint_id: endpoint.id, reason });
  deps.audit.record({
    actor: { type: 'broker', id: deps.owner },
    action: 'webhook_endpoint.disabled',
    target: { type: 'webhook_endpoint', id: endpoint.id },
    outcome: 'success',
    details: { reason },
  });
}
