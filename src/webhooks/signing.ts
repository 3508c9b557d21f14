import { createHmac } from 'node:crypto';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import type { Random } from '../crypto/random.js';

/**
 * Standard Webhooks signing: `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`,
 * one entry per secret, space-separated, so receivers can roll over during a rotation.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */

const PREFIX = 'whsec_';

/** A new secret: `whsec_` and base64 of 32 random bytes (the standard asks for 24 to 64). */
export function newWebhookSecret(random: Random): string {
  return PREFIX + encodeBase64(random(32));
}

/** The HMAC key is the decoded bytes after the prefix. */
function keyOf(secret: string): Uint8Array {
  return decodeBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret);
}

export function signatureHeader(
  id: string,
  timestampSeconds: number,
  body: string,
  secrets: string[],
): string {
  return secrets
    .map(
      (secret) =>
        `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`,
    )
    .join(' ');
}

/** The three headers of one attempt. */
export function signedHeaders(id: string, nowMs: number, body: string, secrets: string[]) {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(id, timestamp, body, secrets),
  };
}
