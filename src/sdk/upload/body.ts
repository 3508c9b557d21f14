import type { UploadBody } from './types.js';

/**
 * Reads an upload body in chunks of an exact size, holding at most one chunk
 * (plus the remainder of the last piece the source handed over).
 *
 * With `reuse`, a stream's chunks are read into the same memory each time:
 * the caller promises to be done with a chunk (sent, retried, hashed) when it
 * asks for the next one. No memory is then allocated per chunk, so none waits
 * for the garbage collector, which frees large buffers late.
 */
export interface ChunkReader {
  /** The next `size` bytes, fewer only at the end; null when nothing is left. */
  next(size: number): Promise<Uint8Array | null>;
  /** Stops reading and releases the source. */
  cancel(): Promise<void>;
}

export function chunkReader(body: UploadBody, options: { reuse?: boolean } = {}): ChunkReader {
  const reuse = options.reuse === true;
  if (body instanceof Uint8Array) return fromBytes(body);
  if (body instanceof ArrayBuffer) return fromBytes(new Uint8Array(body));
  if (typeof Blob !== 'undefined' && body instanceof Blob) return fromBlob(body);
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) {
    const reader = body.getReader();
    // Cancelling the reader ends a read that is waiting on a stalled source; the generator's own
    // return would wait for that read first.
    return fromIterator(iterateReader(reader), reuse, () => reader.cancel());
  }
  if (Symbol.asyncIterator in (body as object)) {
    return fromIterator((body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator](), reuse);
  }
  throw new TypeError(
    'body must be a ReadableStream, an async iterable, a Blob, a Uint8Array or an ArrayBuffer',
  );
}

/** The size of a body when it can be known without reading it. */
export function knownSize(body: UploadBody): number | undefined {
  if (body instanceof Uint8Array) return body.byteLength;
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.size;
  return undefined;
}

function fromBytes(bytes: Uint8Array): ChunkReader {
  let offset = 0;
  return {
    async next(size) {
      if (offset >= bytes.byteLength) return null;
      const chunk = bytes.subarray(offset, Math.min(offset + size, bytes.byteLength));
      offset += chunk.byteLength;
      return chunk;
    },
    async cancel() {},
  };
}

function fromBlob(blob: Blob): ChunkReader {
  let offset = 0;
  return {
    async next(size) {
      if (offset >= blob.size) return null;
      const chunk = new Uint8Array(
        await blob.slice(offset, Math.min(offset + size, blob.size)).arrayBuffer(),
      );
      offset += chunk.byteLength;
      return chunk;
    },
    async cancel() {},
  };
}

async function* iterateReader(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stopped early (or the source is done): the source is told, and stops producing.
    await reader.cancel().catch(() => {});
  }
}

const encoder = new TextEncoder();

// Without `reuse`, chunks up to this size are allocated whole at once; larger reads grow.
const WHOLE_UP_TO = 16 * 1024 * 1024;

function fromIterator(
  iterator: AsyncIterator<Uint8Array | string>,
  reuse: boolean,
  cancelSource?: () => Promise<void>,
): ChunkReader {
  let pending: Uint8Array = new Uint8Array(0);
  let ended = false;
  // With `reuse`, the memory of the chunk handed out last, filled again by the next read.
  let spare: Uint8Array | undefined;
  return {
    async next(size) {
      // Each piece is copied into the chunk as it arrives, so no piece is held once read.
      let chunk: Uint8Array | undefined;
      let have = 0;
      while (have < size) {
        if (pending.byteLength === 0) {
          if (ended) break;
          const { done, value } = await iterator.next();
          if (done) {
            ended = true;
            break;
          }
          pending =
            typeof value === 'string'
              ? encoder.encode(value)
              : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
          continue;
        }
        const take = Math.min(size - have, pending.byteLength);
        if (chunk === undefined) {
          // Reused memory is allocated whole: growing it would leave the smaller buffer as garbage
          // next to the grown one, and memory the allocator keeps once freed (glibc does, for a
          // 16 MiB buffer after it has freed one as large), so a 32 MiB chunk cost 48 MiB resident.
          // The pages of a large allocation are zero until written: a short read costs only its bytes.
          chunk =
            spare !== undefined && spare.byteLength >= size
              ? spare
              : new Uint8Array(reuse ? size : Math.min(size, WHOLE_UP_TO));
        } else if (have + take > chunk.byteLength) {
          const grown = new Uint8Array(Math.min(size, Math.max(chunk.byteLength * 2, have + take)));
          grown.set(chunk.subarray(0, have));
          chunk = grown;
        }
        chunk.set(pending.subarray(0, take), have);
        pending = pending.subarray(take);
        have += take;
      }
      if (chunk === undefined) return null;
      if (reuse) spare = chunk;
      // A short read (a small file asked for with a large limit) keeps only its bytes.
      else if (have < chunk.byteLength / 2) return chunk.slice(0, have);
      return chunk.subarray(0, have);
    },
    async cancel() {
      ended = true;
      spare = undefined;
      const cancelled = cancelSource?.().catch(() => {});
      await iterator.return?.();
      await cancelled;
    },
  };
}
