import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { z } from 'zod';
import { invalidRequest } from './errors.js';

/** Cursor pagination shared by every list: `?limit=&cursor=` in, `{ data, next_cursor }` out. */

export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('page size, 1 to 200'),
  cursor: z.string().max(512).optional().describe('`next_cursor` from the previous page'),
});

export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      data: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .describe('pass as `cursor` for the next page; null on the last page'),
    })
    .meta({ id });

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Cursors are opaque to callers: the last key of the page, encoded. */
export function encodeCursor(lastKey: string): string {
  return encodeBase64urlNoPadding(encoder.encode(JSON.stringify({ k: lastKey })));
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(decoder.decode(decodeBase64urlIgnorePadding(cursor))) as { k?: unknown };
    if (typeof parsed.k === 'string') return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw invalidRequest('cursor is not one this API returned', [
    { pointer: '/query/cursor', message: 'invalid' },
  ]);
}

/** Given up to `limit + 1` items, answers one page and the cursor to the next. */
export function toPage<T>(items: T[], limit: number, keyOf: (item: T) => string) {
  const data = items.slice(0, limit);
  const last = data.at(-1);
  return { data, next_cursor: items.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
