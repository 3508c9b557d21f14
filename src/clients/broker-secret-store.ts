import { eq } from 'drizzle-orm';
import type { Database } from '../db/open.js';

/**
 * The broker's own secrets (the client-secret pepper), stored encrypted: a
 * store of its own, so its statements run in a span when tracing.
 */
export function createBrokerSecretStore({ db, tables }: Database) {
  const t = tables.brokerSecrets;
  return {
    /**
     * The stored value of `name`, stored first as `candidate` if there is none. Every replica may
     * try to create it; the first insert wins and all read that one.
     */
    async getOrCreate(name: string, candidate: string, now: number): Promise<string> {
      await db.insert(t).values({ name, value: candidate, createdAt: now }).onConflictDoNothing();
      const [row] = await db.select().from(t).where(eq(t.name, name)).limit(1);
      return row!.value;
    },
  };
}

export type BrokerSecretStore = ReturnType<typeof createBrokerSecretStore>;
