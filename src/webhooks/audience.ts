import { inArray } from 'drizzle-orm';
import type { Grants } from '../clients/grants.js';
import type { Database } from '../db/open.js';
import type { Tx } from '../db/transaction.js';
import type { ConnectionEvent } from './events.js';

/**
 * Which enabled endpoints receive an event: those subscribed to its type
 * and, for an endpoint bound to a service client, only when the client is
 * enabled and its grants cover the event's tenant and provider (an event
 * outside them is as invisible as the connection itself would be).
 */
export async function endpointsFor(tx: Tx, tables: Database['tables'], event: ConnectionEvent) {
  const e = tables.webhookEndpoints;
  const endpoints = (
    await tx.select({ id: e.id, clientId: e.clientId, events: e.events, isEnabled: e.isEnabled }).from(e)
  ).filter((row) => row.isEnabled && subscribes(row.events, event.type));
  const clientIds = [...new Set(endpoints.flatMap((row) => (row.clientId === null ? [] : [row.clientId])))];
  if (clientIds.length === 0) return endpoints.map((row) => row.id);
  const c = tables.serviceClients;
  const clients = await tx
    .select({ id: c.id, isEnabled: c.isEnabled, grants: c.grants })
    .from(c)
    .where(inArray(c.id, clientIds));
  const allowed = new Set(
    clients
      .filter((client) => client.isEnabled && covers(JSON.parse(client.grants) as Grants, event))
      .map((client) => client.id),
  );
  return endpoints.filter((row) => row.clientId === null || allowed.has(row.clientId)).map((row) => row.id);
}

export function subscribes(events: string | null, type: string): boolean {
  return events === null || (JSON.parse(events) as string[]).includes(type);
}

function covers(grants: Pick<Grants, 'tenants' | 'providers'>, event: ConnectionEvent): boolean {
  const { tenant, provider_id } = event.subject;
  return (
    (grants.tenants === '*' || grants.tenants.includes(tenant)) &&
    (grants.providers === '*' || grants.providers.includes(provider_id))
  );
}
