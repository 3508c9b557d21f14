import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { failureCodeOutsideDeadGrant } from '../refresh/classify-failure.js';
import { ProviderError, UpstreamNetworkError } from '../upstream/errors.js';
import type { FailureCode } from '../upstream/failure-code.js';
import { AppError, type ErrorCode } from './errors.js';
import type { AppEnv } from './router.js';

/** RFC 9457 problem details, with the broker's stable `code` and the request id. */
export const problemSchema = z
  .object({
    type: z.string().describe('a URN naming the problem type: `urn:custodian:problem:<code>`'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('stable machine-readable code, e.g. `provider_not_found`'),
    request_id: z.string(),
    errors: z
      .array(z.object({ pointer: z.string(), message: z.string() }))
      .optional()
      .describe('one entry per invalid field, located by JSON Pointer'),
  })
  .meta({ id: 'Problem' });

/** A declared error answer, for a route's `responses`. */
export const problemAnswer = (description: string) => ({
  description,
  schema: problemSchema,
  mediaType: 'application/problem+json',
});

const titles: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
  503: 'Service Unavailable',
};

export function problemResponse(c: Context<AppEnv>, error: AppError): Response {
  const body: z.input<typeof problemSchema> = {
    type: `urn:custodian:problem:${error.code}`,
    title: titles[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    code: error.code,
    request_id: c.get('requestId') ?? 'unknown',
  };
  if (error.issues.length > 0) body.errors = [...error.issues];
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...error.headers },
  });
}

/** The one place where anything thrown becomes an answer. */
export function handleError(error: unknown, c: Context<AppEnv>): Response {
  const log = c.get('log');
  if (error instanceof AppError) {
    if (error.status >= 500) log?.error('request failed', { code: error.code, error });
    return problemResponse(c, error);
  }
  const upstream = fromUpstream(error);
  if (upstream) {
    log?.warn('provider request failed', { code: upstream.code, error });
    return problemResponse(c, upstream);
  }
  if (error instanceof HTTPException) {
    // Raised by Hono itself (none of our code throws one).
    const code: ErrorCode = error.status === 413 ? 'payload_too_large' : 'invalid_request';
    const detail = error.status === 413 ? 'the request body is too large' : 'the request is invalid';
    return problemResponse(c, new AppError(code, detail));
  }
  log?.error('unhandled error', { error });
  return problemResponse(
    c,
    new AppError('internal_error', 'internal error; see the logs for this request id'),
  );
}

/**
 * A provider's failure as the broker answers it (502, or 504 for a timeout: errors.ts). Never
 * `invalid_grant`: a grant ends only in a refresh (refresh/classify-failure.ts).
 */
export function fromUpstream(error: unknown): AppError | undefined {
  const code = failureCodeOutsideDeadGrant(error);
  if (code === 'internal_error') return undefined;
  return new AppError(code, upstreamDetail(code, error), { cause: error });
}

// The provider's OAuth error code or the network failure's code, never the provider's description.
function upstreamDetail(code: FailureCode, error: unknown): string {
  if (error instanceof ProviderError)
    return `the provider refused: ${error.oauthError ?? `HTTP ${error.status}, no OAuth error`}`;
  if (code === 'provider_timeout') return 'the provider did not answer in time';
  if (error instanceof UpstreamNetworkError && code === 'provider_bad_response')
    return `the provider answered something unusable (${error.code})`;
  if (error instanceof UpstreamNetworkError) return `the provider could not be reached (${error.code})`;
  return 'the provider answered something unusable';
}
