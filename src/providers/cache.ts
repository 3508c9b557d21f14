import type { ProviderRecord, ProviderStore } from './store.js';

/**
 * Providers as the hot path reads them: from memory, re-read at most every
 * `ttlMs`, so an admin change reaches every replica within that time.
 */
export function createProviderCache(store: ProviderStore, now: () => number, ttlMs = 2_000) {
  const entries = new Map<string, { record: ProviderRecord | null; at: number }>();
  return {
    /** The provider if it is in memory and current, `undefined` if it must be read: the hand-out's path without a promise. */
    peek(id: string): ProviderRecord | null | undefined {
      const cached = entries.get(id);
      return cached && now() - cached.at < ttlMs ? cached.record : undefined;
    },
    async get(id: string): Promise<ProviderRecord | null> {
      const cached = entries.get(id);
      if (cached && now() - cached.at < ttlMs) return cached.record;
      const record = await store.get(id);
      entries.set(id, { record, at: now() });
      return record;
    },
    forget(id: string): void {
      entries.delete(id);
    },
  };
}

export type ProviderCache = ReturnType<typeof createProviderCache>;
