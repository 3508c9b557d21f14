import { gt, lt } from 'drizzle-orm';
import type { Database } from '../db/open.js';

/** Revoked service token ids until their tokens expire: a store of its own, so its statements run in a span when tracing. */
export function createRevokedTokenStore({ db, tables }: Database) {
  const t = tables.revokedTokens;
  return {
    /** The ids of revoked tokens that have not expired yet. */
    async live(now: number): Promise<string[]> {
      const rows = await db.select({ jti: t.jti }).from(t).where(gt(t.expiresAt, now));
      return rows.map((r) => r.jti);
    },
    /**
     * Records a revocation and forgets those of tokens expired anyway (service tokens live minutes), so
     * the table holds only the last few minutes' revocations without a job of its own.
     */
    async add(jti: string, expiresAt: number, now: number): Promise<void> {
      await db.delete(t).where(lt(t.expiresAt, now));
      await db.insert(t).values({ jti, expiresAt }).onConflictDoNothing();
    },
  };
}

export type RevokedTokenStore = ReturnType<typeof createRevokedTokenStore>;
