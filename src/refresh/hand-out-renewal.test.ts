import { describe, expect, it } from 'vitest';
import { answersStoredAfterFailure, type RenewalState, renewalStep } from './hand-out-renewal.js';

const now = Date.UTC(2026, 11, 3, 12);
const at = (seconds: number) => now + seconds * 1000;
const row = (overrides: Partial<RenewalState> = {}): RenewalState => ({
  expiresAt: at(60),
  hasRefreshToken: true,
  refreshFailures: 0,
  nextRefreshAt: at(3000),
  ...overrides,
});

describe('a hand-out’s renewal step', () => {
  it('refreshes a due token when nothing holds the provider back, forced or not', () => {
    expect(renewalStep(row(), false, now)).toEqual({ kind: 'refresh' });
    expect(renewalStep(row({ expiresAt: at(-1) }), false, now)).toEqual({ kind: 'refresh' });
    expect(renewalStep(row(), true, now)).toEqual({ kind: 'refresh' });
    // A planned renewal in the past is no backoff: failures make one.
    expect(renewalStep(row({ nextRefreshAt: at(-5) }), false, now)).toEqual({ kind: 'refresh' });
  });

  it('without a refresh token answers a valid token, ends the grant of an expired one, and lets a forced refresh ask', () => {
    expect(renewalStep(row({ hasRefreshToken: false }), false, now)).toEqual({ kind: 'answer_stored' });
    expect(renewalStep(row({ hasRefreshToken: false, expiresAt: null }), false, now)).toEqual({
      kind: 'answer_stored',
    });
    expect(renewalStep(row({ hasRefreshToken: false, expiresAt: now }), false, now)).toEqual({
      kind: 'needs_reauth',
    });
    expect(renewalStep(row({ hasRefreshToken: false }), true, now)).toEqual({ kind: 'refresh' });
  });

  it('during a backoff never calls the provider: a valid token is answered, an expired or forced one is a 503 until the backoff ends', () => {
    const backingOff = { refreshFailures: 2, nextRefreshAt: at(12.5) };
    expect(renewalStep(row(backingOff), false, now)).toEqual({ kind: 'answer_stored' });
    expect(renewalStep(row({ ...backingOff, expiresAt: at(-1) }), false, now)).toEqual({
      kind: 'unavailable',
      retryAfterSeconds: 13,
    });
    expect(renewalStep(row(backingOff), true, now)).toEqual({ kind: 'unavailable', retryAfterSeconds: 13 });
    // The backoff's end is the first moment the provider may be asked again.
    expect(renewalStep(row(backingOff), true, at(12.5))).toEqual({ kind: 'refresh' });
  });

  it('after a refresh the provider could not do, answers the stored token only if it is valid and was not forced', () => {
    expect(answersStoredAfterFailure(at(30), false, now)).toBe(true);
    expect(answersStoredAfterFailure(null, false, now)).toBe(true);
    expect(answersStoredAfterFailure(now, false, now)).toBe(false);
    expect(answersStoredAfterFailure(at(30), true, now)).toBe(false);
  });
});
