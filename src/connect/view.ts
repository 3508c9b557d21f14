import type { z } from 'zod';
import type { connectSessionSchema } from './api-schema.js';
import type { ConnectSession } from './session-store.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function sessionView(s: ConnectSession): z.input<typeof connectSessionSchema> {
  return {
    id: s.id,
    provider: s.provider_id,
    tenant: s.tenant,
    end_user: s.end_user,
    // An exchange in progress is still pending to the caller.
    status: s.status === 'exchanging' ? 'pending' : s.status,
    connection_id: s.connection_id,
    error: s.error,
    created_at: iso(s.created_at),
    expires_at: iso(s.expires_at),
  };
}
