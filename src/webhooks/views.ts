import type { DeliveryRecord } from './delivery-store.js';
import type { EndpointRecord } from './endpoint-store.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An endpoint as the API answers it: never a secret. */
export function endpointView(e: EndpointRecord, now: number) {
  return {
    id: e.id,
    url: e.url,
    client_id: e.client_id,
    events: e.events,
    description: e.description,
    is_enabled: e.is_enabled,
    disabled_reason: e.disabled_reason as 'gone' | 'failing' | null,
    failing_since: iso(e.failing_since),
    previous_secret_expires_at:
      e.previous_secret_until !== null && e.previous_secret_until > now ? iso(e.previous_secret_until) : null,
    created_at: iso(e.created_at)!,
    updated_at: iso(e.updated_at)!,
  };
}

export function deliveryView(d: DeliveryRecord) {
  return {
    id: d.id,
    endpoint_id: d.endpoint_id,
    event_id: d.event_id,
    event_type: d.event_type,
    status: d.status,
    attempts: d.attempts.map((a) => ({ ...a, at: iso(a.at)! })),
    next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
    created_at: iso(d.created_at)!,
  };
}
