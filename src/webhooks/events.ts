import type { Account } from '../oauth/account.js';

/**
 * Connection events: what a webhook endpoint can subscribe to, and the one
 * payload shape they all share. Never a token, a secret or a provider's own
 * error text: `error` is one of the broker's codes.
 */

export const eventTypes = [
  'connection.created',
  'connection.reconnected',
  'connection.needs_reauth',
  'connection.refresh_failing',
  'connection.recovered',
  'connection.deleted',
  'connect_session.failed',
  'webhook.test',
] as const;
export type EventType = (typeof eventTypes)[number];

/**
 * Consecutive transient refresh failures (timeouts, 5xx, 429) after which
 * `connection.refresh_failing` is sent, once; `connection.recovered` follows
 * the next successful refresh. Three: the refresher's backoff puts them
 * minutes apart, so one provider blip (one or two failures) stays quiet.
 */
export const REFRESH_FAILING_THRESHOLD = 3;

/** The connection fields an event reports; `status` is the connection's after the change. */
export interface EventSubject {
  connection_id: string | null;
  tenant: string;
  end_user: string;
  provider_id: string;
  account: Account | null;
  status: string;
}

export interface ConnectionEvent {
  type: EventType;
  subject: EventSubject;
  /** A broker error or reason code (`invalid_grant`, `access_denied`, `session_expired`). */
  error?: string;
}

/** The exact JSON body sent; built once when the event is recorded, so every attempt sends the same bytes. */
export function eventBody(event: ConnectionEvent, at: number): string {
  const { subject } = event;
  return JSON.stringify({
    type: event.type,
    timestamp: new Date(at).toISOString(),
    data: {
      connection_id: subject.connection_id,
      tenant: subject.tenant,
      end_user: subject.end_user,
      provider_id: subject.provider_id,
      account: subject.account,
      status: subject.status,
      ...(event.error === undefined ? {} : { error: event.error }),
    },
  });
}

/** The subject of an event about a connection row (drizzle's column names). */
export function subjectOfRow(
  row: {
    id: string;
    tenant: string;
    endUser: string;
    providerId: string;
    accountId: string;
    accountEmail: string | null;
    accountDisplayName: string | null;
  },
  status: string,
): EventSubject {
  return {
    connection_id: row.id,
    tenant: row.tenant,
    end_user: row.endUser,
    provider_id: row.providerId,
    account: { user_id: row.accountId, email: row.accountEmail, display_name: row.accountDisplayName },
    status,
  };
}

/** The columns `subjectOfRow` reads, for a `returning(...)` on the connections table. */
export const subjectColumns = <T extends Record<SubjectColumn, unknown>>(t: T): Pick<T, SubjectColumn> => ({
  id: t.id,
  tenant: t.tenant,
  endUser: t.endUser,
  providerId: t.providerId,
  accountId: t.accountId,
  accountEmail: t.accountEmail,
  accountDisplayName: t.accountDisplayName,
});
type SubjectColumn =
  | 'id'
  | 'tenant'
  | 'endUser'
  | 'providerId'
  | 'accountId'
  | 'accountEmail'
  | 'accountDisplayName';
