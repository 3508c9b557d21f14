import { ProviderError, UnexpectedResponseError, UpstreamNetworkError } from './errors.js';

/** The stable codes a provider's failure is told by: to callers, end users, logs and stored state. */
export type FailureCode =
  | 'invalid_grant'
  | 'provider_error'
  | 'provider_timeout'
  | 'provider_bad_response'
  | 'provider_unreachable'
  | 'internal_error';

/**
 * The one mapping from a failed provider call to a code, never the provider's
 * own text. `internal_error` when the failure was not the provider's.
 */
export function failureCode(error: unknown): FailureCode {
  if (error instanceof ProviderError)
    return error.oauthError === 'invalid_grant' ? 'invalid_grant' : 'provider_error';
  if (error instanceof UpstreamNetworkError) {
    if (error.code === 'upstream_timeout') return 'provider_timeout';
    // An answer too large or a redirect is an answer, just not a usable one.
    if (error.code === 'upstream_too_large' || error.code === 'upstream_redirect')
      return 'provider_bad_response';
    return 'provider_unreachable';
  }
  if (error instanceof UnexpectedResponseError) return 'provider_bad_response';
  return 'internal_error';
}
