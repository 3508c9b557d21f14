/**
 * When a hand-out must renew a token first. One rule for the cached and the
 * uncached hand-out, on every replica; the background refresher plans its
 * renewals from the same margin (schedule.ts), so a connection in use is
 * renewed before a hand-out would have to.
 */

/** What the rule reads of a stored token: when it expires and when it was issued (epoch ms). */
export interface TokenTimes {
  expiresAt: number | null;
  /** Null for a token stored before issue times were recorded: its lifetime is unknown. */
  tokenIssuedAt: number | null;
}

/**
 * How long before expiry a token counts as due: the provider's buffer, capped
 * at half the token's own lifetime. A provider issuing 5-minute tokens with
 * the default 300-second buffer would otherwise be asked for a new token on
 * every hand-out (Nango's issue #748: 15 minutes against 10-minute tokens).
 */
export function refreshMarginMs(token: TokenTimes, bufferSeconds: number): number {
  const buffer = bufferSeconds * 1000;
  if (token.expiresAt === null || token.tokenIssuedAt === null) return buffer;
  return Math.min(buffer, Math.max(0, token.expiresAt - token.tokenIssuedAt) / 2);
}

/**
 * True when the token must be renewed before it is handed out: forced, expired,
 * or expiring within the margin above (or the caller's `min_validity_seconds`).
 * Whatever the caller asks, a token that has lived less than half its lifetime
 * is handed out as it is: a validity the provider never grants cannot be met by
 * refreshing, so the answer carries the token's true `expires_in` instead, and
 * each request causes at most one refresh.
 */
export function needsRefresh(
  token: TokenTimes,
  wants: { bufferSeconds: number; minValiditySeconds?: number; force?: boolean },
  now: number,
): boolean {
  if (wants.force === true) return true;
  if (token.expiresAt === null) return false;
  const left = token.expiresAt - now;
  if (left <= 0) return true;
  let wanted = Math.max(wants.bufferSeconds, wants.minValiditySeconds ?? 0) * 1000;
  if (token.tokenIssuedAt !== null) wanted = Math.min(wanted, (token.expiresAt - token.tokenIssuedAt) / 2);
  return left < wanted;
}

/**
 * Until when the provider must not be called for this connection after a
 * failed refresh (0: no backoff). A failure stores its retry time in
 * `next_refresh_at` with `refresh_failures` above 0 (token-rows.ts).
 */
export function backoffUntil(row: { refreshFailures: number; nextRefreshAt: number | null }): number {
  return row.refreshFailures > 0 ? (row.nextRefreshAt ?? 0) : 0;
}
