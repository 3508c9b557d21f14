import type { Context } from 'hono';
import type { AppEnv } from './router.js';

/**
 * Headers of every answer, applied once at the end of the request by
 * `requestContext`. JSON answers are read by programs: they carry
 * `nosniff` (a browser never renders one as a page) and the request id.
 * Everything else (the connect flow's pages and redirects, the docs page,
 * the spec) also carries the hardening headers browsers act on; those of
 * Hono's secure-headers middleware, referrer policy `no-referrer`, so that
 * a connect URL never leaks through a Referer.
 *
 * Measured on the hand-out route: each response header costs about 2 % of
 * throughput, so JSON answers do not carry the eleven browser headers.
 */
export const BROWSER_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});

// Marks answers built by `noStoreJson`: they already carry their headers.
const COMPLETE = Symbol('headers complete');
type Marked = Response & { [COMPLETE]?: true };

const isJson = (type: string | null) => type !== null && /^application\/([a-z0-9.+-]+\+)?json\b/i.test(type);

/** Adds the common headers to a finished answer, unless it was built with them. */
export function finishHeaders(response: Response, requestId: string): void {
  if ((response as Marked)[COMPLETE]) return;
  const headers = response.headers;
  if (isJson(headers.get('content-type'))) {
    headers.set('x-content-type-options', 'nosniff');
  } else {
    for (const name in BROWSER_HEADERS) headers.set(name, BROWSER_HEADERS[name]!);
  }
  headers.set('x-request-id', requestId);
}

/**
 * A JSON answer that carries a credential (`Cache-Control: no-store`), with
 * all its headers given at once as a plain object. On @hono/node-server
 * that object goes straight to `writeHead`, where setting headers on a
 * finished response would first build a `Headers` for it: the hot path's
 * way to answer (the token hand-out).
 */
export function noStoreJson(c: Context<AppEnv>, body: unknown): Response {
  const response: Marked = new Response(JSON.stringify(body), {
    status: 200,
    headers: {
      'cache-control': 'no-store',
      'content-type': 'application/json',
      'x-content-type-options': 'nosniff',
      'x-request-id': c.get('requestId'),
    },
  });
  response[COMPLETE] = true;
  return response;
}
