import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BLOCK_SIZE,
  type FakeDropboxContent,
  startFakeDropboxContent,
} from '../../../test/fakes/dropbox-content.js';
import {
  DROPBOX_SINGLE_REQUEST_LIMIT,
  dropboxChunkSize,
  headerSafeJson,
  uploadToDropbox,
} from './dropbox.js';
import type { AccessTokenSource, UploadBody, UploadEnvironment, UploadProgress } from './types.js';

const MiB = 1024 * 1024;
const LIMIT = DROPBOX_SINGLE_REQUEST_LIMIT;
let fake: FakeDropboxContent;
let waits: number[];

beforeEach(async () => {
  fake = await startFakeDropboxContent({ tokens: ['token'] });
  waits = [];
});
afterEach(() => fake.close());

/** The fake's host, and a sleep that records the wait instead of waiting. */
function environment(overrides: Partial<UploadEnvironment> = {}): UploadEnvironment {
  return {
    fetch,
    endpoints: { content: fake.url, api: fake.url },
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  };
}
const staticTokens = (): AccessTokenSource & { refresh: ReturnType<typeof vi.fn> } => ({
  get: async () => 'token',
  refresh: vi.fn(async () => 'token'),
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
/** Dropbox's content hash, computed independently of the uploader's. */
function dropboxHash(data: Uint8Array) {
  const outer = createHash('sha256');
  for (let at = 0; at < data.length; at += BLOCK_SIZE) {
    outer.update(
      createHash('sha256')
        .update(data.subarray(at, at + BLOCK_SIZE))
        .digest(),
    );
  }
  return outer.digest('hex');
}
const offsetOf = (arg: Record<string, unknown> | undefined) =>
  (arg?.cursor as { offset?: number } | undefined)?.offset;
/** What the fake received, one line per request: route, cursor offset, body bytes, answer. */
const calls = () =>
  fake.requests.map((r) => [r.path.replace('/2/files/', ''), offsetOf(r.arg), r.bodyLength, r.status]);
const stored = (path: string) => fake.files.get(path.toLowerCase());

function streamOf(data: Uint8Array, piece = 64 * 1024 + 13): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.slice(at, at + piece));
      at += piece;
    },
  });
}

describe('uploadToDropbox', () => {
  it('uploads a small file in one request, its non-ASCII path escaped in Dropbox-API-Arg', async () => {
    const data = randomBytes(1000);
    const progress: UploadProgress[] = [];
    const path = '/Fotos/été 🎉.txt';
    const result = await uploadToDropbox(
      staticTokens(),
      { path, body: data, onProgress: (p) => progress.push(p) },
      environment(),
    );

    expect(result).toEqual({
      success: true,
      remotePath: path,
      fileId: stored(path)!.id,
      fileSize: 1000,
      errorMessage: null,
    });
    expect(stored(path)).toMatchObject({ size: 1000, sha256: sha256(data) });
    expect(progress).toEqual([{ bytesUploaded: 1000, totalBytes: 1000 }]);
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/2/files/upload', bodyLength: 1000, status: 200 });
    expect(request!.headers).toMatchObject({
      authorization: 'Bearer [redacted]',
      'content-type': 'application/octet-stream',
      'dropbox-api-arg': `{"path":"/Fotos/\\u00e9t\\u00e9 \\ud83c\\udf89.txt","mode":"overwrite","autorename":false,"mute":false,"content_hash":"${dropboxHash(data)}"}`,
    });
    expect(request!.arg).toEqual({
      path,
      mode: 'overwrite',
      autorename: false,
      mute: false,
      content_hash: dropboxHash(data),
    });
  });

  it('sends exactly 150 MiB in one request', async () => {
    const data = randomBytes(LIMIT);
    const result = await uploadToDropbox(staticTokens(), { path: '/big.bin', body: data }, environment());
    expect(result).toMatchObject({ success: true, fileSize: LIMIT });
    expect(calls()).toEqual([['upload', undefined, LIMIT, 200]]);
    expect(stored('/big.bin')).toMatchObject({ size: LIMIT, sha256: sha256(data) });
  });

  it('sends one byte more through a session of 8 MiB chunks, the rest with finish', async () => {
    const data = randomBytes(LIMIT + 1);
    const progress: number[] = [];
    const result = await uploadToDropbox(
      staticTokens(),
      { path: '/big.bin', body: data, onProgress: (p) => progress.push(p.bytesUploaded) },
      environment(),
    );
    expect(result).toMatchObject({ success: true, fileSize: LIMIT + 1 });
    const appends = Array.from({ length: 17 }, (_, i) => [
      'upload_session/append_v2',
      (i + 1) * 8 * MiB,
      8 * MiB,
      200,
    ]);
    expect(calls()).toEqual([
      ['upload_session/start', undefined, 8 * MiB, 200],
      ...appends,
      ['upload_session/finish', 144 * MiB, 6 * MiB + 1, 200],
    ]);
    expect(fake.requests[0]!.arg).toEqual({
      close: false,
      content_hash: dropboxHash(data.subarray(0, 8 * MiB)),
    });
    expect(fake.requests.at(-1)!.arg).toEqual({
      cursor: { session_id: expect.stringMatching(/^pid_upload_session:/), offset: 144 * MiB },
      commit: { path: '/big.bin', mode: 'overwrite', autorename: false, mute: false },
      content_hash: dropboxHash(data.subarray(144 * MiB)),
    });
    expect(progress).toEqual([...Array.from({ length: 18 }, (_, i) => (i + 1) * 8 * MiB), LIMIT + 1]);
    expect(stored('/big.bin')).toMatchObject({
      size: LIMIT + 1,
      sha256: sha256(data),
      contentHash: dropboxHash(data),
    });
  });

  const small = randomBytes(10 * MiB + 5);
  const large = randomBytes(LIMIT + 5 * MiB + 7);
  it.each<[string, () => UploadBody, Uint8Array, number, number[]]>([
    [
      'a ReadableStream (size unknown)',
      () => streamOf(small),
      small,
      4 * MiB,
      [4 * MiB, 4 * MiB, 2 * MiB + 5],
    ],
    [
      'a Node Readable',
      () => Readable.from(streamOf(small)),
      small,
      4 * MiB,
      [4 * MiB, 4 * MiB, 2 * MiB + 5],
    ],
    ['a Blob', () => new Blob([large]), large, 64 * MiB, [64 * MiB, 64 * MiB, 27 * MiB + 7]],
    ['a Uint8Array', () => large, large, 64 * MiB, [64 * MiB, 64 * MiB, 27 * MiB + 7]],
  ])('uploads %s in chunks', async (_, body, data, chunkSize, sizes) => {
    const result = await uploadToDropbox(
      staticTokens(),
      { path: '/f.bin', body: body(), chunkSize },
      environment(),
    );
    expect(result).toMatchObject({ success: true, fileSize: data.length });
    expect(calls()).toEqual([
      ['upload_session/start', undefined, sizes[0], 200],
      ['upload_session/append_v2', sizes[0], sizes[1], 200],
      ['upload_session/finish', sizes[0]! + sizes[1]!, sizes[2], 200],
    ]);
    expect(stored('/f.bin')).toMatchObject({ size: data.length, sha256: sha256(data) });
  });

  it('sends a stream that ends within its first chunk in one request', async () => {
    const data = randomBytes(3 * MiB);
    const result = await uploadToDropbox(
      staticTokens(),
      { path: '/s.bin', body: streamOf(data) },
      environment(),
    );
    expect(result).toMatchObject({ success: true, fileSize: 3 * MiB });
    expect(calls()).toEqual([['upload', undefined, 3 * MiB, 200]]);
  });

  it('rounds the chunk size to whole 4 MiB blocks between 4 and 148 MiB', () => {
    expect(dropboxChunkSize()).toBe(8 * MiB);
    expect(dropboxChunkSize(1)).toBe(4 * MiB);
    expect(dropboxChunkSize(11 * MiB)).toBe(8 * MiB);
    expect(dropboxChunkSize(1024 * MiB)).toBe(148 * MiB);
  });

  it('escapes every character past 0x7E in the header JSON', () => {
    expect(headerSafeJson({ path: '/a\u007fé日🎉' })).toBe(
      '{"path":"/a\\u007f\\u00e9\\u65e5\\ud83c\\udf89"}',
    );
    expect(JSON.parse(headerSafeJson({ path: '/é🎉' }))).toEqual({ path: '/é🎉' });
  });

  describe('interrupted', () => {
    const data = randomBytes(12 * MiB + 3);
    const upload = () =>
      uploadToDropbox(
        staticTokens(),
        { path: '/r.bin', body: streamOf(data), chunkSize: 4 * MiB },
        environment(),
      );
    const expectStoredOnce = () =>
      expect(stored('/r.bin')).toMatchObject({ size: data.length, sha256: sha256(data) });

    it('sends a chunk again when its connection dropped midway: the fake kept none of it', async () => {
      fake.dropNext(1, MiB, 'append');
      expect(await upload()).toMatchObject({ success: true, fileSize: data.length });
      expect(calls()).toEqual([
        ['upload_session/start', undefined, 4 * MiB, 200],
        ['upload_session/append_v2', 4 * MiB, MiB, 0],
        ['upload_session/append_v2', 4 * MiB, 4 * MiB, 200],
        ['upload_session/append_v2', 8 * MiB, 4 * MiB, 200],
        ['upload_session/finish', 12 * MiB, 3, 200],
      ]);
      expect(waits).toHaveLength(1);
      expectStoredOnce();
    });

    it('goes on where Dropbox is when a chunk was taken but its answer lost (incorrect_offset)', async () => {
      fake.loseResponseNext(1, 'append');
      expect(await upload()).toMatchObject({ success: true, fileSize: data.length });
      expect(calls()).toEqual([
        ['upload_session/start', undefined, 4 * MiB, 200],
        ['upload_session/append_v2', 4 * MiB, 4 * MiB, 0],
        ['upload_session/append_v2', 4 * MiB, 4 * MiB, 409], // "I have it": correct_offset 8 MiB
        ['upload_session/append_v2', 8 * MiB, 4 * MiB, 200],
        ['upload_session/finish', 12 * MiB, 3, 200],
      ]);
      expectStoredOnce();
    });

    it('finishes with no data when finish appended its data but the commit was cut off', async () => {
      // Dropbox appends finish's data before it writes the file; here the answer after the append is
      // lost (the wrapper appends the data itself, then fails as a dropped connection would).
      let cut = false;
      const cutting: typeof fetch = async (input, init) => {
        if (!cut && String(input).endsWith('/finish')) {
          cut = true;
          const arg = JSON.parse(new Headers(init?.headers).get('dropbox-api-arg')!);
          const headers = {
            ...Object.fromEntries(new Headers(init?.headers)),
            'dropbox-api-arg': JSON.stringify({ cursor: arg.cursor, close: true }),
          };
          await fetch(`${fake.url}/2/files/upload_session/append_v2`, { ...init, headers });
          throw new TypeError('fetch failed');
        }
        return fetch(input, init);
      };
      const result = await uploadToDropbox(
        staticTokens(),
        { path: '/r.bin', body: streamOf(data), chunkSize: 4 * MiB },
        environment({ fetch: cutting }),
      );
      expect(result).toMatchObject({ success: true, fileSize: data.length });
      expect(calls().slice(-3)).toEqual([
        ['upload_session/append_v2', 12 * MiB, 3, 200], // the wrapper's stand-in for finish's append
        ['upload_session/finish', 12 * MiB, 3, 409], // lookup_failed/incorrect_offset: 12 MiB + 3
        ['upload_session/finish', 12 * MiB + 3, 0, 200],
      ]);
      expectStoredOnce();
    });

    it('finds the file by its content hash when the answer to finish was lost', async () => {
      fake.loseResponseNext(1, 'finish');
      const result = await upload();
      expect(result).toMatchObject({ success: true, fileSize: data.length, remotePath: '/r.bin' });
      expect(result.fileId).toBe(stored('/r.bin')!.id);
      expect(calls().slice(-3)).toEqual([
        ['upload_session/finish', 12 * MiB, 3, 0], // stored, but the connection closed before the answer
        ['upload_session/finish', 12 * MiB, 3, 409], // lookup_failed/not_found: the session is used up
        ['get_metadata', undefined, JSON.stringify({ path: '/r.bin' }).length, 200],
      ]);
      expectStoredOnce();
    });

    it('reports the failure when the file at the path is not what was sent', async () => {
      fake.loseResponseNext(1, 'finish');
      // Someone else writes the path between the lost answer and the lookup.
      const meddling: typeof fetch = async (input, init) => {
        if (String(input).endsWith('/get_metadata')) {
          await fetch(`${fake.url}/2/files/upload`, {
            method: 'POST',
            headers: {
              authorization: 'Bearer token',
              'content-type': 'application/octet-stream',
              'dropbox-api-arg': JSON.stringify({ path: '/r.bin', mode: 'overwrite' }),
            },
            body: new Uint8Array([1, 2, 3]),
          });
        }
        return fetch(input, init);
      };
      const result = await uploadToDropbox(
        staticTokens(),
        { path: '/r.bin', body: streamOf(data), chunkSize: 4 * MiB },
        environment({ fetch: meddling }),
      );
      expect(result).toMatchObject({ success: false, fileId: null });
      expect(result.errorMessage).toMatch(
        /^Dropbox refused upload_session\/finish \(HTTP 409\): lookup_failed/,
      );
      expect(stored('/r.bin')).toMatchObject({ size: 3 });
    });

    it('retries a chunk answered 500, with backoff', async () => {
      fake.failNext(2, { route: 'append' });
      expect(await upload()).toMatchObject({ success: true });
      expect(
        calls()
          .filter(([route]) => route === 'upload_session/append_v2')
          .map((c) => c[3]),
      ).toEqual([500, 500, 200, 200]);
      expect(waits).toHaveLength(2);
      expectStoredOnce();
    });

    it('waits as long as a 429 Retry-After says', async () => {
      fake.rateLimitNext(1, 7, 'append');
      expect(await upload()).toMatchObject({ success: true });
      expect(waits).toEqual([7000]);
      expect(calls()[1]).toEqual(['upload_session/append_v2', 4 * MiB, 4 * MiB, 429]);
      expectStoredOnce();
    });

    it('fails, without starting over, when the session expired', async () => {
      const result = await uploadToDropbox(
        staticTokens(),
        { path: '/r.bin', body: streamOf(data), chunkSize: 4 * MiB, onProgress: () => fake.expireSessions() },
        environment(),
      );
      expect(result).toEqual({
        success: false,
        remotePath: '/r.bin',
        fileId: null,
        fileSize: 4 * MiB,
        errorMessage: 'Dropbox refused upload_session/append_v2 (HTTP 409): not_found/..',
      });
      expect(calls()).toEqual([
        ['upload_session/start', undefined, 4 * MiB, 200],
        ['upload_session/append_v2', 4 * MiB, 4 * MiB, 409],
      ]);
    });
  });

  it('refreshes the token once after a 401', async () => {
    let current = 'old';
    const tokens = { get: async () => current, refresh: vi.fn(async () => (current = 'new')) };
    fake.validTokens = new Set(['new']);
    const result = await uploadToDropbox(tokens, { path: '/a.txt', body: new Uint8Array(10) }, environment());
    expect(result.success).toBe(true);
    expect(tokens.refresh).toHaveBeenCalledOnce();
    expect(calls()).toEqual([
      ['upload', undefined, 10, 401],
      ['upload', undefined, 10, 200],
    ]);
  });

  it('answers a second 401 as a failure that names no token', async () => {
    fake.validTokens = new Set();
    const tokens = { get: async () => 'secret-token-1', refresh: vi.fn(async () => 'secret-token-2') };
    const result = await uploadToDropbox(tokens, { path: '/a.txt', body: new Uint8Array(10) }, environment());
    expect(result).toMatchObject({
      success: false,
      errorMessage: 'Dropbox refused upload (HTTP 401): invalid_access_token/..',
    });
    expect(tokens.refresh).toHaveBeenCalledOnce();
    expect(result.errorMessage).not.toContain('secret');
  });

  describe('cancelled', () => {
    const data = randomBytes(12 * MiB);

    it('stops after the chunk in flight; Dropbox has no session cancel, so the session is left to expire', async () => {
      const controller = new AbortController();
      const result = await uploadToDropbox(
        staticTokens(),
        {
          path: '/c.bin',
          body: streamOf(data),
          chunkSize: 4 * MiB,
          signal: controller.signal,
          onProgress: () => controller.abort(),
        },
        environment(),
      );
      expect(result).toEqual({
        success: false,
        remotePath: '/c.bin',
        fileId: null,
        fileSize: 4 * MiB,
        errorMessage: 'the upload was cancelled',
      });
      expect(calls()).toEqual([['upload_session/start', undefined, 4 * MiB, 200]]);
      expect([...fake.sessions.values()]).toMatchObject([{ size: 4 * MiB, closed: false }]);
      expect(fake.files.size).toBe(0);
    });

    it('answers at once when the source stalls', async () => {
      const controller = new AbortController();
      const stalled = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
      setTimeout(() => controller.abort(), 50);
      const result = await uploadToDropbox(
        staticTokens(),
        { path: '/c.bin', body: stalled, signal: controller.signal },
        environment(),
      );
      expect(result).toMatchObject({ success: false, errorMessage: 'the upload was cancelled' });
      expect(fake.requests).toHaveLength(0);
    });

    it('answers at once when aborted during a backoff', async () => {
      const controller = new AbortController();
      fake.failNext(1, { route: 'upload' });
      const sleep = (_ms: number, signal?: AbortSignal) => {
        controller.abort();
        return Promise.reject(signal?.reason);
      };
      const result = await uploadToDropbox(
        staticTokens(),
        { path: '/c.bin', body: data, signal: controller.signal },
        environment({ sleep }),
      );
      expect(result).toMatchObject({ success: false, errorMessage: 'the upload was cancelled' });
    });
  });

  it('refuses a body shorter than its announced size before committing anything', async () => {
    const data = randomBytes(10 * MiB);
    const result = await uploadToDropbox(
      staticTokens(),
      { path: '/short.bin', body: streamOf(data), size: LIMIT + 1, chunkSize: 4 * MiB },
      environment(),
    );
    expect(result).toMatchObject({
      success: false,
      errorMessage: `the body does not have the ${LIMIT + 1} bytes announced`,
    });
    expect(calls().map((c) => c[0])).not.toContain('upload_session/finish');
    expect(fake.files.size).toBe(0);
  });

  it("keeps an existing file with mode 'add': a conflict, or a new name with autorename", async () => {
    await uploadToDropbox(staticTokens(), { path: '/n.txt', body: new Uint8Array([1]) }, environment());
    const conflict = await uploadToDropbox(
      staticTokens(),
      { path: '/n.txt', body: new Uint8Array([2]), mode: 'add' },
      environment(),
    );
    expect(conflict).toMatchObject({
      success: false,
      errorMessage: 'Dropbox refused upload (HTTP 409): path/conflict/file/..',
    });
    const renamed = await uploadToDropbox(
      staticTokens(),
      { path: '/n.txt', body: new Uint8Array([2]), mode: 'add', autorename: true },
      environment(),
    );
    expect(renamed).toMatchObject({ success: true, remotePath: '/n (1).txt' });
  });
});

describe('the fake Dropbox content host rejects', () => {
  const hashOf = (body: Uint8Array) => dropboxHash(body);
  async function post(
    route: string,
    arg: unknown,
    body: Uint8Array = new Uint8Array(0),
    headers: Record<string, string | undefined> = {},
  ) {
    const all: Record<string, string | undefined> = {
      authorization: 'Bearer token',
      'content-type': 'application/octet-stream',
      'dropbox-api-arg': JSON.stringify(arg),
      ...headers,
    };
    const defined = Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined);
    const response = await fetch(`${fake.url}/2/files/${route}`, {
      method: 'POST',
      headers: defined,
      body: body as Uint8Array<ArrayBuffer>,
    });
    const text = await response.text();
    let json: { error_summary?: string; error?: Record<string, unknown> } | undefined;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: response.status, text, json };
  }
  const block = () => new Uint8Array(BLOCK_SIZE);
  async function openSession(data = block()) {
    const { json } = await post('upload_session/start', { close: false }, data);
    return (json as unknown as { session_id: string }).session_id;
  }
  const upload = { path: '/x.txt', mode: 'overwrite' };

  it('get_metadata that is not a JSON body with a known path (400), or of a missing path (409)', async () => {
    const metadata = (body: string, type = 'application/json') =>
      fetch(`${fake.url}/2/files/get_metadata`, {
        method: 'POST',
        headers: { authorization: 'Bearer token', 'content-type': type },
        body,
      });
    expect((await metadata('{"path":"/x.txt"}', 'application/octet-stream')).status).toBe(400);
    expect((await metadata('{"path":"/x.txt","recursive":true}')).status).toBe(400);
    expect((await metadata('{}')).status).toBe(400);
    const missing = await metadata('{"path":"/x.txt"}');
    expect(missing.status).toBe(409);
    expect(await missing.json()).toMatchObject({ error: { '.tag': 'path', path: { '.tag': 'not_found' } } });
    await post('upload', upload, new Uint8Array([7]));
    const found = await metadata('{"path":"/X.txt"}');
    expect(await found.json()).toMatchObject({ '.tag': 'file', path_display: '/x.txt', size: 1 });
  });

  it('a call without Authorization (400)', async () => {
    const r = await post('upload', upload, undefined, { authorization: undefined });
    expect(r.status).toBe(400);
    expect(r.text).toContain('Must provide HTTP header "Authorization"');
  });

  it('an unknown token (401 invalid_access_token)', async () => {
    const r = await post('upload', upload, undefined, { authorization: 'Bearer nope' });
    expect(r).toMatchObject({ status: 401, json: { error: { '.tag': 'invalid_access_token' } } });
  });

  it('a call without Dropbox-API-Arg, with non-ASCII in it, or with no JSON object (400)', async () => {
    expect((await post('upload', upload, undefined, { 'dropbox-api-arg': undefined })).text).toContain(
      'Must provide HTTP header "Dropbox-API-Arg"',
    );
    const raw = await post('upload', upload, undefined, { 'dropbox-api-arg': '{"path":"/é.txt"}' });
    expect(raw).toMatchObject({
      status: 400,
      text: expect.stringContaining('could not decode input as JSON'),
    });
    expect((await post('upload', upload, undefined, { 'dropbox-api-arg': '[1]' })).status).toBe(400);
  });

  it('another Content-Type (400)', async () => {
    const r = await post('upload', upload, undefined, { 'content-type': 'application/json' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('Bad HTTP "Content-Type" header: "application/json"');
  });

  it('a malformed argument: a relative path, a bad mode, no cursor, a concurrent session (400)', async () => {
    expect((await post('upload', { path: 'x.txt' })).status).toBe(400);
    expect((await post('upload', { path: '/x.txt', mode: 'replace' })).status).toBe(400);
    expect((await post('upload_session/append_v2', { close: false })).status).toBe(400);
    expect((await post('upload_session/start', { session_type: 'concurrent' })).status).toBe(400);
  });

  it('another method or route', async () => {
    expect((await fetch(`${fake.url}/2/files/upload`)).status).toBe(405);
    expect((await post('upload_session/append', {})).status).toBe(404);
  });

  it('a body over 150 MiB (409 payload_too_large)', async () => {
    const r = await post('upload', upload, new Uint8Array(LIMIT + 1));
    expect(r).toMatchObject({ status: 409, json: { error: { '.tag': 'payload_too_large' } } });
    expect(fake.files.size).toBe(0);
  });

  it('data that does not match its content_hash (409 content_hash_mismatch)', async () => {
    const r = await post(
      'upload',
      { ...upload, content_hash: hashOf(new Uint8Array([1])) },
      new Uint8Array([2]),
    );
    expect(r).toMatchObject({ status: 409, json: { error_summary: 'content_hash_mismatch/..' } });
    expect((await post('upload', { ...upload, content_hash: 'abc' })).status).toBe(400);
  });

  it('an append at the wrong offset, telling the right one (409 incorrect_offset)', async () => {
    const id = await openSession();
    const r = await post(
      'upload_session/append_v2',
      { cursor: { session_id: id, offset: 2 * BLOCK_SIZE } },
      block(),
    );
    expect(r).toMatchObject({
      status: 409,
      json: {
        error_summary: 'incorrect_offset/..',
        error: { '.tag': 'incorrect_offset', correct_offset: BLOCK_SIZE },
      },
    });
    expect(fake.sessions.get(id)!.size).toBe(BLOCK_SIZE);
  });

  it('chunks or offsets that are not whole 4 MiB blocks, except the last chunk', async () => {
    const odd = await post('upload_session/start', { close: false }, new Uint8Array(1000));
    expect(odd).toMatchObject({
      status: 409,
      json: { error: { '.tag': 'concurrent_session_invalid_data_size' } },
    });
    const id = await openSession();
    const offset = await post(
      'upload_session/append_v2',
      { cursor: { session_id: id, offset: 1000 } },
      block(),
    );
    expect(offset).toMatchObject({
      status: 409,
      json: { error: { '.tag': 'concurrent_session_invalid_offset' } },
    });
    const size = await post(
      'upload_session/append_v2',
      { cursor: { session_id: id, offset: BLOCK_SIZE } },
      new Uint8Array(10),
    );
    expect(size).toMatchObject({
      status: 409,
      json: { error: { '.tag': 'concurrent_session_invalid_data_size' } },
    });
    const closing = await post(
      'upload_session/append_v2',
      { cursor: { session_id: id, offset: BLOCK_SIZE }, close: true },
      new Uint8Array(10),
    );
    expect(closing.status).toBe(200);
  });

  it('an unknown or expired session (409 not_found; lookup_failed/not_found on finish)', async () => {
    const cursor = { session_id: 'pid_upload_session:nope', offset: 0 };
    expect((await post('upload_session/append_v2', { cursor })).json).toMatchObject({
      error_summary: 'not_found/..',
    });
    const finish = await post('upload_session/finish', { cursor, commit: upload });
    expect(finish).toMatchObject({
      status: 409,
      json: {
        error_summary: 'lookup_failed/not_found/..',
        error: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_found' } },
      },
    });
    const id = await openSession();
    fake.advanceClock(7 * 24 * 3600 * 1000 + 1);
    const expired = await post(
      'upload_session/append_v2',
      { cursor: { session_id: id, offset: BLOCK_SIZE } },
      block(),
    );
    expect(expired.json).toMatchObject({ error: { '.tag': 'not_found' } });
  });

  it('an append to a closed session (409 closed) and a finish at the wrong offset', async () => {
    const id = await openSession();
    await post(
      'upload_session/append_v2',
      { cursor: { session_id: id, offset: BLOCK_SIZE }, close: true },
      new Uint8Array(5),
    );
    const closed = await post('upload_session/append_v2', {
      cursor: { session_id: id, offset: BLOCK_SIZE + 5 },
    });
    expect(closed.json).toMatchObject({ error: { '.tag': 'closed' } });
    const other = await openSession();
    const finish = await post('upload_session/finish', {
      cursor: { session_id: other, offset: 0 },
      commit: upload,
    });
    expect(finish.json).toMatchObject({
      error: {
        '.tag': 'lookup_failed',
        lookup_failed: { '.tag': 'incorrect_offset', correct_offset: BLOCK_SIZE },
      },
    });
  });

  it('a session growing past the largest file (409 too_large)', async () => {
    fake.maxFileSize = BLOCK_SIZE;
    const id = await openSession();
    const r = await post(
      'upload_session/append_v2',
      { cursor: { session_id: id, offset: BLOCK_SIZE } },
      block(),
    );
    expect(r.json).toMatchObject({ error: { '.tag': 'too_large' } });
  });

  it("a write over an existing file in mode 'add' (409 path/conflict)", async () => {
    await post('upload', upload, new Uint8Array([1]));
    const r = await post('upload', { ...upload, mode: 'add' }, new Uint8Array([2]));
    expect(r).toMatchObject({
      status: 409,
      json: {
        error_summary: 'path/conflict/file/..',
        error: { '.tag': 'path', reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } } },
      },
    });
    const same = await post('upload', { ...upload, mode: 'add' }, new Uint8Array([1]));
    expect(same.status).toBe(200); // identical contents are no conflict
  });
});
