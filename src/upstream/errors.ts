/**
 * Failures of a provider, kept apart from the broker's own errors (AppError):
 * the network failed, the provider said no (an OAuth error), or it answered
 * something the broker cannot use. Each keeps its `cause`.
 */

export type UpstreamNetworkCode =
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_redirect'
  | 'upstream_too_large'
  | 'upstream_forbidden_address';

/** The request did not produce a usable HTTP answer. */
export class UpstreamNetworkError extends Error {
  override readonly name = 'UpstreamNetworkError';
  constructor(
    readonly code: UpstreamNetworkCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** The provider answered with an OAuth error (`invalid_grant`, `access_denied`, ...). */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly code = 'provider_error';
  constructor(
    /** The provider's `error` value, as sent (already checked to be a short token). */
    readonly oauthError: string,
    readonly status: number,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;
}

/** The provider answered, but not with anything the broker can use. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  readonly code = 'provider_bad_response';
  constructor(
    message: string,
    readonly status: number | undefined,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;
}

export type UpstreamError = UpstreamNetworkError | ProviderError | UnexpectedResponseError;
