import { and, asc, eq, gt } from 'drizzle-orm';
import type { Database } from '../db/open.js';
import type { Grants } from './grants.js';

export interface ClientRecord {
  client_id: string;
  name: string;
  is_enabled: boolean;
  grants: Grants;
  created_at: number;
  updated_at: number;
}

export interface SecretRecord {
  id: string;
  client_id: string;
  /** HMAC-SHA256 of the secret under the broker's pepper, hex. */
  hash: string;
  created_at: number;
  expires_at: number | null;
}

export function createClientStore({ db, tables }: Database) {
  const c = tables.serviceClients;
  const s = tables.clientSecrets;
  const toClient = (r: typeof c.$inferSelect): ClientRecord => ({
    client_id: r.id,
    name: r.name,
    is_enabled: r.isEnabled,
    grants: JSON.parse(r.grants) as Grants,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  });
  const toSecret = (r: typeof s.$inferSelect): SecretRecord => ({
    id: r.id,
    client_id: r.clientId,
    hash: r.secretHash,
    created_at: r.createdAt,
    expires_at: r.expiresAt,
  });

  return {
    async get(id: string): Promise<ClientRecord | null> {
      const rows = await db.select().from(c).where(eq(c.id, id)).limit(1);
      return rows[0] ? toClient(rows[0]) : null;
    },
    async list(page: { limit: number; after?: string }): Promise<ClientRecord[]> {
      const rows = await db
        .select()
        .from(c)
        .where(page.after === undefined ? undefined : gt(c.id, page.after))
        .orderBy(asc(c.id))
        .limit(page.limit);
      return rows.map(toClient);
    },
    async insert(client: ClientRecord): Promise<void> {
      await db.insert(c).values({
        id: client.client_id,
        name: client.name,
        isEnabled: client.is_enabled,
        grants: JSON.stringify(client.grants),
        createdAt: client.created_at,
        updatedAt: client.updated_at,
      });
    },
    async update(client: ClientRecord): Promise<boolean> {
      const rows = await db
        .update(c)
        .set({
          name: client.name,
          isEnabled: client.is_enabled,
          grants: JSON.stringify(client.grants),
          updatedAt: client.updated_at,
        })
        .where(eq(c.id, client.client_id))
        .returning({ id: c.id });
      return rows.length === 1;
    },
    /** Deletes the client and its secrets. */
    async delete(id: string): Promise<boolean> {
      await db.delete(s).where(eq(s.clientId, id));
      return (await db.delete(c).where(eq(c.id, id)).returning({ id: c.id })).length === 1;
    },
    async secrets(clientId: string): Promise<SecretRecord[]> {
      const rows = await db.select().from(s).where(eq(s.clientId, clientId)).orderBy(asc(s.createdAt));
      return rows.map(toSecret);
    },
    async addSecret(secret: SecretRecord): Promise<void> {
      await db.insert(s).values({
        id: secret.id,
        clientId: secret.client_id,
        secretHash: secret.hash,
        createdAt: secret.created_at,
        expiresAt: secret.expires_at,
      });
    },
    async expireSecret(clientId: string, secretId: string, at: number): Promise<void> {
      await db
        .update(s)
        .set({ expiresAt: at })
        .where(and(eq(s.clientId, clientId), eq(s.id, secretId)));
    },
    async deleteSecret(clientId: string, secretId: string): Promise<boolean> {
      const rows = await db
        .delete(s)
        .where(and(eq(s.clientId, clientId), eq(s.id, secretId)))
        .returning({ id: s.id });
      return rows.length === 1;
    },
  };
}

export type ClientStore = ReturnType<typeof createClientStore>;
