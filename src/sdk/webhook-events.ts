/**
 * The events a webhook endpoint receives, as a union to `switch` on `type`.
 * `data.status` is the connection's status after the change (`deleted` once
 * it is gone, `failed` for a connect session); `error` is a broker code
 * (`invalid_grant`, `provider_timeout`, `access_denied`, …), never a
 * provider's own text. A `webhook.test` event carries placeholder data.
 */

export interface WebhookAccount {
  user_id: string;
  email: string | null;
  display_name: string | null;
}

interface EventData<Status extends string, ConnectionId = string, Account = WebhookAccount> {
  connection_id: ConnectionId;
  tenant: string;
  end_user: string;
  provider_id: string;
  account: Account;
  status: Status;
}

interface Event<Type extends string, Data> {
  type: Type;
  /** When the change happened (ISO 8601); `webhook-timestamp` is when this attempt was sent. */
  timestamp: string;
  data: Data;
}

export type WebhookEvent =
  | Event<'connection.created', EventData<'active'>>
  | Event<'connection.reconnected', EventData<'active'>>
  | Event<'connection.needs_reauth', EventData<'needs_reauth'> & { error: string }>
  | Event<'connection.refresh_failing', EventData<string> & { error: string }>
  | Event<'connection.recovered', EventData<'active'>>
  | Event<'connection.deleted', EventData<'deleted'>>
  | Event<'connect_session.failed', EventData<'failed', null, null> & { error: string }>
  | Event<'webhook.test', EventData<'test', null, null>>;

export type WebhookEventType = WebhookEvent['type'];
