import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../db/open.js';

/** A webhook endpoint as stored; the secrets are vault ciphertexts bound to the row. */
export interface EndpointRecord {
  id: string;
  url: string;
  client_id: string | null;
  events: string[] | null;
  description: string | null;
  is_enabled: boolean;
  disabled_reason: string | null;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
  previous_secret_until: number | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export type EndpointChange = Partial<
  Pick<EndpointRecord, 'url' | 'events' | 'description' | 'is_enabled' | 'disabled_reason' | 'failing_since'>
>;

export function createEndpointStore({ db, tables }: Database) {
  const t = tables.webhookEndpoints;
  type Row = typeof t.$inferSelect;

  const fromRow = (r: Row): EndpointRecord => ({
    id: r.id,
    url: r.url,
    client_id: r.clientId,
    events: r.events === null ? null : (JSON.parse(r.events) as string[]),
    description: r.description,
    is_enabled: r.isEnabled,
    disabled_reason: r.disabledReason,
    secret_ciphertext: r.secret,
    previous_secret_ciphertext: r.previousSecret,
    previous_secret_until: r.previousSecretUntil,
    failing_since: r.failingSince,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  });

  const columnsOf = (change: EndpointChange) => ({
    ...(change.url === undefined ? {} : { url: change.url }),
    ...(change.events === undefined
      ? {}
      : { events: change.events === null ? null : JSON.stringify(change.events) }),
    ...(change.description === undefined ? {} : { description: change.description }),
    ...(change.is_enabled === undefined ? {} : { isEnabled: change.is_enabled }),
    ...(change.disabled_reason === undefined ? {} : { disabledReason: change.disabled_reason }),
    ...(change.failing_since === undefined ? {} : { failingSince: change.failing_since }),
  });

  return {
    async insert(
      r: Omit<EndpointRecord, 'previous_secret_ciphertext' | 'previous_secret_until' | 'failing_since'>,
    ) {
      await db.insert(t).values({
        id: r.id,
        url: r.url,
        clientId: r.client_id,
        events: r.events === null ? null : JSON.stringify(r.events),
        description: r.description,
        isEnabled: r.is_enabled,
        disabledReason: r.disabled_reason,
        secret: r.secret_ciphertext,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      });
    },

    async get(id: string) {
      const rows = await db.select().from(t).where(eq(t.id, id)).limit(1);
      return rows[0] ? fromRow(rows[0]) : null;
    },

    async list(page: { limit: number; after?: string }) {
      const rows = await db
        .select()
        .from(t)
        .where(page.after === undefined ? undefined : gt(t.id, page.after))
        .orderBy(asc(t.id))
        .limit(page.limit);
      return rows.map(fromRow);
    },

    async update(id: string, change: EndpointChange, now: number) {
      const rows = await db
        .update(t)
        .set({ ...columnsOf(change), updatedAt: now })
        .where(eq(t.id, id))
        .returning();
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** Records that an attempt failed; the first failure of a run starts the three-day clock. */
    async markFailing(id: string, now: number) {
      await db
        .update(t)
        .set({ failingSince: now })
        .where(and(eq(t.id, id), eq(t.isEnabled, true), isNull(t.failingSince)));
    },

    async rotateSecret(id: string, secret: string, previous: string, previousUntil: number, now: number) {
      const rows = await db
        .update(t)
        .set({ secret, previousSecret: previous, previousSecretUntil: previousUntil, updatedAt: now })
        .where(eq(t.id, id))
        .returning();
      return rows[0] ? fromRow(rows[0]) : null;
    },

    async delete(id: string) {
      return (await db.delete(t).where(eq(t.id, id)).returning({ id: t.id })).length === 1;
    },
  };
}

export type EndpointStore = ReturnType<typeof createEndpointStore>;
