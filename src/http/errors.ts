/**
 * The broker's own errors. Each carries a stable `code` that callers switch
 * on; its HTTP status comes from the one table below, so a code always
 * answers the same status and the spec can list, per route, the statuses of
 * the codes it raises. They become problem+json in exactly one place
 * (`problem.ts`). Failures of a provider are the upstream errors
 * (`upstream/errors.ts`), kept apart and mapped in the same place.
 */

export const problemStatus = {
  invalid_request: 400,
  invalid_connection_params: 400,
  malformed_json: 400,
  state_mismatch: 400,
  issuer_mismatch: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  provider_not_found: 404,
  preset_not_found: 404,
  connect_session_not_found: 404,
  connection_not_found: 404,
  client_not_found: 404,
  webhook_endpoint_not_found: 404,
  webhook_delivery_not_found: 404,
  tenant_not_found: 404,
  method_not_allowed: 405,
  provider_exists: 409,
  account_mismatch: 409,
  end_user_mismatch: 409,
  provider_in_use: 409,
  connect_session_used: 409,
  connection_needs_reauth: 409,
  conflict: 409,
  connect_session_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  url_not_allowed: 422,
  discovery_failed: 422,
  client_secret_required: 422,
  return_to_not_allowed: 422,
  redirect_uri_not_allowed: 422,
  rate_limited: 429,
  internal_error: 500,
  provider_error: 502,
  provider_unreachable: 502,
  provider_bad_response: 502,
  revocation_failed: 502,
  metadata_request_failed: 502,
  id_token_missing: 502,
  id_token_invalid: 502,
  provider_unavailable: 503,
  service_unavailable: 503,
  provider_timeout: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof problemStatus;

/** What any call to a provider can end in (see `fromUpstream` in problem.ts). */
export const upstreamErrors = [
  'provider_error',
  'provider_unreachable',
  'provider_bad_response',
  'provider_timeout',
] as const satisfies readonly ErrorCode[];

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
    message: string,
    options: { cause?: unknown; issues?: FieldIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = problemStatus[code];
    this.issues = options.issues ?? [];
    this.headers = options.headers ?? {};
  }
}

export const invalidRequest = (message: string, issues: FieldIssue[] = []) =>
  new AppError('invalid_request', message, { issues });

export const notFound = (code: Extract<ErrorCode, `${string}not_found`>, message: string) =>
  new AppError(code, message);
