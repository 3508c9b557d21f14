/**
 * The broker's own errors. Each carries a stable `code` that callers switch
 * on and an HTTP status; they become problem+json in exactly one place
 * (`problem.ts`). Failures of a provider are the upstream errors
 * (`upstream/errors.ts`), kept apart and mapped in the same place.
 */

export type ErrorCode =
  | 'invalid_request'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'provider_not_found'
  | 'provider_exists'
  | 'preset_not_found'
  | 'url_not_allowed'
  | 'client_secret_required'
  | 'provider_in_use'
  | 'return_to_not_allowed'
  | 'redirect_uri_not_allowed'
  | 'connect_session_not_found'
  | 'connect_session_used'
  | 'connect_session_expired'
  | 'state_mismatch'
  | 'issuer_mismatch'
  | 'connection_not_found'
  | 'revocation_failed'
  | 'provider_error'
  | 'provider_unreachable'
  | 'provider_timeout'
  | 'provider_bad_response'
  | 'client_not_found'
  | 'webhook_endpoint_not_found'
  | 'webhook_delivery_not_found'
  | 'tenant_not_found'
  | 'connection_needs_reauth'
  | 'provider_unavailable'
  | 'conflict'
  | 'rate_limited'
  | 'internal_error'
  | 'service_unavailable'
  | 'discovery_failed'
  | 'invalid_connection_params'
  | 'metadata_request_failed'
  | 'account_mismatch';

export interface FieldIssue {
  /** JSON Pointer to the offending field, `""` for the whole body. */
  pointer: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: readonly FieldIssue[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    status: number,
    message: string,
    options: { cause?: unknown; issues?: FieldIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = status;
    this.issues = options.issues ?? [];
    this.headers = options.headers ?? {};
  }
}

export const invalidRequest = (message: string, issues: FieldIssue[] = []) =>
  new AppError('invalid_request', 400, message, { issues });

export const notFound = (code: Extract<ErrorCode, `${string}not_found`>, message: string) =>
  new AppError(code, 404, message);
