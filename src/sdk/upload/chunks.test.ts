import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { chunkReader } from './body.js';
import { digest } from './digest.js';
import { send } from './request.js';

/**
 * Chunks: how they are read (into reused memory, each piece copied as it arrives, a stalled source
 * cancelled), how they leave (streamed with their length, which fetch does not copy, or as bytes:
 * the same on the wire) and how they are digested.
 */

interface Received {
  headers: IncomingHttpHeaders;
  sha256: string;
  length: number;
}
let server: Server;
let url: string;
const received: Received[] = [];
let failFirst = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    const hash = createHash('sha256');
    let length = 0;
    req.on('data', (piece: Buffer) => {
      hash.update(piece);
      length += piece.byteLength;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, sha256: hash.digest('hex'), length });
      const status = failFirst && received.length === 1 ? 500 : 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  failFirst = false;
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const env = (streamBodies?: boolean) => ({ fetch, sleep: async () => {}, streamBodies });

it.each([
  ['streamed (the default on Node)', undefined],
  ['as bytes', false],
])(
  'sends a large body %s with its Content-Length and not chunked, and again whole on a retry',
  async (_name, streamBodies) => {
    const body = randomBytes(3 * 1024 * 1024 + 5);
    failFirst = true;
    const response = await send({ url, method: 'POST', body }, { env: env(streamBodies) });
    expect(response.status).toBe(200);
    expect(received).toHaveLength(2);
    for (const request of received) {
      expect(request.headers['content-length']).toBe(String(body.byteLength));
      expect(request.headers['transfer-encoding']).toBeUndefined();
      expect(request).toMatchObject({ length: body.byteLength, sha256: sha256(body) });
    }
  },
);

it('sends a small body as bytes', async () => {
  await send({ url, method: 'POST', body: new Uint8Array([1, 2, 3]) }, { env: env() });
  expect(received[0]).toMatchObject({ length: 3, headers: { 'content-length': '3' } });
});

async function* pieces(source: Uint8Array, size: number) {
  for (let at = 0; at < source.byteLength; at += size) {
    // Overwritten as soon as the reader asks for the next piece, as a source reusing its buffer would.
    const piece = new Uint8Array(source.subarray(at, at + size));
    yield piece;
    piece.fill(0);
  }
}

it('reads chunks into the same memory with reuse, copying each piece as it arrives', async () => {
  const source = randomBytes(10_000);
  const reused = chunkReader(pieces(source, 300), { reuse: true });
  const first = (await reused.next(4000))!;
  expect(sha256(first)).toBe(sha256(source.subarray(0, 4000)));
  const firstMemory = first.buffer;
  const second = (await reused.next(4000))!;
  expect(second.buffer).toBe(firstMemory);
  expect(sha256(second)).toBe(sha256(source.subarray(4000, 8000)));
  const last = (await reused.next(4000))!;
  expect(sha256(last)).toBe(sha256(source.subarray(8000)));
  expect(await reused.next(4000)).toBeNull();

  const fresh = chunkReader(pieces(source, 300));
  const a = (await fresh.next(4000))!;
  const b = (await fresh.next(4000))!;
  expect(a.buffer).not.toBe(b.buffer);
  expect(sha256(a)).toBe(sha256(source.subarray(0, 4000)));
});

it('allocates reused memory whole at the size asked, never growing it through smaller buffers', async () => {
  // Growing a 32 MiB chunk from 16 MiB left the 16 MiB buffer resident beside it (Node 26: +66 MiB).
  const source = randomBytes(1024 * 1024);
  const reused = chunkReader(pieces(source, 64 * 1024), { reuse: true });
  const chunk = (await reused.next(24 * 1024 * 1024))!;
  expect(chunk.byteLength).toBe(source.byteLength);
  expect(chunk.buffer.byteLength).toBe(24 * 1024 * 1024);
  expect(sha256(chunk)).toBe(sha256(source));
});

it('grows a read larger than a chunk as the bytes come, whole at the end', async () => {
  const source = randomBytes(40 * 1024 * 1024 + 7);
  const reader = chunkReader(pieces(source, 1024 * 1024));
  const all = (await reader.next(64 * 1024 * 1024))!;
  expect(all.byteLength).toBe(source.byteLength);
  expect(sha256(all)).toBe(sha256(source));
});

it('digests as Web Crypto would', async () => {
  const bytes = randomBytes(5000);
  expect(Buffer.from((await digest('SHA-256', bytes))!).toString('hex')).toBe(sha256(bytes));
  const sha1 = Buffer.from(await crypto.subtle.digest('SHA-1', bytes)).toString('hex');
  expect(Buffer.from((await digest('SHA-1', bytes))!).toString('hex')).toBe(sha1);
});

it('cancels a stream whose source has stalled, ending the read that waits on it', async () => {
  let cancelled: unknown = 'not cancelled';
  const stalled = new ReadableStream<Uint8Array>({
    pull: () => new Promise(() => {}), // never delivers
    cancel: (reason) => {
      cancelled = reason;
    },
  });
  const reader = chunkReader(stalled);
  const waiting = reader.next(1024);
  await reader.cancel();
  expect(await waiting).toBeNull();
  expect(cancelled).toBeUndefined();
});

it('keeps only the bytes of a short read, not the room made for a large one', async () => {
  const reader = chunkReader(pieces(randomBytes(1000), 100));
  const small = (await reader.next(8 * 1024 * 1024))!;
  expect(small.byteLength).toBe(1000);
  expect(small.buffer.byteLength).toBe(1000);
});
