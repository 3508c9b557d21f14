import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../http/errors.js';
import type { AppEnv } from '../http/router.js';
import type { RateLimits } from '../rate-limit/limits.js';

const encoder = new TextEncoder();

export interface AdminGuardOptions {
  /** Failed attempts per source address; while an address is limited, even the right credential waits. */
  limits?: Pick<RateLimits, 'adminAuth'>;
  sourceAddress?: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string;
  /** Another bearer credential this guard accepts (the metrics scraper's). */
  alsoAccept?: string;
}

/**
 * Admin routes take `Authorization: Bearer <admin credential>`. Both sides are
 * hashed first so the constant-time compare also hides the credential's length.
 */
export function adminGuard(adminToken: string, options: AdminGuardOptions = {}): MiddlewareHandler<AppEnv> {
  const expected = [adminToken, ...(options.alsoAccept ? [options.alsoAccept] : [])].map((t) =>
    sha256(encoder.encode(t)),
  );
  const { limits, sourceAddress } = options;
  return async (c, next) => {
    const address = limits && sourceAddress ? sourceAddress(c) : null;
    if (address !== null) {
      const refusal = limits!.adminAuth.blocked(address);
      if (refusal) {
        throw new AppError('rate_limited', 'too many failed admin authentications from this address', {
          headers: refusal.headers,
        });
      }
    }
    const presented = bearerToken(c.req.header('authorization'));
    const hash = presented === null ? null : sha256(encoder.encode(presented));
    // Every expected value is compared, so the time taken does not say which one matched.
    let matched = false;
    for (const candidate of expected) if (hash !== null && constantTimeEqual(hash, candidate)) matched = true;
    if (!matched) {
      if (address !== null) limits!.adminAuth.failed(address);
      throw new AppError('unauthorized', 'an admin credential is required', {
        headers: { 'www-authenticate': 'Bearer realm="custodian-admin"' },
      });
    }
    await next();
  };
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
