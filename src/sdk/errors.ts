/**
 * Errors the SDK raises. Each has a literal `code` to switch on; failures of
 * the broker and of a provider are kept apart.
 *
 * @example
 * try {
 *   await custodian.getAccessToken(connectionId);
 * } catch (error) {
 *   if (error instanceof CustodianError && error.code === 'needs_reauth') askTheUserToReconnect();
 * }
 */
export type CustodianErrorCode =
  /** The grant is gone: the end user must connect the account again. */
  | 'needs_reauth'
  /** No such connection, session or provider — or outside this client's tenants. */
  | 'not_found'
  /** This client lacks the grant for the action. */
  | 'forbidden'
  /** The client id or secret was refused. */
  | 'unauthorized'
  /** The broker or the provider could not serve the request now; retry later. */
  | 'unavailable'
  /** The request was refused as invalid. */
  | 'invalid_request'
  /** Anything else the broker answered. */
  | 'broker_error';

export class CustodianError extends Error {
  override readonly name = 'CustodianError';
  constructor(
    readonly code: CustodianErrorCode,
    message: string,
    /** HTTP status of the broker's answer, 0 when it could not be reached. */
    readonly status: number,
    /** The broker's own problem code, e.g. `connection_needs_reauth`. */
    readonly brokerCode?: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;
}

/** Maps a broker problem+json answer to a CustodianError. */
export async function errorFromResponse(response: Response): Promise<CustodianError> {
  let problem: { code?: string; detail?: string; error?: string; error_description?: string } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    // not JSON: the status alone decides
  }
  const brokerCode = problem.code ?? problem.error;
  const detail = problem.detail ?? problem.error_description ?? `HTTP ${response.status}`;
  const retryAfter = Number(response.headers.get('retry-after'));
  const options = {
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  };
  const code: CustodianErrorCode =
    brokerCode === 'connection_needs_reauth'
      ? 'needs_reauth'
      : response.status === 404
        ? 'not_found'
        : response.status === 403
          ? 'forbidden'
          : response.status === 401
            ? 'unauthorized'
            : response.status === 429 || response.status >= 500
              ? 'unavailable'
              : response.status >= 400 && response.status < 500
                ? 'invalid_request'
                : 'broker_error';
  return new CustodianError(code, detail, response.status, brokerCode, options);
}
