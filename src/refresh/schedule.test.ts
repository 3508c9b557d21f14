import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REFRESH_TOKEN_IDLE_SECONDS,
  type GrantTimes,
  IN_USE_WINDOW_MS,
  planRenewal,
  type RenewalPolicy,
  refreshTokenExpiresAt,
  spreadFraction,
} from './schedule.js';

const T0 = 1_900_000_000_000;
const S = 1000;
const DAY = 86_400;

const custom: RenewalPolicy = {
  expiry_buffer_seconds: 300,
  refresh_token_idle_seconds: DEFAULT_REFRESH_TOKEN_IDLE_SECONDS,
  refresh_token_max_seconds: null,
};
const dropbox: RenewalPolicy = { ...custom, refresh_token_idle_seconds: null };
const atlassian: RenewalPolicy = {
  ...custom,
  refresh_token_idle_seconds: 90 * DAY,
  refresh_token_max_seconds: 365 * DAY,
};

/** A grant whose current token was issued at `issuedAt` and lives `lifetime` seconds. */
const grant = (overrides: Partial<GrantTimes> = {}, lifetime = 3600, issuedAt = T0): GrantTimes => ({
  id: 'conn_x',
  tokenIssuedAt: issuedAt,
  expiresAt: issuedAt + lifetime * S,
  grantedAt: T0,
  refreshTokenExpiresAt: null,
  hasRefreshToken: true,
  lastUsedAt: null,
  ...overrides,
});

describe('planning renewals', () => {
  it('keeps a new, idle grant alive at 70-80 % of its refresh token’s idle life, whatever its access token', () => {
    const plan = planRenewal(grant(), custom, T0);
    expect(plan?.action).toBe('refresh');
    expect(plan!.at - T0).toBeGreaterThanOrEqual(0.7 * DAY * S);
    expect(plan!.at - T0).toBeLessThan(0.8 * DAY * S);
  });

  it('renews a connection in use one to one and a half margins before expiry', () => {
    for (const [lifetime, margin] of [
      [3600, 300],
      [300, 150],
      [20, 10],
    ] as const) {
      const plan = planRenewal(grant({ lastUsedAt: T0 }, lifetime), custom, T0);
      const before = T0 + lifetime * S - plan!.at;
      expect(before).toBeGreaterThanOrEqual(margin * S);
      expect(before).toBeLessThanOrEqual(1.5 * margin * S);
      // Never sooner than a quarter of the token's life: an in-use connection cannot loop.
      expect(plan!.at - T0).toBeGreaterThanOrEqual((lifetime * S) / 4);
    }
  });

  it('treats a connection unused for the window as idle again', () => {
    const used = T0 - IN_USE_WINDOW_MS - 1;
    expect(planRenewal(grant({ lastUsedAt: used }), custom, T0)!.at - T0).toBeGreaterThan(0.7 * DAY * S);
    expect(planRenewal(grant({ lastUsedAt: T0 - IN_USE_WINDOW_MS + 60_000 }), custom, T0)!.at).toBeLessThan(
      T0 + 3600 * S,
    );
  });

  it('plans nothing without a refresh token, nor for an idle grant whose refresh token never dies', () => {
    expect(planRenewal(grant({ hasRefreshToken: false, lastUsedAt: T0 }), custom, T0)).toBeNull();
    expect(planRenewal(grant(), dropbox, T0)).toBeNull();
    expect(planRenewal(grant({ lastUsedAt: T0 }), dropbox, T0)?.action).toBe('refresh');
  });

  it('chases a refresh token lifetime the provider stated, never more often than a 30 s span allows', () => {
    const github = grant({ refreshTokenExpiresAt: T0 + 180 * DAY * S }, 8 * 3600);
    const plan = planRenewal(github, dropbox, T0);
    expect(plan!.at - T0).toBeGreaterThanOrEqual(0.7 * 180 * DAY * S);
    const tiny = planRenewal(grant({ refreshTokenExpiresAt: T0 + 2 * S }), dropbox, T0);
    expect(tiny!.at - T0).toBeGreaterThanOrEqual(21 * S);
  });

  it('ends a grant at its absolute end with a handful of keep-alives in a year, not a loop', () => {
    let now = T0;
    let issuedAt = T0;
    const refreshes: number[] = [];
    for (;;) {
      const plan = planRenewal(grant({}, 3600, issuedAt), atlassian, now);
      expect(plan).not.toBeNull();
      now = plan!.at;
      if (plan!.action === 'expire') break;
      refreshes.push(now);
      issuedAt = now;
    }
    expect(now).toBe(T0 + 365 * DAY * S);
    expect(refreshes.length).toBeGreaterThanOrEqual(4);
    expect(refreshes.length).toBeLessThanOrEqual(6);
    // Each keep-alive came before the refresh token idled out.
    let previous = T0;
    for (const at of refreshes) {
      expect(at - previous).toBeLessThan(90 * DAY * S);
      previous = at;
    }
  });

  it('keeps a 40-second idle refresh token alive with a renewal every 28-32 s', () => {
    const short: RenewalPolicy = { ...dropbox, refresh_token_idle_seconds: 40 };
    let issuedAt = T0;
    let calls = 0;
    while (issuedAt < T0 + 600 * S) {
      const plan = planRenewal(grant({}, 20, issuedAt), short, issuedAt);
      expect(plan!.at - issuedAt).toBeGreaterThanOrEqual(28 * S);
      expect(plan!.at - issuedAt).toBeLessThan(32 * S);
      issuedAt = plan!.at;
      calls++;
    }
    expect(calls).toBeLessThanOrEqual(22);
  });

  it('gives the same plan twice, and spreads connections apart', () => {
    expect(planRenewal(grant(), custom, T0)).toEqual(planRenewal(grant(), custom, T0 + 5 * S));
    const fractions = Array.from({ length: 1000 }, (_, i) => spreadFraction(`conn_${i}`, T0));
    expect(Math.min(...fractions)).toBeLessThan(0.01);
    expect(Math.max(...fractions)).toBeGreaterThan(0.99);
    const mean = fractions.reduce((a, b) => a + b) / fractions.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('shows the earlier of the stated refresh-token expiry and the grant’s absolute end', () => {
    expect(refreshTokenExpiresAt({ grantedAt: T0, refreshTokenExpiresAt: null }, custom)).toBeNull();
    expect(refreshTokenExpiresAt({ grantedAt: T0, refreshTokenExpiresAt: null }, atlassian)).toBe(
      T0 + 365 * DAY * S,
    );
    expect(refreshTokenExpiresAt({ grantedAt: T0, refreshTokenExpiresAt: T0 + S }, atlassian)).toBe(T0 + S);
  });
});
