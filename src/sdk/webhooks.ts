import type { WebhookEvent } from './webhook-events.js';

/**
 * Verifying the broker's webhooks (Standard Webhooks) with Web Crypto alone,
 * so it runs on Node, Deno, Bun and workers.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */

export type WebhookVerificationErrorCode =
  /** `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent. */
  | 'missing_headers'
  /** The timestamp is not a number, or further from now than the tolerance (a replay). */
  | 'timestamp_out_of_range'
  /** No signature matches any of the secrets. */
  | 'invalid_signature'
  /** Signed, but not an event this SDK knows how to read. */
  | 'invalid_payload';

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly code: WebhookVerificationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from now; 300 s if omitted. */
  toleranceSeconds?: number;
  /** Now, in milliseconds (tests). */
  now?: () => number;
}

const encoder = new TextEncoder();

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Compares in time that depends on the length only, never on where the bytes differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

async function hmac(secret: string, content: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const keyBytes = base64ToBytes(secret.startsWith('whsec_') ? secret.slice(6) : secret);
  if (keyBytes === null) throw new TypeError('a webhook secret is `whsec_` and base64');
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, content));
}

/**
 * Checks a webhook from the broker and answers its event. Pass the body
 * exactly as received (the raw text or bytes, before any JSON parsing), the
 * request's headers, and the endpoint's secret, or several during a rotation.
 *
 * @throws {WebhookVerificationError} with a `code` to switch on.
 * @example
 * const event = await verifyWebhook(await request.text(), request.headers, process.env.WEBHOOK_SECRET!);
 * if (event.type === 'connection.needs_reauth') askToReconnect(event.data.end_user);
 */
export async function verifyWebhook(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError(
      'missing_headers',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    );
  const seconds = /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (!(Math.abs(nowSeconds - seconds) <= (options.toleranceSeconds ?? 300)))
    throw new WebhookVerificationError('timestamp_out_of_range', 'webhook-timestamp is too old or too new');

  const bodyBytes = typeof body === 'string' ? encoder.encode(body) : body;
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + bodyBytes.length);
  content.set(prefix);
  content.set(bodyBytes, prefix.length);
  const offered = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => base64ToBytes(entry.slice(3)))
    .filter((bytes) => bytes !== null);
  let matched = false;
  for (const candidate of typeof secret === 'string' ? [secret] : secret) {
    const expected = await hmac(candidate, content);
    // Every offered signature is compared, so the time taken does not say which one matched.
    for (const signature of offered) matched = sameBytes(signature, expected) || matched;
  }
  if (!matched) throw new WebhookVerificationError('invalid_signature', 'no signature matches the secret');

  try {
    const event = JSON.parse(
      typeof body === 'string' ? body : new TextDecoder().decode(body),
    ) as WebhookEvent;
    if (typeof event?.type === 'string' && typeof event.data === 'object' && event.data !== null)
      return event;
  } catch {
    // reported below
  }
  throw new WebhookVerificationError('invalid_payload', 'the signed body is not a webhook event');
}
