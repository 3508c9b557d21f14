import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ALIGNMENT,
  type FakeGoogleDrive,
  SINGLE_REQUEST_LIMIT,
  startFakeGoogleDrive,
} from '../../../test/fakes/google-drive.js';
import { uploadToGoogleDrive } from './google-drive.js';
import type { UploadEnvironment, UploadOptions, UploadProgress } from './types.js';

const MiB = 1024 * 1024;
const MULTIPART = '/upload/drive/v3/files?uploadType=multipart&fields=id,name,size&supportsAllDrives=true';
/** Ids for new files, asked for before a body that may be small is read (ten per token source). */
const IDS = 'GET /drive/v3/files/generateIds?count=10&space=drive&type=files 200';
const RESUMABLE = '/upload/drive/v3/files?uploadType=resumable&fields=id,name,size&supportsAllDrives=true';

let fake: FakeGoogleDrive;
let waits: number[];
let env: UploadEnvironment;

beforeEach(async () => {
  fake = await startFakeGoogleDrive({ tokens: ['drive-token'] });
  fake.folders.add('folder1');
  waits = [];
  // Records the waits instead of waiting, so retries are instant and their delays can be asserted.
  env = { fetch, endpoints: fake.endpoints, sleep: async (ms) => void waits.push(ms) };
});
afterEach(() => fake.close());

function tokens(initial = 'drive-token', fresh = 'drive-token') {
  let current = initial;
  const source = {
    refreshes: 0,
    get: async () => current,
    refresh: async () => {
      source.refreshes++;
      current = fresh;
      return current;
    },
  };
  return source;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A ReadableStream handing the bytes over in uneven pieces, as a network source would. */
function webStream(bytes: Uint8Array, piece = 100_000): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at + piece));
      at += piece;
    },
  });
}

function nodeStream(bytes: Uint8Array, piece = 65_536): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.byteLength; at += piece)
    pieces.push(Buffer.from(bytes.subarray(at, at + piece)));
  return Readable.from(pieces);
}

/** `METHOD Content-Range-or-path STATUS`, one line per request the fake received. */
const trace = () =>
  fake.requests.map(
    (r) =>
      `${r.method} ${r.headers['content-range'] ?? r.path.replace(/upload_id=[^&]+/, 'upload_id=…')} ${r.status}`,
  );

/** The Content-Range lines of an upload of `total` bytes in chunks of `chunk`, each answered `status`. */
function chunkLines(total: number, chunk: number, knownTotal: boolean): string[] {
  const lines: string[] = [];
  for (let start = 0; start < total; start += chunk) {
    const end = Math.min(start + chunk, total);
    const last = end === total && (knownTotal || end - start < chunk);
    lines.push(`PUT bytes ${start}-${end - 1}/${knownTotal || last ? total : '*'} ${last ? 200 : 308}`);
  }
  return lines;
}

async function upload(options: Partial<UploadOptions> & Pick<UploadOptions, 'body'>, source = tokens()) {
  const progress: UploadProgress[] = [];
  const result = await uploadToGoogleDrive(
    source,
    { path: 'folder1/data.bin', onProgress: (p) => progress.push(p), ...options },
    env,
  );
  return { result, progress };
}

function expectStored(result: { fileId: string | null }, bytes: Uint8Array) {
  const file = fake.files.get(result.fileId!);
  expect(file).toMatchObject({ size: bytes.byteLength, sha256: sha256(bytes) });
  expect(fake.files.size).toBe(1);
}

describe('uploadToGoogleDrive: small files', () => {
  it('sends a file of at most 5 MiB as one multipart request, metadata first', async () => {
    const bytes = randomBytes(1000);
    const { result, progress } = await upload({ body: bytes });
    expect(result).toEqual({
      success: true,
      remotePath: 'folder1/data.bin',
      fileId: expect.any(String),
      fileSize: 1000,
      errorMessage: null,
    });
    expect(trace()).toEqual([IDS, `POST ${MULTIPART} 200`]);
    const [ids, req] = fake.requests;
    expect(ids!.headers.authorization).toBe('Bearer [redacted]');
    expect(req!.headers['content-type']).toMatch(/^multipart\/related; boundary=custodian-[0-9a-f]{32}$/);
    expect(req!.headers.authorization).toBe('Bearer [redacted]');
    expect(fake.files.get(result.fileId!)).toMatchObject({ name: 'data.bin', parents: ['folder1'] });
    expectStored(result, bytes);
    expect(progress).toEqual([{ bytesUploaded: 1000, totalBytes: 1000 }]);
  });

  it('puts a bare name in My Drive (root) and sends exactly 5 MiB in one request', async () => {
    const bytes = randomBytes(SINGLE_REQUEST_LIMIT);
    const { result } = await upload({ path: 'report.pdf', body: new Blob([bytes]) });
    expect(result).toMatchObject({ success: true, remotePath: 'report.pdf', fileSize: SINGLE_REQUEST_LIMIT });
    expect(trace()).toEqual([IDS, `POST ${MULTIPART} 200`]);
    expect(fake.files.get(result.fileId!)).toMatchObject({ parents: ['root'] });
    expectStored(result, bytes);
  });

  it('reads a small stream of unknown size whole and sends it in one request', async () => {
    const bytes = randomBytes(300_000);
    const { result, progress } = await upload({ body: webStream(bytes) });
    expect(trace()).toEqual([IDS, `POST ${MULTIPART} 200`]);
    expectStored(result, bytes);
    expect(progress).toEqual([{ bytesUploaded: 300_000, totalBytes: null }]);
  });

  it('uploads an empty file', async () => {
    const { result } = await upload({ body: new Uint8Array(0) });
    expect(result).toMatchObject({ success: true, fileSize: 0 });
    expectStored(result, new Uint8Array(0));
  });

  it('makes one file when the answer to the upload is lost: the resend names the same id, Drive answers 409', async () => {
    const bytes = randomBytes(1000);
    fake.loseNextUploadAnswer();
    const { result } = await upload({ body: bytes });
    expect(result).toMatchObject({ success: true, fileSize: 1000, remotePath: 'folder1/data.bin' });
    expect(trace()).toEqual([
      IDS,
      `POST ${MULTIPART} 0`, // stored, but the connection closed before the answer
      `POST ${MULTIPART} 409`, // sent again: the id is taken, by this very upload
      `GET /drive/v3/files/${result.fileId}?fields=id,name,size&supportsAllDrives=true 200`,
    ]);
    expectStored(result, bytes); // one file, not two
  });

  it('uses a generated id once per upload, and asks for more only when a token source has none left', async () => {
    const source = tokens();
    const ids = new Set<string>();
    for (let i = 0; i < 11; i++) {
      const { result } = await upload({ path: `n${i}.bin`, body: randomBytes(10) }, source);
      expect(result.success).toBe(true);
      ids.add(result.fileId!);
    }
    expect(ids.size).toBe(11);
    expect(trace().filter((line) => line === IDS)).toHaveLength(2);
  });

  it('refuses paths Drive cannot mean, and sizes that contradict the body, without a request', async () => {
    for (const path of ['a/b/c.txt', '/c.txt', 'folder1/', '']) {
      const { result } = await upload({ path, body: new Uint8Array(1) });
      expect(result).toMatchObject({
        success: false,
        remotePath: path,
        errorMessage: expect.stringContaining('folderId/name'),
      });
    }
    const { result } = await upload({ body: new Uint8Array(10), size: 11 });
    expect(result.errorMessage).toBe('size says 11 bytes but the body has 10');
    const short = await upload({ body: webStream(randomBytes(10)), size: 11 });
    expect(short.result.errorMessage).toBe('the body ended after 10 bytes, but size says 11');
    const long = await upload({ body: webStream(randomBytes(12)), size: 11 });
    expect(long.result.errorMessage).toBe('the body is longer than size (11 bytes)');
    // Only the ids were asked for (before the streams were read); nothing was uploaded.
    expect(trace()).toEqual([IDS, IDS]);
  });
});

describe('uploadToGoogleDrive: resumable uploads', () => {
  it('switches to a resumable session one byte over the single-request limit', async () => {
    const bytes = randomBytes(SINGLE_REQUEST_LIMIT + 1);
    const { result, progress } = await upload({ body: bytes });
    expect(result).toMatchObject({
      success: true,
      remotePath: 'folder1/data.bin',
      fileSize: SINGLE_REQUEST_LIMIT + 1,
    });
    expect(trace()).toEqual([`POST ${RESUMABLE} 200`, `PUT bytes 0-5242880/5242881 200`]);
    const [open] = fake.requests;
    expect(open!.headers).toMatchObject({
      'content-type': 'application/json; charset=UTF-8',
      'x-upload-content-type': 'application/octet-stream',
      'x-upload-content-length': '5242881',
    });
    expect(fake.requests[1]!.path).toMatch(/upload_id=/);
    expect(fake.requests[1]!.headers.authorization).toBe('Bearer [redacted]');
    expectStored(result, bytes);
    expect(progress).toEqual([
      { bytesUploaded: SINGLE_REQUEST_LIMIT + 1, totalBytes: SINGLE_REQUEST_LIMIT + 1 },
    ]);
  });

  it('streams a ReadableStream of unknown size in chunks, naming the total on the last one', async () => {
    const total = 5 * MiB + 300 * 1024 + 7;
    const bytes = randomBytes(total);
    const { result, progress } = await upload({ body: webStream(bytes), chunkSize: MiB });
    expect(trace()).toEqual([IDS, `POST ${RESUMABLE} 200`, ...chunkLines(total, MiB, false)]);
    expect(fake.requests[1]!.headers['x-upload-content-length']).toBeUndefined();
    expectStored(result, bytes);
    expect(progress.map((p) => p.bytesUploaded)).toEqual([1, 2, 3, 4, 5].map((n) => n * MiB).concat(total));
    expect(progress.every((p) => p.totalBytes === null)).toBe(true);
  });

  it('ends a stream that stops on a chunk boundary with an empty `bytes */TOTAL` request', async () => {
    const bytes = randomBytes(6 * MiB);
    const { result } = await upload({ body: nodeStream(bytes), chunkSize: MiB });
    expect(trace()).toEqual([
      IDS,
      `POST ${RESUMABLE} 200`,
      ...[0, 1, 2, 3, 4, 5].map((n) => `PUT bytes ${n * MiB}-${(n + 1) * MiB - 1}/* 308`),
      `PUT bytes */${6 * MiB} 200`,
    ]);
    expectStored(result, bytes);
  });

  it('streams a Node Readable of declared size with the total on every chunk', async () => {
    const total = 6 * MiB + 123;
    const bytes = randomBytes(total);
    const { result } = await upload({ body: nodeStream(bytes), size: total, chunkSize: 2 * MiB });
    expect(trace()).toEqual([`POST ${RESUMABLE} 200`, ...chunkLines(total, 2 * MiB, true)]);
    expect(fake.requests[0]!.headers['x-upload-content-length']).toBe(String(total));
    expectStored(result, bytes);
  });

  it('slices a Blob into chunks', async () => {
    const bytes = randomBytes(7 * MiB);
    const { result } = await upload({ body: new Blob([bytes]), chunkSize: 3 * MiB });
    expect(trace()).toEqual([`POST ${RESUMABLE} 200`, ...chunkLines(7 * MiB, 3 * MiB, true)]);
    expectStored(result, bytes);
  });

  it('rounds chunkSize down to a multiple of 256 KiB (a Uint8Array here)', async () => {
    const bytes = randomBytes(6 * MiB);
    const { result } = await upload({ body: bytes, chunkSize: 1_000_000 });
    expect(trace()).toEqual([`POST ${RESUMABLE} 200`, ...chunkLines(6 * MiB, 3 * ALIGNMENT, true)]);
    expectStored(result, bytes);
  });
});

describe('uploadToGoogleDrive: failures', () => {
  const total = 6 * MiB + 5;

  it('resumes an interrupted chunk from what Drive stored, sending every byte once', async () => {
    const bytes = randomBytes(total);
    const { result } = await upload({
      body: bytes,
      chunkSize: MiB,
      // Cut the third chunk's connection after 300,000 bytes: Drive keeps one whole 256 KiB block of it.
      onProgress: (p) => p.bytesUploaded === 2 * MiB && fake.dropNextChunk(300_000),
    });
    expect(result.success).toBe(true);
    const resumeAt = 2 * MiB + ALIGNMENT;
    expect(trace().slice(3, 7)).toEqual([
      `PUT bytes ${2 * MiB}-${3 * MiB - 1}/${total} 0`,
      `PUT bytes */${total} 308`,
      `PUT bytes ${resumeAt}-${3 * MiB - 1}/${total} 308`,
      `PUT bytes ${3 * MiB}-${4 * MiB - 1}/${total} 308`,
    ]);
    expect(fake.requests[4]!.bodyLength).toBe(0);
    expect(waits).toHaveLength(1);
    // Every stored byte was stored once: the bytes that reached the fake are the file plus the dropped tail.
    const sent = fake.requests.filter((r) => r.method === 'PUT').reduce((sum, r) => sum + r.bodyLength, 0);
    expect(sent).toBe(total + (300_000 - ALIGNMENT));
    expectStored(result, bytes);
  });

  it('finishes when the answer to the last chunk was lost: the status query answers with the file', async () => {
    const bytes = randomBytes(total);
    const { result } = await upload({
      body: bytes,
      chunkSize: MiB,
      // The last chunk starts at 6 MiB: Drive stores it and completes the file, and the answer is lost.
      onProgress: (p) => p.bytesUploaded === 6 * MiB && fake.loseNextChunkAnswer(),
    });
    expect(result.success).toBe(true);
    expect(trace().slice(-2)).toEqual([
      `PUT bytes ${6 * MiB}-${total - 1}/${total} 0`,
      `PUT bytes */${total} 200`,
    ]);
    expect(fake.files.size).toBe(1);
    expectStored(result, bytes);
  });

  it('asks Drive after each 500 and carries on from its answer', async () => {
    const bytes = randomBytes(total);
    fake.failNextUploads(2);
    const { result } = await upload({ body: bytes, chunkSize: 4 * MiB });
    expect(trace()).toEqual([
      `POST ${RESUMABLE} 200`,
      `PUT bytes 0-${4 * MiB - 1}/${total} 500`,
      `PUT bytes */${total} 308`,
      `PUT bytes 0-${4 * MiB - 1}/${total} 500`,
      `PUT bytes */${total} 308`,
      `PUT bytes 0-${4 * MiB - 1}/${total} 308`,
      `PUT bytes ${4 * MiB}-${total - 1}/${total} 200`,
    ]);
    expect(waits).toHaveLength(2);
    expectStored(result, bytes);
  });

  it('sends again from the Range Drive reports when it stored less than a chunk', async () => {
    const bytes = randomBytes(total);
    fake.storeLessOfNextChunk(ALIGNMENT);
    const { result, progress } = await upload({ body: bytes, chunkSize: 4 * MiB });
    expect(trace()).toEqual([
      `POST ${RESUMABLE} 200`,
      `PUT bytes 0-${4 * MiB - 1}/${total} 308`,
      `PUT bytes ${ALIGNMENT}-${4 * MiB - 1}/${total} 308`,
      `PUT bytes ${4 * MiB}-${total - 1}/${total} 200`,
    ]);
    expect(progress.map((p) => p.bytesUploaded)).toEqual([ALIGNMENT, 4 * MiB, total]);
    expect(waits).toEqual([]);
    expectStored(result, bytes);
  });

  it('waits as long as a 429 Retry-After says, on a chunk and on a multipart request', async () => {
    const bytes = randomBytes(total);
    fake.rateLimitNextUploads(7);
    const { result } = await upload({ body: bytes, chunkSize: 4 * MiB });
    expect(trace().slice(1, 4)).toEqual([
      `PUT bytes 0-${4 * MiB - 1}/${total} 429`,
      `PUT bytes */${total} 308`,
      `PUT bytes 0-${4 * MiB - 1}/${total} 308`,
    ]);
    expect(waits).toEqual([7000]);
    expectStored(result, bytes);

    fake.requests.length = 0;
    fake.rateLimitNextUploads(3);
    const small = await upload({ body: randomBytes(10) });
    expect(small.result.success).toBe(true);
    expect(trace()).toEqual([IDS, `POST ${MULTIPART} 429`, `POST ${MULTIPART} 200`]);
    expect(waits).toEqual([7000, 3000]);
  });

  it('retries the 403 Drive answers for a rate limit, but not one for a full Drive', async () => {
    const bytes = randomBytes(total);
    fake.failNextUploads(1, 403);
    const { result } = await upload({ body: bytes, chunkSize: 4 * MiB });
    expect(trace().slice(1, 4)).toEqual([
      `PUT bytes 0-${4 * MiB - 1}/${total} 403`,
      `PUT bytes */${total} 308`,
      `PUT bytes 0-${4 * MiB - 1}/${total} 308`,
    ]);
    expectStored(result, bytes);

    fake.requests.length = 0;
    fake.failNextUploads(1, 403);
    expect((await upload({ body: randomBytes(10) })).result.success).toBe(true);
    expect(trace()).toEqual([IDS, `POST ${MULTIPART} 403`, `POST ${MULTIPART} 200`]);
    expect(waits).toHaveLength(2);

    fake.requests.length = 0;
    fake.failNextUploads(1, 403, 'storageQuotaExceeded');
    const full = await upload({ body: randomBytes(total), chunkSize: 4 * MiB });
    expect(full.result.errorMessage).toMatch(/^Drive refused a chunk: HTTP 403: .*storageQuotaExceeded/);
    expect(trace()).toEqual([
      `POST ${RESUMABLE} 200`,
      `PUT bytes 0-${4 * MiB - 1}/${total} 403`,
      `DELETE ${RESUMABLE}&upload_id=… 499`,
    ]);
  });

  it('refreshes the token once after a 401 and goes on with the new one', async () => {
    fake.validTokens = new Set(['fresh-token']);
    const source = tokens('stale-token', 'fresh-token');
    const bytes = randomBytes(total);
    const { result } = await upload({ body: bytes, chunkSize: 4 * MiB }, source);
    expect(source.refreshes).toBe(1);
    expect(trace()).toEqual([
      `POST ${RESUMABLE} 401`,
      `POST ${RESUMABLE} 200`,
      `PUT bytes 0-${4 * MiB - 1}/${total} 308`,
      `PUT bytes ${4 * MiB}-${total - 1}/${total} 200`,
    ]);
    expectStored(result, bytes);
  });

  it('fails after one refresh when the new token is refused too, without quoting a token', async () => {
    fake.validTokens = new Set(['nobody-has-this']);
    const source = tokens('stale-token', 'fresh-token');
    const { result } = await upload({ body: randomBytes(10) }, source);
    expect(source.refreshes).toBe(1);
    expect(result).toMatchObject({ success: false, fileId: null, fileSize: 0 });
    // The first request is the one for file ids.
    expect(result.errorMessage).toMatch(/^Drive could not generate a file id: HTTP 401: .*authError/);
    expect(result.errorMessage).not.toMatch(/stale-token|fresh-token/);
  });

  it('cancels the session at Drive when the signal aborts between chunks', async () => {
    const controller = new AbortController();
    const { result } = await upload({
      body: randomBytes(total),
      chunkSize: MiB,
      signal: controller.signal,
      onProgress: (p) => p.bytesUploaded === 2 * MiB && controller.abort(),
    });
    expect(result).toEqual({
      success: false,
      remotePath: 'folder1/data.bin',
      fileId: null,
      fileSize: 2 * MiB,
      errorMessage: 'the upload was cancelled',
    });
    expect(trace().slice(-1)).toEqual([`DELETE ${RESUMABLE}&upload_id=… 499`]);
    expect([...fake.sessions.values()][0]!.state).toBe('cancelled');
    expect(fake.files.size).toBe(0);
  });

  it('cancels the session when the signal aborts while a chunk is in flight', async () => {
    const controller = new AbortController();
    let puts = 0;
    // Starts the second chunk's request, then aborts it before any answer can arrive.
    env.fetch = (input, init) => {
      const pending = fetch(input, init);
      if (init?.method === 'PUT' && ++puts === 2) controller.abort();
      return pending;
    };
    const { result } = await upload({ body: randomBytes(total), chunkSize: MiB, signal: controller.signal });
    expect(result).toMatchObject({ success: false, fileSize: MiB, errorMessage: 'the upload was cancelled' });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 499 });
    expect([...fake.sessions.values()][0]!.state).toBe('cancelled');
  });

  it('answers promptly when aborted while the body source has stalled', async () => {
    const controller = new AbortController();
    const head = randomBytes(SINGLE_REQUEST_LIMIT + MiB);
    // Hands over 6 MiB, then never produces another byte nor ends.
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(head);
      },
      pull: () => new Promise(() => {}),
    });
    const { result } = await upload({
      body: stalled,
      chunkSize: MiB,
      signal: controller.signal,
      onProgress: (p) => p.bytesUploaded === 5 * MiB && setTimeout(() => controller.abort(), 50),
    });
    expect(result.errorMessage).toBe('the upload was cancelled');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 499 });
  });

  it('reports an expired session as a failure, without restarting', async () => {
    const { result } = await upload({
      body: randomBytes(total),
      chunkSize: MiB,
      onProgress: (p) => p.bytesUploaded === MiB && fake.expireSession(),
    });
    expect(result).toMatchObject({ success: false, fileSize: MiB, fileId: null });
    expect(result.errorMessage).toMatch(/^the upload session expired \(HTTP 404: .*notFound/);
    expect(trace().slice(-1)).toEqual([`PUT bytes ${MiB}-${2 * MiB - 1}/${total} 404`]);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('gives up after maxRetries failed attempts and cancels the session', async () => {
    fake.failNextUploads(10);
    env.maxRetries = 2;
    const { result } = await upload({ body: randomBytes(total), chunkSize: 4 * MiB });
    expect(result.errorMessage).toMatch(/^Drive failed a chunk 3 times: HTTP 500: .*backendError/);
    expect(trace().filter((line) => line.startsWith('PUT bytes 0-'))).toHaveLength(3);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 499 });
  });

  it('passes on a refusal Drive gives for the metadata (an unknown folder)', async () => {
    const { result } = await upload({ path: 'no-such-folder/x.bin', body: randomBytes(total) });
    expect(result.errorMessage).toMatch(
      /^Drive refused to start the upload: HTTP 404: .*File not found: no-such-folder/,
    );
  });
});

describe('uploadToGoogleDrive: memory', () => {
  it('uploads 1 GiB from a stream holding about one chunk', { timeout: 120_000 }, async () => {
    const total = 1024 * MiB;
    const block = randomBytes(MiB);
    const expected = createHash('sha256');
    let produced = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced === total) return controller.close();
        // A fresh copy each time, as a real source would hand over.
        const piece = new Uint8Array(block);
        piece[0] = produced / MiB; // vary the blocks so a misplaced chunk changes the digest
        expected.update(piece);
        produced += piece.byteLength;
        controller.enqueue(piece);
      },
    });
    let peak = 0;
    const { result } = await upload({
      body,
      size: total,
      onProgress: () => {
        const { arrayBuffers } = process.memoryUsage();
        peak = Math.max(peak, arrayBuffers);
      },
    });
    expect(result).toMatchObject({ success: true, fileSize: total });
    expect(fake.files.get(result.fileId!)).toMatchObject({ size: total, sha256: expected.digest('hex') });
    expect(fake.requests).toHaveLength(1 + 128);
    // 8 MiB chunks read into the same memory, fetch's copy, the fake's sockets: 52 MiB here (76–89
    // when each chunk was new memory), not 1 GiB.
    expect(peak).toBeLessThan(96 * MiB);
  });
});

/** A hand-written request, with headers fetch would not let through (a wrong Content-Length). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array | string = '',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${fake.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the fake Drive rejects what Drive rejects', () => {
  const auth = { authorization: 'Bearer drive-token' };
  const errorOf = (status: number, reason: string) => ({
    error: {
      code: status,
      message: expect.any(String),
      errors: [{ domain: 'global', reason, message: expect.any(String) }],
    },
  });

  async function openSession(headers: Record<string, string> = {}) {
    const answer = await raw(
      'POST',
      RESUMABLE,
      { ...auth, 'content-type': 'application/json; charset=UTF-8', ...headers },
      '{"name":"x"}',
    );
    expect(answer.status).toBe(200);
    return (
      new URL(answer.headers.location as string).pathname + new URL(answer.headers.location as string).search
    );
  }

  function put(
    session: string,
    range: string | undefined,
    body: Uint8Array | string = '',
    extra: Record<string, string> = {},
  ) {
    return raw(
      'PUT',
      session,
      {
        ...auth,
        ...(range ? { 'content-range': range } : {}),
        'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength),
        ...extra,
      },
      body,
    );
  }

  function multipartBody(boundary: string, metadata: string, media: Uint8Array | string) {
    return Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${metadata}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from(media),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
  }

  it('rejects a missing or unknown token with 401 authError', async () => {
    expect(await raw('POST', RESUMABLE, {}, '')).toMatchObject({
      status: 401,
      json: errorOf(401, 'authError'),
    });
    const wrong = await raw('POST', RESUMABLE, { authorization: 'Bearer other' }, '');
    expect(wrong).toMatchObject({ status: 401, json: errorOf(401, 'authError') });
    expect(fake.requests[1]!.headers.authorization).toBe('Bearer [redacted]');
  });

  it('rejects malformed multipart uploads, oversized media and unknown folders', async () => {
    const type = { ...auth, 'content-type': 'multipart/related; boundary=b' };
    expect(
      await raw('POST', MULTIPART, { ...auth, 'content-type': 'application/octet-stream' }, 'x'),
    ).toMatchObject({
      status: 400,
      json: errorOf(400, 'badRequest'),
    });
    const onePart = `--b\r\nContent-Type: application/json\r\n\r\n{"name":"x"}\r\n--b--\r\n`;
    expect((await raw('POST', MULTIPART, type, onePart)).status).toBe(400);
    expect((await raw('POST', MULTIPART, type, multipartBody('b', '{oops', 'x'))).status).toBe(400);
    const tooBig = multipartBody('b', '{"name":"x"}', new Uint8Array(SINGLE_REQUEST_LIMIT + 1));
    expect(await raw('POST', MULTIPART, type, tooBig)).toMatchObject({
      status: 413,
      json: errorOf(413, 'uploadTooLarge'),
    });
    const stranger = multipartBody('b', '{"name":"x","parents":["nope"]}', 'x');
    expect(await raw('POST', MULTIPART, type, stranger)).toMatchObject({
      status: 404,
      json: errorOf(404, 'notFound'),
    });
    const twoParents = multipartBody('b', '{"name":"x","parents":["root","folder1"]}', 'x');
    expect((await raw('POST', MULTIPART, type, twoParents)).status).toBe(403);
    expect(
      (await raw('POST', MULTIPART.replace('size', 'bogus'), type, multipartBody('b', '{}', 'x'))).status,
    ).toBe(400);
    expect((await raw('POST', MULTIPART, type, multipartBody('b', '{"name":"ok"}', 'x'))).status).toBe(200);
    expect(fake.files.size).toBe(1);
  });

  it('makes a file under a generated id once, refuses other ids, and serves files and ids by GET only', async () => {
    const type = { ...auth, 'content-type': 'multipart/related; boundary=b' };
    const generated = await raw(
      'GET',
      '/drive/v3/files/generateIds?count=2&space=drive&type=files',
      auth,
      '',
    );
    expect(generated).toMatchObject({ status: 200, json: { kind: 'drive#generatedIds', space: 'drive' } });
    const [id] = (generated.json as { ids: string[] }).ids;
    const withId = (fileId: string) => multipartBody('b', JSON.stringify({ id: fileId, name: 'x' }), 'x');
    expect(await raw('POST', MULTIPART, type, withId(id!))).toMatchObject({ status: 200, json: { id } });
    expect(await raw('POST', MULTIPART, type, withId(id!))).toMatchObject({
      status: 409,
      json: errorOf(409, 'conflict'),
    });
    expect(await raw('POST', MULTIPART, type, withId('made-up'))).toMatchObject({
      status: 400,
      json: errorOf(400, 'badRequest'),
    });
    expect(fake.files.size).toBe(1);
    expect(await raw('GET', `/drive/v3/files/${id}?fields=id,size`, auth, '')).toMatchObject({
      status: 200,
      json: { id, size: '1' },
    });
    expect((await raw('GET', '/drive/v3/files/nothing', auth, '')).status).toBe(404);
    expect((await raw('GET', '/drive/v3/files/generateIds?count=1001', auth, '')).status).toBe(400);
    expect((await raw('GET', '/drive/v3/files/generateIds?space=photos', auth, '')).status).toBe(400);
    expect((await raw('POST', '/drive/v3/files/generateIds', auth, '')).status).toBe(405);
    expect((await raw('GET', '/drive/v3/files/generateIds', {}, '')).status).toBe(401);
  });

  it('rejects a session start with a bad length or non-JSON metadata', async () => {
    const bad = await raw(
      'POST',
      RESUMABLE,
      { ...auth, 'content-type': 'application/json', 'x-upload-content-length': '-1' },
      '{}',
    );
    expect(bad).toMatchObject({ status: 400, json: errorOf(400, 'badRequest') });
    expect((await raw('POST', RESUMABLE, { ...auth, 'content-type': 'text/plain' }, '{}')).status).toBe(400);
  });

  it('rejects chunks without Content-Range, misaligned, out of place, of the wrong total or length', async () => {
    const session = await openSession({ 'x-upload-content-length': String(3 * ALIGNMENT) });
    const block = new Uint8Array(ALIGNMENT);
    expect(await put(session, undefined, block)).toMatchObject({
      status: 400,
      json: errorOf(400, 'badRequest'),
    });
    expect((await put(session, `bytes 0-99/*`, new Uint8Array(100))).status).toBe(400); // not a multiple of 256 KiB
    expect((await put(session, `bytes ${ALIGNMENT}-${2 * ALIGNMENT - 1}/*`, block)).status).toBe(400); // ahead
    expect((await put(session, `bytes 0-${ALIGNMENT - 1}/${5 * ALIGNMENT}`, block)).status).toBe(400); // wrong total
    expect(
      (await put(session, `bytes 0-${ALIGNMENT}/*`, block, { 'content-length': String(ALIGNMENT) })).status,
    ).toBe(400);
    expect((await put(session, 'bytes 0-x/*', block)).status).toBe(400);
    // A good chunk answers 308 with what is stored; sending it again overlaps and is refused.
    const ok = await put(session, `bytes 0-${ALIGNMENT - 1}/*`, block);
    expect(ok).toMatchObject({ status: 308, headers: { range: `bytes=0-${ALIGNMENT - 1}` } });
    expect((await put(session, `bytes 0-${ALIGNMENT - 1}/*`, block)).status).toBe(400);
    expect(
      (await put(session, `bytes ${ALIGNMENT}-${4 * ALIGNMENT - 1}/*`, new Uint8Array(3 * ALIGNMENT))).status,
    ).toBe(400); // past the total
    expect(fake.sessions.get(session.split('upload_id=')[1]!)!.received).toBe(ALIGNMENT);
  });

  it('requires a Content-Length on chunks', async () => {
    const session = await openSession();
    const answer = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${fake.url}${session}`,
        { method: 'PUT', headers: { ...auth, 'content-range': 'bytes 0-0/1' } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      // A write before end makes node:http use chunked transfer encoding: no Content-Length.
      req.write('x');
      req.end();
    });
    expect(answer).toBe(411);
  });

  it('answers status queries with 308 and Range (none before any byte), refuses a query with a body', async () => {
    const session = await openSession();
    const empty = await put(session, 'bytes */*');
    expect(empty.status).toBe(308);
    expect(empty.headers.range).toBeUndefined();
    expect((await put(session, 'bytes */*', 'x')).status).toBe(400);
    await put(session, `bytes 0-${ALIGNMENT - 1}/*`, new Uint8Array(ALIGNMENT));
    expect(await put(session, `bytes */${2 * ALIGNMENT}`)).toMatchObject({
      status: 308,
      headers: { range: `bytes=0-${ALIGNMENT - 1}` },
    });
    // The empty request naming the stored size as the total completes the upload.
    const done = await put(session, `bytes */${ALIGNMENT}`);
    expect(done).toMatchObject({
      status: 200,
      json: { id: expect.any(String), name: 'x', size: String(ALIGNMENT) },
    });
    expect((await put(session, `bytes ${ALIGNMENT}-${ALIGNMENT}/*`, 'x')).status).toBe(400); // already complete
  });

  it('answers 404 for an expired session and 499 for a cancelled one', async () => {
    const expired = await openSession();
    fake.expireSession(expired.split('upload_id=')[1]);
    expect(await put(expired, 'bytes */*')).toMatchObject({ status: 404, json: errorOf(404, 'notFound') });
    const cancelled = await openSession();
    expect((await raw('DELETE', cancelled, auth)).status).toBe(499);
    expect(await put(cancelled, 'bytes */*')).toMatchObject({
      status: 499,
      json: errorOf(499, 'clientClosedRequest'),
    });
  });
});
