import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase64urlNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** Where randomness comes from; injected so tests can count or fix it. */
export type Random = (size: number) => Uint8Array;

/** A URL-safe secret of `bytes` random bytes (32 bytes: 256 bits). */
export function randomToken(random: Random, bytes = 32): string {
  return encodeBase64urlNoPadding(random(bytes));
}

/** An id with a readable prefix and 128 random bits: `cs_…`, `conn_…`. */
export function randomId(random: Random, prefix: string): string {
  return `${prefix}_${encodeBase64urlNoPadding(random(16))}`;
}

const encoder = new TextEncoder();

/** How bearer-style secrets (connect tokens, states, cookies) are stored: SHA-256, hex. */
export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(encoder.encode(secret)));
}

export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && constantTimeEqual(encoder.encode(a), encoder.encode(b));
}
