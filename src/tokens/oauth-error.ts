/**
 * Errors of the broker's own OAuth endpoints (`/oauth/*`), answered as
 * RFC 6749 §5.2 JSON, not problem+json. Each `error` code has one status,
 * from this table (RFC 6749 §5.2; RFC 8693 §2.2.2 for invalid_target), with
 * one exception: a rate limit. RFC 6749 has no code for it, so it borrows
 * `temporarily_unavailable` (§4.1.2.1: the server cannot handle the request
 * now; 503 when the provider cannot renew a token) but answers 429 with
 * `Retry-After` (RFC 6585 §4), so clients back off as for any 429: every
 * limit raises AppError('rate_limited'), answered by oauthAnswerFor.
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
 * How a problem (an AppError's status) raised on an `/oauth/*` route is
 * answered in RFC 6749 terms: one rule for the error handler and for the
 * error answers the spec declares (http/route-errors.ts).
 */
export function oauthAnswerFor(problemStatus: number): {
  status: number;
  error: OAuthErrorCode | 'server_error';
} {
  if (problemStatus >= 500) return { status: problemStatus, error: 'server_error' };
  if (problemStatus === 429) return { status: 429, error: 'temporarily_unavailable' };
  if (problemStatus === 401) return { status: 401, error: 'invalid_client' };
  // The router's refusals of the body itself keep their status.
  if (problemStatus === 413 || problemStatus === 415)
    return { status: problemStatus, error: 'invalid_request' };
  return { status: 400, error: 'invalid_request' };
}
