import { type GrantDeadError, registrationErrors } from '../providers/definition.js';
import { ProviderError } from '../upstream/errors.js';
import { type FailureCode, failureCode } from '../upstream/failure-code.js';

/** A failed refresh, as the refresher acts on it. */
export type RefreshFailure =
  /** The provider refused the refresh token: only the user can make a new grant. */
  | { kind: 'grant_rejected'; code: 'invalid_grant' }
  /** Anything else: the tokens are kept and the refresh is retried after a backoff. */
  | { kind: 'transient'; code: FailureCode; retryAfterSeconds: number | undefined };

/**
 * `invalid_grant` ends a grant (RFC 6749 §5.2: the refresh token is invalid,
 * expired, revoked or reused), and so does any error the provider lists in
 * `refresh_grant_dead_errors`: its own word for the same thing (Slack's
 * `invalid_refresh_token`, GitHub's `bad_refresh_token`), or in another member
 * of the answer (HubSpot's `status` `BAD_REFRESH_TOKEN`). Whatever the word,
 * the grant ends with the one code `invalid_grant`, so services see one code.
 *
 * Every other failure is transient: timeouts, 5xx (even one whose body names a
 * dead-grant error: a failing server's words are not a verdict), 429, unusable
 * answers, and OAuth errors such as `invalid_client` or `unauthorized_client`,
 * which say the broker's registration is wrong, not the user's grant, and heal
 * when an admin fixes the provider; losing the user's tokens over them would
 * be worse (the admin API refuses them in the list).
 */
export function classifyRefreshFailure(
  error: unknown,
  grantDeadErrors: readonly GrantDeadError[] = [],
): RefreshFailure {
  if (error instanceof ProviderError && grantIsDead(error, grantDeadErrors))
    return { kind: 'grant_rejected', code: 'invalid_grant' };
  const retryAfter = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return {
    kind: 'transient',
    code: failureCodeOutsideDeadGrant(error),
    retryAfterSeconds: typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter : undefined,
  };
}

/**
 * A provider's failure as told anywhere but an ended grant. `invalid_grant`
 * names only a grant `classifyRefreshFailure` ended, so services see it for
 * that alone; the same words met elsewhere (a 5xx naming it in a
 * WWW-Authenticate challenge, a refusal answered to a caller outside a
 * refresh) are one more refusal by the provider: `provider_error`.
 */
export function failureCodeOutsideDeadGrant(error: unknown): Exclude<FailureCode, 'invalid_grant'> {
  const code = failureCode(error);
  return code === 'invalid_grant' ? 'provider_error' : code;
}

function grantIsDead(error: ProviderError, listed: readonly GrantDeadError[]): boolean {
  if (error.status >= 500) return false;
  if (error.oauthError === 'invalid_grant') return true;
  // Refused by the admin API already; kept out here too, as a user's tokens are at stake. An answer whose
  // OAuth error blames the registration ends nothing, whatever its other members say.
  if (error.oauthError !== null && registrationErrors.includes(error.oauthError)) return false;
  return listed.some(
    (entry) =>
      entry.error === error.codeIn(entry.field ?? 'error') &&
      (entry.status === undefined || entry.status === error.status),
  );
}
