import { describe, expect, it } from 'vitest';
import { ProviderError } from '../upstream/errors.js';
import { fromUpstream } from './problem.js';

describe('a provider refusal as the broker answers it', () => {
  it('names the OAuth error, and nothing when the provider sent none (HubSpot)', () => {
    expect(fromUpstream(new ProviderError('access_denied', 400, 'x'))).toMatchObject({
      code: 'provider_error',
      message: 'the provider refused: access_denied',
    });
    const hubspot = fromUpstream(
      new ProviderError(null, 400, 'x', { memberCodes: { status: 'BAD_REFRESH_TOKEN' } }),
    );
    expect(hubspot).toMatchObject({
      code: 'provider_error',
      message: 'the provider refused: HTTP 400, no OAuth error',
    });
    // A code read from another member is for the refresh classifier only.
    expect(hubspot?.message).not.toContain('BAD_REFRESH_TOKEN');
  });

  it('answers invalid_grant as provider_error: a grant ends only in a refresh', () => {
    expect(fromUpstream(new ProviderError('invalid_grant', 400, 'x'))).toMatchObject({
      code: 'provider_error',
      status: 502,
      message: 'the provider refused: invalid_grant',
    });
  });
});
