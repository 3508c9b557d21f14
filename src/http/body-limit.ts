import type { Context } from 'hono';
import { AppError } from './errors.js';

/**
 * The request-body limit, in two halves. The router refuses a declared length
 * over the limit before anything is read (router.ts); `readBodyText` counts
 * the bytes of a body sent without one (chunked) as they arrive. Unlike
 * Hono's body-limit middleware, neither builds a web `Request` for the many
 * requests that declare their length: @hono/node-server then reads the body
 * straight from the socket.
 */

/** The whole body as text, never more than `maxBytes` of it. */
export async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  // A declared length was checked above, and Node's parser holds the body to it.
  if (c.req.header('content-length') !== undefined) return c.req.text();
  const body = c.req.raw.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, received).toString('utf8');
}

export const tooLarge = (maxBytes: number) =>
  new AppError('payload_too_large', `the request body is larger than ${maxBytes} bytes`);
