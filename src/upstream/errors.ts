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

/**
 * The provider refused: an OAuth error (`invalid_grant`, `access_denied`, ...), or an error answer that
 * names its code only in another member the provider's settings point at (HubSpot's `status`).
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly code = 'provider_error';
  constructor(
    /** The provider's `error` value, as sent (already checked to be a short token); null when it sent none. */
    readonly oauthError: string | null,
    readonly status: number,
    message: string,
    options: {
      cause?: unknown;
      retryAfterSeconds?: number;
      memberCodes?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.memberCodes = options.memberCodes ?? {};
  }
  readonly retryAfterSeconds: number | undefined;
  /**
   * Codes found in other top-level members of the error answer: only codes the provider's
   * `refresh_grant_dead_errors` list for that member, so never the provider's own text. For the refresh
   * classifier alone; kept out of the message, never logged, stored or shown.
   */
  readonly memberCodes: Readonly<Record<string, string>>;

  /** The code the answer carried in `member` (`error`: the OAuth error). */
  codeIn(member: string): string | null {
    if (member === 'error') return this.oauthError;
    return Object.hasOwn(this.memberCodes, member) ? (this.memberCodes[member] ?? null) : null;
  }
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
