import type { TokenRow } from '../refresh/token-rows.js';

/**
 * Recently read connections, with their access token already decrypted, so
 * that a service asking again within `ttlMs` costs no database read and no
 * decryption. Only fresh tokens are served from here: a token inside the
 * refresh buffer, or a forced refresh, always goes to the database.
 *
 * Every write to a connection on this replica forgets it at once (see
 * `forget`). A write on another replica is seen when the entry expires, so
 * for at most `ttlMs` this replica may still hand out the previous, still
 * unexpired token of a connection deleted or re-authorized elsewhere.
 * `CUSTODIAN_HANDOUT_CACHE_MS=0` turns the cache off.
 */

/** What a hand-out answers from: no ciphertext, no refresh state (a stale token goes to the database). */
export type HandOutRow = Pick<
  NonNullable<TokenRow>,
  | 'id'
  | 'tenant'
  | 'providerId'
  | 'tokenType'
  | 'expiresAt'
  | 'accountId'
  | 'accountEmail'
  | 'accountDisplayName'
>;

export interface CachedConnection {
  row: HandOutRow;
  accessToken: string;
  scope: string;
  /** `row.expiresAt` as the answer writes it, formatted once. */
  expiresAtIso: string | null;
  storedAt: number;
}

export interface HandOutCache {
  get(id: string, now: number): CachedConnection | undefined;
  /**
   * A read that began before a write to any connection is not stored: it may
   * hold what the write replaced. `ticket` comes from `ticket()` taken before
   * the read.
   */
  put(entry: CachedConnection, ticket: number): void;
  ticket(): number;
  forget(id: string): void;
}

export function createHandOutCache(options: { ttlMs: number; maxEntries: number }): HandOutCache {
  const entries = new Map<string, CachedConnection>();
  let writes = 0;

  return {
    get(id, now) {
      const entry = entries.get(id);
      if (entry === undefined) return undefined;
      if (now - entry.storedAt < options.ttlMs) return entry;
      entries.delete(id);
      return undefined;
    },
    put(entry, ticket) {
      if (options.ttlMs <= 0 || ticket !== writes) return;
      entries.delete(entry.row.id);
      // Map order is insertion order: the first key is the oldest entry.
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(entry.row.id, entry);
    },
    ticket: () => writes,
    forget(id) {
      writes += 1;
      entries.delete(id);
    },
  };
}
