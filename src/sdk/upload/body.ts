import type { UploadBody } from './types.js';

/**
 * Reads an upload body in chunks of an exact size, holding at most one chunk
 * (plus the remainder of the last piece the source handed over).
 */
export interface ChunkReader {
  /** The next `size` bytes, fewer only at the end; null when nothing is left. */
  next(size: number): Promise<Uint8Array | null>;
  /** Stops reading and releases the source. */
  cancel(): Promise<void>;
}

export function chunkReader(body: UploadBody): ChunkReader {
  if (body instanceof Uint8Array) return fromBytes(body);
  if (body instanceof ArrayBuffer) return fromBytes(new Uint8Array(body));
  if (typeof Blob !== 'undefined' && body instanceof Blob) return fromBlob(body);
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream)
    return fromIterator(iterateStream(body));
  if (Symbol.asyncIterator in (body as object)) {
    return fromIterator((body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]());
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

async function* iterateStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
    await stream.cancel().catch(() => {});
  }
}

const encoder = new TextEncoder();

function fromIterator(iterator: AsyncIterator<Uint8Array | string>): ChunkReader {
  let pending: Uint8Array = new Uint8Array(0);
  let ended = false;
  return {
    async next(size) {
      // Collect pieces until one chunk is full; copy only into the chunk itself.
      const pieces: Uint8Array[] = [];
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
        pieces.push(pending.subarray(0, take));
        pending = pending.subarray(take);
        have += take;
      }
      if (have === 0) return null;
      if (pieces.length === 1) return pieces[0]!.slice();
      const chunk = new Uint8Array(have);
      let at = 0;
      for (const piece of pieces) {
        chunk.set(piece, at);
        at += piece.byteLength;
      }
      return chunk;
    },
    async cancel() {
      ended = true;
      await iterator.return?.();
    },
  };
}
