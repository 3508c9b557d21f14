import { ProviderError } from '../upstream/errors.js';
import { type FailureCode, failureCode } from '../upstream/failure-code.js';

/** A failed refresh, as the refresher acts on it. */
export type RefreshFailure =
  /** The provider refused the refresh token: only the user can make a new grant. */
  | { kind: 'grant_rejected'; code: 'invalid_grant' }
  /** Anything else: the tokens are kept and the refresh is retried after a backoff. */
  | { kind: 'transient'; code: FailureCode; retryAfterSeconds: number | undefined };

/**
 * Only `invalid_grant` ends a grant (RFC 6749 §5.2: the refresh token is
 * invalid, expired, revoked or reused). Every other failure is transient:
 * timeouts, 5xx, 429, unusable answers, and also OAuth errors such as
 * `invalid_client` or `unauthorized_client`, which say the broker's
 * registration is wrong, not the user's grant, and heal when an admin fixes
 * the provider; losing the user's tokens over them would be worse.
 */
export function classifyRefreshFailure(error: unknown): RefreshFailure {
  if (error instanceof ProviderError && error.oauthError === 'invalid_grant')
    return { kind: 'grant_rejected', code: 'invalid_grant' };
  const retryAfter = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return {
    kind: 'transient',
    code: failureCode(error),
    retryAfterSeconds: typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter : undefined,
  };
}
