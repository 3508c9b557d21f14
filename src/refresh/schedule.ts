import type { Random } from '../crypto/random.js';

/** When to renew, and how long to back off: spread out in time, so many tokens expiring together are not renewed in one burst. */

/**
 * The background refresher renews a token between two buffers and one buffer
 * before it expires, at a random point, so the on-demand path rarely has to.
 * Null: nothing to schedule (no expiry, or no refresh token).
 */
export function nextRefreshAt(
  expiresAt: number | null,
  hasRefreshToken: boolean,
  bufferSeconds: number,
  random: Random,
): number | null {
  if (expiresAt === null || !hasRefreshToken) return null;
  const buffer = Math.max(bufferSeconds, 30) * 1000;
  return expiresAt - buffer - Math.floor(fraction(random) * buffer);
}

/** Exponential backoff with jitter, at least the provider's Retry-After: 30 s, 1 min, 2 min, ... up to an hour. */
export function retryDelayMs(
  failuresSoFar: number,
  retryAfterSeconds: number | undefined,
  random: Random,
): number {
  const base = Math.min(30_000 * 2 ** Math.min(failuresSoFar, 10), 3_600_000);
  const jittered = base * (0.8 + 0.4 * fraction(random));
  return Math.max(Math.round(jittered), (retryAfterSeconds ?? 0) * 1000);
}

export function fraction(random: Random): number {
  const bytes = random(4);
  return (((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0) / 2 ** 32;
}
