import { UpstreamNetworkError } from '../upstream/errors.js';
import type { UpstreamFetch } from '../upstream/http-client.js';
import type { Attempt } from './delivery-store.js';
import { signedHeaders } from './signing.js';

const EXCERPT_CHARS = 200;

/**
 * Sends one delivery once: signed with every given secret, through the
 * broker's upstream client (the connect-time address check, no redirects
 * followed, a size cap), within `timeoutMs`. Never throws: every way it can
 * end is an `Attempt`.
 */
export async function sendAttempt(
  deps: { fetch: UpstreamFetch; now: () => number; timeoutMs: number },
  request: { url: string; eventId: string; body: string; secrets: string[] },
): Promise<Attempt> {
  const at = deps.now();
  const started = performance.now();
  const duration = () => Math.round(performance.now() - started);
  try {
    const response = await deps.fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(request.eventId, at, request.body, request.secrets),
      },
      body: request.body,
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    const text = await response.text().catch(() => '');
    return {
      at,
      status_code: response.status,
      error_code: null,
      duration_ms: duration(),
      response_excerpt: text === '' ? null : text.slice(0, EXCERPT_CHARS),
    };
  } catch (error) {
    return {
      at,
      status_code: null,
      error_code: error instanceof UpstreamNetworkError ? error.code : 'internal_error',
      duration_ms: duration(),
      response_excerpt: null,
    };
  }
}
