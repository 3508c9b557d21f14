import type { Metrics } from '../metrics/metrics.js';
import type { Tracing } from '../tracing/tracing.js';
import type { UpstreamFetch } from './http-client.js';

/**
 * The upstream fetch, timed (`custodian_upstream_request_duration_seconds`)
 * and, when tracing, in a client span of its own. Calls that do not say
 * what they are for (none in the broker today) are labelled `unknown`.
 */
export function instrumentUpstream(fetch: UpstreamFetch, metrics: Metrics, tracing: Tracing): UpstreamFetch {
  return (input, init, call) => {
    const provider = call?.provider ?? 'unknown';
    const operation = call?.operation ?? 'unknown';
    const method = (init?.method ?? 'GET').toUpperCase();
    const timed = async () => {
      const started = performance.now();
      try {
        return await fetch(input, init, call);
      } finally {
        metrics.upstream(provider, operation, (performance.now() - started) / 1000);
      }
    };
    // The URL's host only: paths and queries can carry codes or tokens.
    if (!tracing.enabled) return timed();
    return tracing.span(
      `${method} ${operation}`,
      {
        'custodian.provider': provider,
        'custodian.operation': operation,
        'http.request.method': method,
        'server.address': hostOf(input),
      },
      timed,
    );
  };
}

function hostOf(input: string | URL): string {
  try {
    return new URL(input).host;
  } catch {
    return '';
  }
}
