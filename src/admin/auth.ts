import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../http/errors.js';
import type { AppEnv } from '../http/router.js';

const encoder = new TextEncoder();

/**
 * Admin routes take `Authorization: Bearer <admin credential>`. Both sides are
 * hashed first so the constant-time compare also hides the credential's length.
 */
export function adminGuard(adminToken: string): MiddlewareHandler<AppEnv> {
  const expected = sha256(encoder.encode(adminToken));
  return async (c, next) => {
    const presented = bearerToken(c.req.header('authorization'));
    if (presented === null || !constantTimeEqual(sha256(encoder.encode(presented)), expected)) {
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
