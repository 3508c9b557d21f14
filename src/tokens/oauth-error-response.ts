import type { Context } from 'hono';
import { AppError } from '../http/errors.js';
import { fromUpstream } from '../http/problem.js';
import type { AppEnv } from '../http/router.js';
import { OAuthError, oauthAnswerFor } from './oauth-error.js';

const headers = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * The error handler of the `/oauth/*` routes: anything they throw becomes
 * RFC 6749 §5.2 JSON. The router's own refusals (a body too large or not
 * form-encoded, a malformed form) keep their status as `invalid_request`;
 * a rate limit is 429 `temporarily_unavailable` (see oauthAnswerFor).
 */
export function oauthErrorResponse(error: unknown, c: Context<AppEnv>): Response {
  const answer = (status: number, body: { error: string; error_description: string }, extra = {}) =>
    new Response(JSON.stringify(body), { status, headers: { ...headers, ...extra } });
  if (error instanceof OAuthError) {
    return answer(error.status, { error: error.error, error_description: error.message }, error.headers);
  }
  if (error instanceof AppError && error.status < 500) {
    // A rate limit keeps its 429 and its Retry-After and RateLimit headers.
    const { status, error: code } = oauthAnswerFor(error.status);
    return answer(status, { error: code, error_description: error.message }, error.headers);
  }
  const upstream = fromUpstream(error);
  c.get('log')?.error('token endpoint failed', { error });
  return answer(upstream?.status ?? 500, {
    error: 'server_error',
    error_description: upstream?.message ?? 'internal error',
  });
}
