import { backoffUntil } from './freshness.js';

/**
 * What a hand-out does once the freshness rule (freshness.ts) found its token
 * due, or the caller forced a refresh. The token a forced refresh was asked
 * to replace (the provider just refused it) or an expired one is never
 * answered; a token still valid is, when the provider cannot be asked now.
 */
export type RenewalStep =
  | { kind: 'refresh' }
  | { kind: 'answer_stored' }
  | { kind: 'needs_reauth' }
  | { kind: 'unavailable'; retryAfterSeconds: number };

export interface RenewalState {
  expiresAt: number | null;
  hasRefreshToken: boolean;
  refreshFailures: number;
  nextRefreshAt: number | null;
}

export function renewalStep(row: RenewalState, forced: boolean, now: number): RenewalStep {
  const mustReplace = forced || (row.expiresAt !== null && row.expiresAt <= now);
  // Without a refresh token only a forced refresh asks the provider (which then ends the grant).
  if (!row.hasRefreshToken && !forced)
    return mustReplace ? { kind: 'needs_reauth' } : { kind: 'answer_stored' };
  // After a failed refresh the provider is not called again before the backoff ends.
  const until = backoffUntil(row);
  if (until > now) {
    return mustReplace
      ? { kind: 'unavailable', retryAfterSeconds: Math.ceil((until - now) / 1000) }
      : { kind: 'answer_stored' };
  }
  return { kind: 'refresh' };
}

/** After a refresh the provider could not do now: whether the stored token may still be answered. */
export function answersStoredAfterFailure(expiresAt: number | null, forced: boolean, now: number): boolean {
  return !forced && (expiresAt === null || expiresAt > now);
}
