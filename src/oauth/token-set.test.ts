import type { TokenEndpointResponse } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { toTokenSet } from './token-set.js';

const NOW = 1_900_000_000_000;

/** A token answer as oauth4webapi hands it over (token_type already lower-cased). */
const answer = (fields: Record<string, unknown>) =>
  ({ access_token: 'at', token_type: 'bearer', ...fields }) as unknown as TokenEndpointResponse;

const spaces = { default_token_lifetime_seconds: 3600, scope_separator: ' ' as const };
const commas = { default_token_lifetime_seconds: 3600, scope_separator: ',' as const };

describe('toTokenSet', () => {
  it('maps a full answer', () => {
    expect(
      toTokenSet(answer({ expires_in: 1800, refresh_token: 'rt', scope: 'read write' }), spaces, NOW),
    ).toEqual({
      accessToken: 'at',
      refreshToken: 'rt',
      tokenType: 'Bearer',
      expiresAt: NOW + 1_800_000,
      scopes: ['read', 'write'],
      refreshTokenExpiresAt: null,
    });
  });

  it('reads refresh_token_expires_in when the provider states it, and ignores a malformed one', () => {
    const github = answer({ expires_in: 28_800, refresh_token: 'rt', refresh_token_expires_in: 15_811_200 });
    expect(toTokenSet(github, spaces, NOW).refreshTokenExpiresAt).toBe(NOW + 15_811_200_000);
    for (const odd of ['15811200', 0, -5, null])
      expect(
        toTokenSet(answer({ refresh_token_expires_in: odd }), spaces, NOW).refreshTokenExpiresAt,
      ).toBeNull();
  });

  describe('scopes', () => {
    it.each<[string, string[]]>([
      [
        'openid email https://www.googleapis.com/auth/drive.file',
        ['openid', 'email', 'https://www.googleapis.com/auth/drive.file'],
      ],
      ['read,write', ['read', 'write']],
      ['read, write', ['read', 'write']],
      ['read ,write', ['read', 'write']],
      ['  read   write  ', ['read', 'write']],
      ['read\twrite\nadmin', ['read', 'write', 'admin']],
      [',read,,write,', ['read', 'write']],
      ['user:email,read:user repo', ['user:email', 'read:user', 'repo']],
      ['single', ['single']],
      ['', []],
      [' , ', []],
    ])('%j → %j', (scope, expected) => {
      expect(toTokenSet(answer({ scope }), spaces, NOW).scopes).toEqual(expected);
      // Whatever the provider's own separator: answers come with either.
      expect(toTokenSet(answer({ scope }), commas, NOW).scopes).toEqual(expected);
    });

    it('no scope in the answer → null (the provider did not say)', () => {
      expect(toTokenSet(answer({}), spaces, NOW).scopes).toBeNull();
    });
  });

  describe('lifetimes', () => {
    it.each<[string, Record<string, unknown>, number | null, number | null]>([
      ['expires_in', { expires_in: 3600 }, 7200, NOW + 3_600_000],
      ['expires_in over a null default', { expires_in: 28800 }, null, NOW + 28_800_000],
      ['a fractional expires_in', { expires_in: 1.5 }, 3600, NOW + 1500],
      ['expires_in 0: expired now', { expires_in: 0 }, 3600, NOW],
      ['a negative expires_in: expired now, never in the past', { expires_in: -30 }, 3600, NOW],
      ['no expires_in: the default lifetime', {}, 14400, NOW + 14_400_000],
      ['no expires_in and a 0 default', {}, 0, NOW],
      ['no expires_in and a null default: does not expire', {}, null, null],
    ])('%s', (_label, fields, defaultLifetime, expected) => {
      const provider = { default_token_lifetime_seconds: defaultLifetime, scope_separator: ' ' as const };
      expect(toTokenSet(answer(fields), provider, NOW).expiresAt).toBe(expected);
    });
  });

  it('refresh_token: a string is kept, anything else is null', () => {
    expect(toTokenSet(answer({ refresh_token: 'rt' }), spaces, NOW).refreshToken).toBe('rt');
    expect(toTokenSet(answer({}), spaces, NOW).refreshToken).toBeNull();
    expect(toTokenSet(answer({ refresh_token: null }), spaces, NOW).refreshToken).toBeNull();
  });

  it('token_type: bearer is written Bearer, anything else as given', () => {
    expect(toTokenSet(answer({ token_type: 'bearer' }), spaces, NOW).tokenType).toBe('Bearer');
    expect(toTokenSet(answer({ token_type: 'dpop' }), spaces, NOW).tokenType).toBe('dpop');
  });
});
