/**
 * Errors of the broker's own OAuth endpoints (`/oauth/*`), answered as
 * RFC 6749 §5.2 JSON, not problem+json. Each `error` code has one status,
 * from this table (RFC 6749 §5.2; RFC 8693 §2.2.2 for invalid_target).
 */
export const oauthErrorStatus = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  invalid_target: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_token_type: 400,
  temporarily_unavailable: 503,
} as const satisfies Record<string, number>;

export type OAuthErrorCode = keyof typeof oauthErrorStatus;

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly status: number;
  constructor(
    readonly error: OAuthErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.status = oauthErrorStatus[error];
  }
}

/**
 * Too many requests. RFC 6749 has no error code of its own for it, so the
 * answer is `temporarily_unavailable` with 429 and `Retry-After` (RFC 6585).
 */
export class OAuthRateLimitError extends OAuthError {
  override readonly status = 429;
  constructor(message: string, headers: Record<string, string>) {
    super('temporarily_unavailable', message, headers);
  }
}
