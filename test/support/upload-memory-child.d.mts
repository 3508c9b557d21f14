import type { Hash } from 'node:crypto';

/** See upload-memory-child.mjs. */
export function generate(total: number, hash: Hash): ReadableStream<Uint8Array>;
