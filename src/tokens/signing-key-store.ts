import { and, desc, gt, isNull, ne, or } from 'drizzle-orm';
import type { Database } from '../db/open.js';

export type SigningKeyRow = Database['tables']['signingKeys']['$inferSelect'];

/**
 * The statements behind signing-keys.ts: a store of its own, so each runs in a
 * span when tracing. Methods are async (a real promise, not drizzle's
 * thenable), so a span lasts until the statement is done.
 */
export function createSigningKeyStore({ db, tables }: Database) {
  const t = tables.signingKeys;
  return {
    async insert(row: SigningKeyRow): Promise<void> {
      await db.insert(t).values(row);
    },
    /** Active keys and those retired after `retiredAfter`, newest first. */
    async usable(retiredAfter: number): Promise<SigningKeyRow[]> {
      return await db
        .select()
        .from(t)
        .where(or(isNull(t.retiredAt), gt(t.retiredAt, retiredAfter)))
        .orderBy(desc(t.createdAt), desc(t.kid));
    },
    /** Retires every active key but `kid`. */
    async retireAllBut(kid: string, now: number): Promise<void> {
      await db
        .update(t)
        .set({ retiredAt: now })
        .where(and(isNull(t.retiredAt), ne(t.kid, kid)));
    },
  };
}

export type SigningKeyStore = ReturnType<typeof createSigningKeyStore>;
