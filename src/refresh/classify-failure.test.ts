import { describe, expect, it } from 'vitest';
import type { GrantDeadError } from '../providers/definition.js';
import { ProviderError, UnexpectedResponseError, UpstreamNetworkError } from '../upstream/errors.js';
import { classifyRefreshFailure, failureCodeOutsideDeadGrant } from './classify-failure.js';

const grantRejected = { kind: 'grant_rejected', code: 'invalid_grant' };

describe('classifying a failed refresh', () => {
  it('ends the grant on invalid_grant, whatever the provider lists', () => {
    const error = new ProviderError('invalid_grant', 400, 'AADSTS700082: expired');
    expect(classifyRefreshFailure(error)).toEqual(grantRejected);
    expect(classifyRefreshFailure(error, [{ error: 'bad_refresh_token' }])).toEqual(grantRejected);
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

describe('a provider’s own words for a dead grant', () => {
  const slack: GrantDeadError[] = [{ error: 'invalid_refresh_token' }];
  const onlyWith401: GrantDeadError[] = [{ error: 'expired_refresh_token', status: 401 }];

  it('ends the grant on a listed error, stored as invalid_grant', () => {
    // Slack's 200 + ok:false, after normalisation (token_errors_with_200) arrives as a 400.
    expect(classifyRefreshFailure(new ProviderError('invalid_refresh_token', 400, 'x'), slack)).toEqual(
      grantRejected,
    );
    expect(classifyRefreshFailure(new ProviderError('expired_refresh_token', 401, 'x'), onlyWith401)).toEqual(
      grantRejected,
    );
  });

  it.each([
    ['an error the provider did not list', new ProviderError('invalid_refresh_token', 400, 'x'), []],
    [
      'a listed error under another status',
      new ProviderError('expired_refresh_token', 400, 'x'),
      onlyWith401,
    ],
    ['a listed error with a 5xx status', new ProviderError('invalid_refresh_token', 503, 'x'), slack],
    ['invalid_grant with a 5xx status', new ProviderError('invalid_grant', 500, 'x'), []],
    [
      'a 5xx whose body named a listed error (an unusable answer)',
      new UnexpectedResponseError('500', 500),
      slack,
    ],
    [
      'invalid_client even if a stored row listed it',
      new ProviderError('invalid_client', 401, 'x'),
      [{ error: 'invalid_client' }],
    ],
  ])('keeps the grant on %s', (_name, error, listed) => {
    const failure = classifyRefreshFailure(error, listed);
    expect(failure.kind).toBe('transient');
    // `invalid_grant` names an ended grant only.
    expect(failure.code).not.toBe('invalid_grant');
  });
});

describe('a dead-grant code in another member of the answer (HubSpot)', () => {
  const hubspot: GrantDeadError[] = [{ error: 'BAD_REFRESH_TOKEN', field: 'status', status: 400 }];
  // HubSpot's 400 has no OAuth `error`: the refresh client keeps only the listed code it found in `status`.
  const answered = (status: number, oauthError: string | null = null) =>
    new ProviderError(oauthError, status, 'x', { memberCodes: { status: 'BAD_REFRESH_TOKEN' } });

  it('ends the grant on the listed code in the listed member, stored as invalid_grant', () => {
    expect(classifyRefreshFailure(answered(400), hubspot)).toEqual(grantRejected);
  });

  it.each([
    ['the same answer under a 5xx', answered(503), hubspot],
    ['the same answer under another 4xx than the listed one', answered(401), hubspot],
    [
      'the code in `error` when the list names `status`',
      new ProviderError('BAD_REFRESH_TOKEN', 400, 'x'),
      hubspot,
    ],
    ['the code in `status` when the list names `error`', answered(400), [{ error: 'BAD_REFRESH_TOKEN' }]],
    ['an OAuth error blaming the registration beside it', answered(400, 'invalid_client'), hubspot],
  ])('keeps the grant on %s', (_name, error, listed: GrantDeadError[]) => {
    const failure = classifyRefreshFailure(error, listed);
    expect(failure.kind).toBe('transient');
    expect(failure.code).toBe('provider_error');
  });
});

describe('a provider failure outside an ended grant', () => {
  it.each([
    [
      'invalid_grant refused (outside a refresh)',
      new ProviderError('invalid_grant', 400, 'x'),
      'provider_error',
    ],
    ['invalid_grant under a 5xx', new ProviderError('invalid_grant', 500, 'x'), 'provider_error'],
    ['another OAuth error', new ProviderError('access_denied', 400, 'x'), 'provider_error'],
    ['a timeout', new UpstreamNetworkError('upstream_timeout', 'slow'), 'provider_timeout'],
    [
      'a refused connection',
      new UpstreamNetworkError('upstream_unreachable', 'down'),
      'provider_unreachable',
    ],
    ['an unusable answer', new UnexpectedResponseError('500', 500), 'provider_bad_response'],
    ['a bug of ours', new TypeError('boom'), 'internal_error'],
  ])('tells %s by its stable code, never invalid_grant', (_name, error, code) => {
    expect(failureCodeOutsideDeadGrant(error)).toBe(code);
  });
});
