import { describe, expect, it } from 'vitest';
import { ProviderError, UnexpectedResponseError, UpstreamNetworkError } from '../upstream/errors.js';
import { classifyRefreshFailure } from './classify-failure.js';

describe('classifying a failed refresh', () => {
  it('ends the grant on invalid_grant only', () => {
    expect(classifyRefreshFailure(new ProviderError('invalid_grant', 400, 'AADSTS700082: expired'))).toEqual({
      kind: 'grant_rejected',
      code: 'invalid_grant',
    });
  });

  it.each([
    ['a 5xx', new UnexpectedResponseError('500', 500), 'provider_bad_response', undefined],
    [
      'a 429 with Retry-After',
      new ProviderError('slow_down', 429, 'x', { retryAfterSeconds: 90 }),
      'provider_error',
      90,
    ],
    [
      'a 503 with Retry-After',
      new UnexpectedResponseError('503', 503, { retryAfterSeconds: 600 }),
      'provider_bad_response',
      600,
    ],
    ['a timeout', new UpstreamNetworkError('upstream_timeout', 'slow'), 'provider_timeout', undefined],
    [
      'a refused connection',
      new UpstreamNetworkError('upstream_unreachable', 'down'),
      'provider_unreachable',
      undefined,
    ],
    ['a redirect', new UpstreamNetworkError('upstream_redirect', '302'), 'provider_bad_response', undefined],
    [
      'invalid_client (the broker’s registration)',
      new ProviderError('invalid_client', 401, 'x'),
      'provider_error',
      undefined,
    ],
    ['a bug of ours', new TypeError('boom'), 'internal_error', undefined],
    ['a thrown non-error', 'weird', 'internal_error', undefined],
  ])('keeps the grant on %s (transient, with a stable code)', (_name, error, code, retryAfterSeconds) => {
    expect(classifyRefreshFailure(error)).toEqual({ kind: 'transient', code, retryAfterSeconds });
  });

  it('never carries the provider’s own text', () => {
    const failure = classifyRefreshFailure(
      new ProviderError('server_error', 500, 'secret-ish provider words'),
    );
    expect(JSON.stringify(failure)).not.toContain('provider words');
  });
});
