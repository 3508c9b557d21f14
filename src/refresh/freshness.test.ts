import { describe, expect, it } from 'vitest';
import { backoffUntil, needsRefresh, refreshMarginMs } from './freshness.js';

const T0 = 1_900_000_000_000;
const S = 1000;
/** A token issued at T0 that lives `lifetime` seconds. */
const token = (lifetime: number) => ({ tokenIssuedAt: T0, expiresAt: T0 + lifetime * S });
const at = (seconds: number) => T0 + seconds * S;
const buffer300 = { bufferSeconds: 300 };

describe('the freshness rule', () => {
  it('caps the provider buffer at half the token lifetime', () => {
    expect(refreshMarginMs(token(3600), 300)).toBe(300 * S);
    expect(refreshMarginMs(token(300), 300)).toBe(150 * S);
    expect(refreshMarginMs(token(60), 300)).toBe(30 * S);
    expect(refreshMarginMs(token(20), 300)).toBe(10 * S);
    // An unknown lifetime (a token stored before issue times were recorded) keeps the buffer.
    expect(refreshMarginMs({ tokenIssuedAt: null, expiresAt: at(60) }, 300)).toBe(300 * S);
  });

  it.each([60, 300, 600])(
    'does not renew a %i-second token while it has lived less than half its life',
    (life) => {
      for (let s = 0; s < life / 2; s += life / 20)
        expect(needsRefresh(token(life), buffer300, at(s))).toBe(false);
      expect(needsRefresh(token(life), buffer300, at(life / 2 + 1))).toBe(true);
    },
  );

  it('renews a long-lived token only within the buffer', () => {
    expect(needsRefresh(token(3600), buffer300, at(3299))).toBe(false);
    expect(needsRefresh(token(3600), buffer300, at(3301))).toBe(true);
  });

  it('renews an expired token whatever its lifetime, and never a token that does not expire', () => {
    expect(needsRefresh(token(0), { bufferSeconds: 0 }, at(0))).toBe(true);
    expect(needsRefresh(token(20), { bufferSeconds: 0 }, at(20))).toBe(true);
    expect(needsRefresh({ tokenIssuedAt: T0, expiresAt: null }, buffer300, at(1e6))).toBe(false);
  });

  it('honours min_validity_seconds up to half the lifetime, so an impossible one cannot loop', () => {
    const wants = { bufferSeconds: 60, minValiditySeconds: 1800 };
    expect(needsRefresh(token(3600), wants, at(1700))).toBe(false);
    expect(needsRefresh(token(3600), wants, at(1801))).toBe(true);
    // The provider issues 600 s tokens; the caller wants an hour: a young token is answered as it is.
    const impossible = { bufferSeconds: 60, minValiditySeconds: 3600 };
    expect(needsRefresh(token(600), impossible, at(1))).toBe(false);
    expect(needsRefresh(token(600), impossible, at(299))).toBe(false);
    expect(needsRefresh(token(600), impossible, at(301))).toBe(true);
  });

  it('always renews when forced', () => {
    expect(needsRefresh(token(3600), { bufferSeconds: 300, force: true }, at(0))).toBe(true);
    expect(
      needsRefresh({ tokenIssuedAt: T0, expiresAt: null }, { bufferSeconds: 0, force: true }, at(0)),
    ).toBe(true);
  });

  it('reads a backoff only after failures', () => {
    expect(backoffUntil({ refreshFailures: 0, nextRefreshAt: at(100) })).toBe(0);
    expect(backoffUntil({ refreshFailures: 2, nextRefreshAt: at(100) })).toBe(at(100));
    expect(backoffUntil({ refreshFailures: 1, nextRefreshAt: null })).toBe(0);
  });
});
