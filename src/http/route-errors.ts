import { type OAuthErrorCode, oauthAnswerFor, oauthErrorStatus } from '../tokens/oauth-error.js';
import { type ErrorCode, problemStatus } from './errors.js';
import type { RouteDefinition } from './router.js';

/**
 * The error answers a route can give, by status, with the codes behind each:
 * derived from its auth kind, the input it takes and the codes it declares it
 * raises. The spec lists exactly these (openapi/document.ts), and in tests the
 * router refuses any error answer outside them, so the two cannot drift.
 * Problem routes answer `code`s; `client` routes (`/oauth/*`) RFC 6749 `error`s.
 */
export function routeErrors(route: RouteDefinition): Map<number, string[]> {
  const found = new Map<number, Set<string>>();
  const add = (status: number, code: string) => {
    if (!found.has(status)) found.set(status, new Set());
    found.get(status)!.add(code);
  };
  const takesBody = route.body !== undefined || route.form !== undefined;

  if (route.auth === 'client') {
    // Anything the router or the handler raises is translated by the OAuth error handler.
    add(400, 'invalid_request');
    add(401, 'invalid_client');
    // Failed client authentications are limited per client id and source address (rate-limit/).
    add(429, 'temporarily_unavailable');
    if (takesBody) {
      add(413, 'invalid_request');
      add(415, 'invalid_request');
    }
    for (const code of route.oauthErrors ?? []) add(oauthErrorStatus[code as OAuthErrorCode], code);
    for (const code of route.errors ?? []) {
      const { status, error } = oauthAnswerFor(problemStatus[code]);
      add(status, error);
    }
  } else {
    const problem = (code: ErrorCode) => add(problemStatus[code], code);
    if (route.auth !== 'none') problem('unauthorized');
    // Failed admin authentications are limited per source address (rate-limit/).
    if (route.auth === 'admin') problem('rate_limited');
    if (route.params) problem('not_found');
    if (route.query) problem('invalid_request');
    if (takesBody) {
      problem('invalid_request');
      problem('payload_too_large');
      problem('unsupported_media_type');
    }
    if (route.body) problem('malformed_json');
    for (const code of route.errors ?? []) problem(code);
  }
  return new Map(
    [...found].sort(([a], [b]) => a - b).map(([status, codes]) => [status, [...codes].sort()] as const),
  );
}
