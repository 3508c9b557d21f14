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
 *
 * Entries in use are not read again one by one: every few hundred
 * milliseconds the ones past half their TTL are checked together against
 * the database (`due`, `revalidated`, see revalidation.ts). An entry whose
 * token version and status are unchanged lives another TTL from the moment
 * that check began; any other is forgotten. The bound above holds: an entry
 * is served only within `ttlMs` of a read that showed it current, and every
 * write to a connection's tokens or status changes its version or status.
 */

/** What a hand-out answers from: no ciphertext, no refresh state (a stale token goes to the database). */
export type HandOutRow = Pick<
  NonNullable<TokenRow>,
  | 'id'
  | 'tokenVersion'
  | 'tenant'
  | 'providerId'
  | 'tokenType'
  | 'expiresAt'
  | 'tokenIssuedAt'
  | 'accountId'
  | 'accountEmail'
  | 'accountDisplayName'
>;

export interface CachedConnection {
  row: HandOutRow;
  accessToken: string;
  scope: string;
  /** When the read that showed this entry current began. */
  storedAt: number;
  /** Asked for since it was stored or last checked: only such entries are checked again. */
  used: boolean;
}

/** A connection's state as the check reads it. */
export interface ConnectionStamp {
  id: string;
  tokenVersion: number;
  status: string;
}

export interface HandOutCache {
  /** How long an entry is served after the read (or check) that showed it current; 0: nothing is kept. */
  readonly ttlMs: number;
  get(id: string, now: number): CachedConnection | undefined;
  /**
   * A read that began before a write to any connection is not stored: it may
   * hold what the write replaced. `ticket` comes from `ticket()` taken before
   * the read.
   */
  put(entry: CachedConnection, ticket: number): void;
  ticket(): number;
  forget(id: string): void;
  /** Entries asked for since their last check and past half their TTL: the ones to check now. */
  due(now: number): string[];
  /**
   * The check's answer for `ids`, read from a query that began at `readAt`: an entry whose stamp
   * is unchanged lives on from `readAt`; one that changed, or is gone, is forgotten. Entries stored
   * after `readAt` came from a newer read and are left as they are.
   */
  revalidated(ids: readonly string[], stamps: readonly ConnectionStamp[], readAt: number): void;
}

export function createHandOutCache(options: { ttlMs: number; maxEntries: number }): HandOutCache {
  const entries = new Map<string, CachedConnection>();
  let writes = 0;

  return {
    ttlMs: options.ttlMs,
    get(id, now) {
      const entry = entries.get(id);
      if (entry === undefined) return undefined;
      if (now - entry.storedAt < options.ttlMs) {
        entry.used = true;
        return entry;
      }
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
    due(now) {
      const ids: string[] = [];
      for (const [id, entry] of entries) {
        if (entry.used && now - entry.storedAt >= options.ttlMs / 2) ids.push(id);
      }
      return ids;
    },
    revalidated(ids, stamps, readAt) {
      const found = new Map(stamps.map((stamp) => [stamp.id, stamp]));
      for (const id of ids) {
        const entry = entries.get(id);
        if (entry === undefined || entry.storedAt > readAt) continue;
        const stamp = found.get(id);
        if (stamp?.tokenVersion === entry.row.tokenVersion && stamp.status === 'active') {
          entry.storedAt = readAt;
          entry.used = false;
        } else {
          entries.delete(id);
        }
      }
    },
  };
}
