/** An error of the broker's own OAuth endpoints, answered as RFC 6749 §5.2 JSON, not problem+json. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'invalid_target'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'unsupported_token_type'
      | 'temporarily_unavailable',
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
