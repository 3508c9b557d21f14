import type { Random } from '../crypto/random.js';
import { refreshMarginMs } from './freshness.js';

/**
 * When the background refresher next acts on a connection, and why. Two
 * kinds of renewal, so that the refresh work grows with the connections in
 * use rather than with the connections stored:
 *
 * - **In use** (handed out within `IN_USE_WINDOW_MS`): renewed ahead of
 *   expiry, between one and one and a half hand-out margins before it (the
 *   margin of freshness.ts), so a hand-out rarely waits for a provider.
 * - **Idle** (a new, never used grant included): renewed only to keep the
 *   refresh token alive, at 70-80 % of the way to its death by inactivity
 *   (`refresh_token_idle_seconds`, or the `refresh_token_expires_in` of the
 *   last answer, whichever is first), whatever the access token's age.
 *
 * A grant with an absolute end (`refresh_token_max_seconds` from the grant)
 * that no renewal can pass is scheduled for that moment, to be marked
 * `needs_reauth` before a caller finds out.
 *
 * Every moment is spread by a fraction derived from the connection id and its
 * token's issue time: tokens issued together are not renewed in one burst,
 * and planning the same connection twice gives the same answer.
 */

/** Handed out within this window: in use. A service calling at least every two hours never waits on a refresh; one calling less often waits for one refresh on its first call, instead of costing the provider a refresh per token lifetime while it sleeps. */
export const IN_USE_WINDOW_MS = 2 * 3600_000;

/**
 * Assumed inactivity lifetime of a refresh token when the provider says
 * nothing: one day, so an unknown provider's idle grants cost about one
 * refresh a day. Shorter than every lifetime the presets document except
 * Keycloak's online sessions (30 minutes), which must be declared.
 */
export const DEFAULT_REFRESH_TOKEN_IDLE_SECONDS = 86_400;

/** A refresh token's stated lifetime shorter than this is not chased more often (a provider answering a tiny one cannot make the refresher loop). */
const MIN_KEEP_ALIVE_SPAN_MS = 30_000;

/** The provider's part of the plan. */
export interface RenewalPolicy {
  expiry_buffer_seconds: number;
  /** Null: its refresh tokens do not die of inactivity. */
  refresh_token_idle_seconds: number | null;
  /** Null: no absolute end. */
  refresh_token_max_seconds: number | null;
}

/** The connection's part of the plan (a token row has all of these). */
export interface GrantTimes {
  id: string;
  expiresAt: number | null;
  tokenIssuedAt: number | null;
  /** When the user granted access (connect or reconnect): the absolute end counts from here. */
  grantedAt: number | null;
  /** From the provider's `refresh_token_expires_in`, when it sent one. */
  refreshTokenExpiresAt: number | null;
  hasRefreshToken: boolean;
  lastUsedAt: number | null;
}

/** A stored connection row's times, as the plan reads them. */
export const grantTimesOf = (
  row: Omit<GrantTimes, 'hasRefreshToken'> & { refreshToken: string | null },
): GrantTimes => ({
  id: row.id,
  expiresAt: row.expiresAt,
  tokenIssuedAt: row.tokenIssuedAt,
  grantedAt: row.grantedAt,
  refreshTokenExpiresAt: row.refreshTokenExpiresAt,
  hasRefreshToken: row.refreshToken !== null,
  lastUsedAt: row.lastUsedAt,
});

export type Renewal = { action: 'refresh' | 'expire'; at: number } | null;

export function planRenewal(grant: GrantTimes, policy: RenewalPolicy, now: number): Renewal {
  if (!grant.hasRefreshToken) return null;
  const spread = spreadFraction(grant.id, grant.tokenIssuedAt ?? 0);
  const issuedAt = grant.tokenIssuedAt ?? now;

  let renewAt: number | null = null;
  const inUse = grant.lastUsedAt !== null && now - grant.lastUsedAt < IN_USE_WINDOW_MS;
  if (inUse && grant.expiresAt !== null) {
    renewAt = grant.expiresAt - refreshMarginMs(grant, policy.expiry_buffer_seconds) * (1 + spread / 2);
  }
  const tokenDiesAt = minOf(
    policy.refresh_token_idle_seconds === null ? null : issuedAt + policy.refresh_token_idle_seconds * 1000,
    grant.refreshTokenExpiresAt,
  );
  if (tokenDiesAt !== null) {
    const span = Math.max(tokenDiesAt - issuedAt, MIN_KEEP_ALIVE_SPAN_MS);
    renewAt = minOf(renewAt, issuedAt + span * (0.7 + spread / 10));
  }

  const end = endOfGrant(grant, policy);
  if (end !== null && (renewAt === null || renewAt >= end)) return { action: 'expire', at: end };
  return renewAt === null ? null : { action: 'refresh', at: Math.round(renewAt) };
}

/** When the refresh token can no longer be renewed at all (null: unknown, or never). */
export function endOfGrant(
  grant: Pick<GrantTimes, 'grantedAt'>,
  policy: Pick<RenewalPolicy, 'refresh_token_max_seconds'>,
): number | null {
  if (grant.grantedAt === null || policy.refresh_token_max_seconds === null) return null;
  return grant.grantedAt + policy.refresh_token_max_seconds * 1000;
}

/** When the refresh token dies, as far as the broker knows: its stated expiry or the grant's end. */
export function refreshTokenExpiresAt(
  grant: Pick<GrantTimes, 'grantedAt' | 'refreshTokenExpiresAt'>,
  policy: Pick<RenewalPolicy, 'refresh_token_max_seconds'>,
): number | null {
  return minOf(grant.refreshTokenExpiresAt, endOfGrant(grant, policy));
}

/** Exponential backoff with jitter, at least the provider's Retry-After: 30 s, 1 min, 2 min, ... up to an hour. */
export function retryDelayMs(
  failuresSoFar: number,
  retryAfterSeconds: number | undefined,
  random: Random,
): number {
  const base = Math.min(30_000 * 2 ** Math.min(failuresSoFar, 10), 3_600_000);
  const jittered = base * (0.8 + 0.4 * fraction(random));
  return Math.max(Math.round(jittered), (retryAfterSeconds ?? 0) * 1000);
}

export function fraction(random: Random): number {
  const bytes = random(4);
  return (((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0) / 2 ** 32;
}

/** A fraction in [0, 1) fixed by the connection and its token (FNV-1a): spreads renewals without randomness. */
export function spreadFraction(id: string, issuedAt: number): number {
  let hash = 0x811c9dc5;
  const key = `${id}:${issuedAt}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
