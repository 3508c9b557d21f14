import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type FakeOneDrive,
  FRAGMENT_ALIGNMENT,
  SIMPLE_UPLOAD_LIMIT,
  startFakeOneDrive,
} from '../../../test/fakes/onedrive.js';
import { uploadToOneDrive } from './onedrive.js';
import { QuickXorHash } from './quickxor.js';
import type { AccessTokenSource, UploadEnvironment, UploadOptions } from './types.js';

let fake: FakeOneDrive;
let waits: number[];

beforeAll(async () => {
  fake = await startFakeOneDrive();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.files.clear();
  fake.cancelled.length = 0;
  fake.validTokens = new Set(['valid-token']);
  waits = [];
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function tokenSource(current = 'valid-token', renewed = 'valid-token') {
  return {
    get: vi.fn(async () => current),
    refresh: vi.fn(async () => {
      current = renewed;
      return current;
    }),
  } satisfies AccessTokenSource;
}

/** Points the uploader at the fake; `sleep` records waits instead of waiting. */
function environment(overrides: Partial<UploadEnvironment> = {}): UploadEnvironment {
  return {
    fetch,
    endpoints: { graph: fake.graph },
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  };
}

function upload(options: UploadOptions, tokens: AccessTokenSource = tokenSource(), env = environment()) {
  return uploadToOneDrive(tokens, options, env);
}

/** Every request as `METHOD path range`, with the session id replaced by `S`. */
function trace() {
  return fake.requests.map((r) =>
    [r.method, r.path.replace(/\/up\/[\w-]+/, '/up/S'), r.headers['content-range']].filter(Boolean).join(' '),
  );
}

/** The ranges `size` bytes are cut into with fragments of `fragment` bytes. */
function ranges(size: number, fragment: number) {
  const out: string[] = [];
  for (let start = 0; start < size; start += fragment) {
    out.push(`PUT /up/S bytes ${start}-${Math.min(start + fragment, size) - 1}/${size}`);
  }
  return out;
}

const CREATE = 'POST /v1.0/me/drive/root:/big.bin:/createUploadSession';
const FRAGMENT = 4 * FRAGMENT_ALIGNMENT; // 1,310,720
const MULTI = 4 * FRAGMENT + 123_456; // five fragments, the last short

/** Pieces of an awkward size so fragments never line up with them. */
function* pieces(bytes: Uint8Array, size = 100_003) {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.slice(at, at + size);
}

function readableStream(bytes: Uint8Array) {
  const iterator = pieces(bytes);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

describe('uploadToOneDrive: simple upload', () => {
  it('sends a small file in one PUT with the token and answers the driveItem', async () => {
    const bytes = randomBytes(1000);
    const progress = vi.fn();
    const result = await upload({ path: '/Docs/hello.txt', body: bytes, onProgress: progress });

    const file = fake.files.get('/Docs/hello.txt')!;
    expect(result).toEqual({
      success: true,
      remotePath: '/Docs/hello.txt',
      fileId: file.id,
      fileSize: 1000,
      errorMessage: null,
    });
    expect(file).toMatchObject({ size: 1000, sha256: sha256(bytes) });
    expect(trace()).toEqual(['PUT /v1.0/me/drive/root:/Docs/hello.txt:/content']);
    expect(fake.requests[0]!.headers).toMatchObject({
      authorization: 'Bearer [redacted]',
      'content-length': '1000',
      'content-type': 'application/octet-stream',
    });
    expect(progress.mock.calls).toEqual([[{ bytesUploaded: 1000, totalBytes: 1000 }]]);
  });

  it('URL-encodes each path segment and decodes the answered path', async () => {
    const result = await upload({
      path: 'Reports 2024/100% résumé #1.txt',
      body: new TextEncoder().encode('hi'),
    });
    expect(trace()).toEqual([
      'PUT /v1.0/me/drive/root:/Reports%202024/100%25%20r%C3%A9sum%C3%A9%20%231.txt:/content',
    ]);
    expect(result.remotePath).toBe('/Reports 2024/100% résumé #1.txt');
    expect(fake.files.get('/Reports 2024/100% résumé #1.txt')?.size).toBe(2);
  });

  it('sends a stream of unknown size in one PUT when it fits', async () => {
    const bytes = randomBytes(SIMPLE_UPLOAD_LIMIT);
    const result = await upload({ path: 'exact.bin', body: readableStream(bytes) });
    expect(result.success).toBe(true);
    expect(trace()).toEqual(['PUT /v1.0/me/drive/root:/exact.bin:/content']);
    expect(fake.files.get('/exact.bin')).toMatchObject({ size: bytes.byteLength, sha256: sha256(bytes) });
  });

  it('asks for options.size when a stream of unknown size is too big for one request', async () => {
    const result = await upload({
      path: 'big.bin',
      body: readableStream(randomBytes(SIMPLE_UPLOAD_LIMIT + 1)),
    });
    expect(result.success).toBe(false);
    expect(result.errorMessage).toMatch(/options\.size/);
    expect(fake.requests).toEqual([]);
  });

  it('refuses an empty path without a request', async () => {
    const result = await upload({ path: '//', body: new Uint8Array(1) });
    expect(result).toMatchObject({ success: false, errorMessage: expect.stringMatching(/path/) });
    expect(fake.requests).toEqual([]);
  });
});

describe('uploadToOneDrive: upload sessions', () => {
  it('opens a session for a file just over the limit and sends it without a token', async () => {
    const bytes = randomBytes(SIMPLE_UPLOAD_LIMIT + 1);
    const result = await upload({ path: 'big.bin', body: bytes });

    expect(trace()).toEqual([CREATE, `PUT /up/S bytes 0-${SIMPLE_UPLOAD_LIMIT}/${SIMPLE_UPLOAD_LIMIT + 1}`]);
    const [create, put] = fake.requests;
    expect(create!.headers.authorization).toBe('Bearer [redacted]');
    expect(JSON.parse(create!.body!)).toEqual({ item: { '@microsoft.graph.conflictBehavior': 'replace' } });
    expect(put!.headers.authorization).toBeUndefined();
    expect(put!.headers['content-length']).toBe(String(SIMPLE_UPLOAD_LIMIT + 1));
    const file = fake.files.get('/big.bin')!;
    expect(file).toMatchObject({ size: bytes.byteLength, sha256: sha256(bytes) });
    expect(result).toEqual({
      success: true,
      remotePath: '/big.bin',
      fileId: file.id,
      fileSize: bytes.byteLength,
      errorMessage: null,
    });
  });

  it('rounds chunkSize down to a multiple of 320 KiB', async () => {
    const bytes = randomBytes(SIMPLE_UPLOAD_LIMIT + 1);
    await upload({ path: 'big.bin', body: bytes, chunkSize: 2 * 1024 * 1024 });
    expect(trace()).toEqual([CREATE, ...ranges(bytes.byteLength, 6 * FRAGMENT_ALIGNMENT)]);
  });

  const bodies: Array<[string, (bytes: Uint8Array<ArrayBuffer>) => Pick<UploadOptions, 'body' | 'size'>]> = [
    ['a ReadableStream', (bytes) => ({ body: readableStream(bytes), size: bytes.byteLength })],
    ['a Node Readable', (bytes) => ({ body: Readable.from(pieces(bytes)), size: bytes.byteLength })],
    ['a Blob', (bytes) => ({ body: new Blob([bytes]) })],
    ['a Uint8Array', (bytes) => ({ body: bytes })],
  ];
  it.each(bodies)('uploads %s in fragments, reporting progress after each', async (_, make) => {
    const bytes = randomBytes(MULTI);
    const progress = vi.fn();
    const result = await upload({
      path: 'big.bin',
      ...make(bytes),
      chunkSize: FRAGMENT,
      onProgress: progress,
    });

    expect(result).toMatchObject({ success: true, fileSize: MULTI });
    expect(trace()).toEqual([CREATE, ...ranges(MULTI, FRAGMENT)]);
    expect(fake.files.get('/big.bin')).toMatchObject({ size: MULTI, sha256: sha256(bytes) });
    expect(progress.mock.calls.map(([p]) => p.bytesUploaded)).toEqual([
      FRAGMENT,
      2 * FRAGMENT,
      3 * FRAGMENT,
      4 * FRAGMENT,
      MULTI,
    ]);
  });

  it('fails when a stream is shorter or longer than options.size, cancelling the session', async () => {
    const bytes = randomBytes(MULTI);
    const short = await upload({
      path: 'big.bin',
      body: readableStream(bytes),
      size: MULTI + 1,
      chunkSize: FRAGMENT,
    });
    expect(short).toMatchObject({
      success: false,
      errorMessage: expect.stringMatching(/ended after 5366336 bytes/),
    });
    const long = await upload({
      path: 'big.bin',
      body: readableStream(bytes),
      size: MULTI - 1,
      chunkSize: FRAGMENT,
    });
    expect(long).toMatchObject({ success: false, errorMessage: expect.stringMatching(/longer/) });
    expect(fake.cancelled).toHaveLength(2);
    expect(fake.files.size).toBe(0);
  });

  it('refuses options.size that contradicts a Blob', async () => {
    const result = await upload({ path: 'big.bin', body: new Blob(['abc']), size: 4 });
    expect(result.errorMessage).toMatch(/differs/);
    expect(fake.requests).toEqual([]);
  });
});

describe('uploadToOneDrive: failures', () => {
  it('resumes after a connection drops mid-fragment, asking the session what it has', async () => {
    const bytes = randomBytes(MULTI);
    let armed = false;
    const result = await upload({
      path: 'big.bin',
      body: Readable.from(pieces(bytes)),
      size: MULTI,
      chunkSize: FRAGMENT,
      onProgress: () => {
        if (!armed) fake.dropNext(200_000); // cut the second fragment
        armed = true;
      },
    });

    expect(result).toMatchObject({ success: true, fileSize: MULTI });
    const [first, second, ...rest] = ranges(MULTI, FRAGMENT);
    expect(trace()).toEqual([CREATE, first, second, 'GET /up/S', second, ...rest]);
    const dropped = fake.requests[2]!;
    expect(dropped.bodyLength).toBeGreaterThanOrEqual(200_000);
    expect(dropped.bodyLength).toBeLessThan(FRAGMENT);
    // The fake stored every byte exactly once: the dropped bytes were discarded.
    expect(fake.files.get('/big.bin')).toMatchObject({ size: MULTI, sha256: sha256(bytes) });
  });

  it('skips a fragment the server stored although its answer was lost', async () => {
    const bytes = randomBytes(MULTI);
    fake.loseNextResponse();
    const result = await upload({ path: 'big.bin', body: bytes, chunkSize: FRAGMENT });
    expect(result.success).toBe(true);
    const [first, ...rest] = ranges(MULTI, FRAGMENT);
    expect(trace()).toEqual([CREATE, first, 'GET /up/S', ...rest]);
    expect(fake.files.get('/big.bin')).toMatchObject({ size: MULTI, sha256: sha256(bytes) });
  });

  /** Uploads MULTI random bytes whose last fragment is stored but not answered; `env` may watch the lookup. */
  async function loseLastAnswer(env = environment()) {
    const bytes = randomBytes(MULTI);
    const result = await upload(
      {
        path: 'big.bin',
        body: bytes,
        chunkSize: FRAGMENT,
        onProgress: ({ bytesUploaded }) => {
          if (bytesUploaded === 4 * FRAGMENT) fake.loseNextResponse();
        },
      },
      tokenSource(),
      env,
    );
    return { bytes, result };
  }
  const LOOKUP = 'GET /v1.0/me/drive/root:/big.bin:';

  it('takes the file OneDrive made when the last fragment’s answer was lost: same size and QuickXorHash', async () => {
    const { bytes, result } = await loseLastAnswer();
    const stored = fake.files.get('/big.bin')!;
    expect(stored).toMatchObject({ size: MULTI, sha256: sha256(bytes) });
    expect(result).toEqual({
      success: true,
      remotePath: '/big.bin',
      fileId: stored.id,
      fileSize: MULTI,
      errorMessage: null,
    });
    // The session is gone once the file is made, so the item itself is asked for, with the token.
    expect(trace()).toEqual([CREATE, ...ranges(MULTI, FRAGMENT), 'GET /up/S', LOOKUP]);
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer [redacted]');
  });

  it('fails as before when the file at the path is not the one sent (replaced in between)', async () => {
    const watching: typeof fetch = async (input, init) => {
      // Another writer replaces the file (same size, other bytes) before the uploader looks.
      if (String(input).endsWith('root:/big.bin:')) {
        const stored = fake.files.get('/big.bin')!;
        stored.quickXorHash = new QuickXorHash().update(new Uint8Array(MULTI)).digestBase64();
      }
      return fetch(input, init);
    };
    const { result } = await loseLastAnswer(environment({ fetch: watching }));
    expect(result).toMatchObject({
      success: false,
      fileId: null,
      errorMessage: expect.stringMatching(/session expired or no longer exists/),
    });
    expect(trace().at(-1)).toBe(LOOKUP);
  });

  it('fails as before when the lookup itself fails', async () => {
    const failing: typeof fetch = async (input, init) =>
      String(input).endsWith('root:/big.bin:')
        ? new Response('{"error":{"code":"notAllowed","message":"no"}}', { status: 403 })
        : fetch(input, init);
    const { result } = await loseLastAnswer(environment({ fetch: failing }));
    expect(result).toMatchObject({ success: false, errorMessage: expect.stringMatching(/no longer exists/) });
    expect(fake.files.get('/big.bin')?.size).toBe(MULTI); // stored, but not recognised: not claimed
  });

  it('asks the session after a 416 for a range it already has, and moves on', async () => {
    const bytes = randomBytes(MULTI);
    // A proxy that replays the first fragment: the server stores it, then refuses the replay with 416.
    let replayed = false;
    const replaying: typeof fetch = async (input, init) => {
      if (!replayed && init?.method === 'PUT' && String(input).includes('/up/')) {
        replayed = true;
        // The fragment may come as a stream (see request.ts), which can be read once: keep its bytes.
        const again = { ...init, body: new Uint8Array(await new Response(init.body).arrayBuffer()) };
        await (await fetch(input, again)).body?.cancel();
        return fetch(input, again);
      }
      return fetch(input, init);
    };
    const result = await upload(
      { path: 'big.bin', body: bytes, chunkSize: FRAGMENT },
      tokenSource(),
      environment({ fetch: replaying }),
    );
    expect(result.success).toBe(true);
    const [first, ...rest] = ranges(MULTI, FRAGMENT);
    expect(trace()).toEqual([CREATE, first, first, 'GET /up/S', ...rest]);
    expect(waits).toEqual([]); // a 416 is no reason to wait
    expect(fake.files.get('/big.bin')).toMatchObject({ size: MULTI, sha256: sha256(bytes) });
  });

  it('retries fragments that answer 500 with backoff, resuming from the status', async () => {
    const bytes = randomBytes(MULTI);
    fake.failNext(2);
    const result = await upload({ path: 'big.bin', body: bytes, chunkSize: FRAGMENT });
    expect(result.success).toBe(true);
    const [first, ...rest] = ranges(MULTI, FRAGMENT);
    expect(trace()).toEqual([CREATE, first, 'GET /up/S', first, 'GET /up/S', first, ...rest]);
    expect(waits).toHaveLength(2);
    expect(fake.files.get('/big.bin')?.sha256).toBe(sha256(bytes));
  });

  it('gives up after maxRetries failures and cancels the session', async () => {
    fake.failNext(3);
    const result = await upload(
      { path: 'big.bin', body: randomBytes(MULTI), chunkSize: FRAGMENT },
      tokenSource(),
      environment({ maxRetries: 2 }),
    );
    expect(result).toMatchObject({
      success: false,
      fileSize: 0,
      errorMessage: expect.stringMatching(/HTTP 500.*generalException/),
    });
    expect(trace().at(-1)).toBe('DELETE /up/S');
    expect(fake.cancelled).toHaveLength(1);
  });

  it('honours Retry-After on a throttled fragment and resends the same range', async () => {
    const bytes = randomBytes(MULTI);
    fake.throttleNext(7);
    const result = await upload({ path: 'big.bin', body: bytes, chunkSize: FRAGMENT });
    expect(result.success).toBe(true);
    const [first, ...rest] = ranges(MULTI, FRAGMENT);
    expect(trace()).toEqual([CREATE, first, first, ...rest]);
    expect(waits).toEqual([7000]);
  });

  it('honours Retry-After on a throttled simple upload', async () => {
    fake.throttleNext(3);
    const result = await upload({ path: 'a.txt', body: randomBytes(10) });
    expect(result.success).toBe(true);
    expect(trace()).toEqual([
      'PUT /v1.0/me/drive/root:/a.txt:/content',
      'PUT /v1.0/me/drive/root:/a.txt:/content',
    ]);
    expect(waits).toEqual([3000]);
  });

  it('refreshes the token once after a 401', async () => {
    fake.validTokens = new Set(['fresh-token']);
    const tokens = tokenSource('stale-token', 'fresh-token');
    const small = await upload({ path: 'a.txt', body: randomBytes(10) }, tokens);
    expect(small.success).toBe(true);
    expect(tokens.refresh).toHaveBeenCalledTimes(1);
    expect(trace()).toEqual([
      'PUT /v1.0/me/drive/root:/a.txt:/content',
      'PUT /v1.0/me/drive/root:/a.txt:/content',
    ]);

    fake.requests.length = 0;
    const sessionTokens = tokenSource('stale-token', 'fresh-token');
    const big = await upload(
      { path: 'big.bin', body: randomBytes(MULTI), chunkSize: FRAGMENT },
      sessionTokens,
    );
    expect(big.success).toBe(true);
    expect(sessionTokens.refresh).toHaveBeenCalledTimes(1);
    expect(trace()).toEqual([CREATE, CREATE, ...ranges(MULTI, FRAGMENT)]);
  });

  it('fails without leaking tokens when the refreshed token is refused too', async () => {
    fake.validTokens = new Set();
    const tokens = tokenSource('secret-one', 'secret-two');
    const result = await upload({ path: 'a.txt', body: randomBytes(10) }, tokens);
    expect(result).toMatchObject({
      success: false,
      fileId: null,
      errorMessage: expect.stringMatching(/HTTP 401.*InvalidAuthenticationToken/),
    });
    expect(result.errorMessage).not.toMatch(/secret/);
    expect(tokens.refresh).toHaveBeenCalledTimes(1);
  });

  it('cancels the session at OneDrive when aborted mid-upload', async () => {
    const controller = new AbortController();
    const result = await upload({
      path: 'big.bin',
      body: randomBytes(MULTI),
      chunkSize: FRAGMENT,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(result).toMatchObject({
      success: false,
      fileSize: FRAGMENT,
      errorMessage: 'the upload was cancelled',
    });
    const [first] = ranges(MULTI, FRAGMENT);
    expect(trace()).toEqual([CREATE, first, 'DELETE /up/S']);
    expect(fake.cancelled).toHaveLength(1);
    expect(fake.sessions.size).toBe(0);
  });

  it('stops promptly when aborted while waiting to retry', async () => {
    const controller = new AbortController();
    fake.throttleNext(60);
    const sleep = async (_ms: number, signal?: AbortSignal) => {
      controller.abort();
      signal?.throwIfAborted();
    };
    const result = await upload(
      { path: 'big.bin', body: randomBytes(MULTI), chunkSize: FRAGMENT, signal: controller.signal },
      tokenSource(),
      environment({ sleep }),
    );
    expect(result.errorMessage).toBe('the upload was cancelled');
    expect(trace()).toEqual([CREATE, ranges(MULTI, FRAGMENT)[0], 'DELETE /up/S']);
  });

  it('does not start when already aborted', async () => {
    const result = await upload({ path: 'a.txt', body: randomBytes(10), signal: AbortSignal.abort() });
    expect(result.errorMessage).toBe('the upload was cancelled');
    expect(fake.requests).toEqual([]);
  });

  it('reports an expired session', async () => {
    const result = await upload({
      path: 'big.bin',
      body: randomBytes(MULTI),
      chunkSize: FRAGMENT,
      onProgress: () => fake.expireSessions(),
    });
    expect(result).toMatchObject({
      success: false,
      fileSize: FRAGMENT,
      errorMessage: expect.stringMatching(/expired/),
    });
    const [first, second] = ranges(MULTI, FRAGMENT);
    expect(trace()).toEqual([CREATE, first, second]); // nothing to DELETE
  });
});

describe('uploadToOneDrive: a 1 GiB stream', () => {
  it('uploads with memory bounded by a fragment', { timeout: 180_000 }, async () => {
    const size = 1024 * 1024 * 1024;
    const expected = createHash('sha256');
    let made = 0;
    // Fresh random pieces, hashed as they are made: the test holds no more than the uploader.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (made >= size) return controller.close();
        const piece = randomBytes(Math.min(1024 * 1024, size - made));
        made += piece.byteLength;
        expected.update(piece);
        controller.enqueue(piece);
      },
    });
    const before = process.memoryUsage().rss;
    let peak = before;
    const result = await upload({
      path: 'big.bin',
      body,
      size,
      onProgress: () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    expect(result).toMatchObject({ success: true, fileSize: size });
    expect(fake.files.get('/big.bin')).toMatchObject({ size, sha256: expected.digest('hex') });
    expect(fake.requests).toHaveLength(1 + Math.ceil(size / (32 * FRAGMENT_ALIGNMENT)));
    // 10 MiB fragments read into the same memory each time: 77–81 MiB here, the test runner's own
    // share included (97–101 when each fragment was new memory).
    expect(peak - before).toBeLessThan(160 * 1024 * 1024);
  });
});

/** Hand-written requests that break one rule each: the fake must refuse them the way Graph does. */
describe('the fake OneDrive refuses', () => {
  const auth = { authorization: 'Bearer valid-token' };

  async function expectError(response: Response, status: number, code: string, message: RegExp) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code, message: expect.stringMatching(message) });
  }

  const put = (path: string, body: BodyInit, headers: Record<string, string> = auth) =>
    fetch(`${fake.graph}/me/drive/root:/${path}:/content`, { method: 'PUT', headers, body });

  async function openSession(path = 'v.bin', body = '{}') {
    const response = await fetch(`${fake.graph}/me/drive/root:/${path}:/createUploadSession`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
    });
    return ((await response.json()) as { uploadUrl: string }).uploadUrl;
  }

  const fragment = (uploadUrl: string, range: string, bytes: number, headers: Record<string, string> = {}) =>
    fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'content-range': range, ...headers },
      body: new Uint8Array(bytes),
    });

  it('a missing or unknown token (401)', async () => {
    await expectError(await put('a.txt', 'x', {}), 401, 'InvalidAuthenticationToken', /expired/);
    await expectError(
      await put('a.txt', 'x', { authorization: 'Bearer nope' }),
      401,
      'InvalidAuthenticationToken',
      /expired/,
    );
  });

  it('a path that is not URL-encoded (400)', async () => {
    await expectError(await put('a:b.txt', 'x'), 400, 'invalidRequest', /not URL-encoded/);
    await expectError(await put('100%zz.txt', 'x'), 400, 'invalidRequest', /not URL-encoded/);
    await expectError(await put('a%3Fb.txt', 'x'), 400, 'invalidRequest', /invalid characters/); // "?" is no valid name
  });

  it('a simple upload over 4 MiB (413) or without Content-Length (411)', async () => {
    await expectError(
      await put('a.bin', new Uint8Array(SIMPLE_UPLOAD_LIMIT + 1)),
      413,
      'invalidRequest',
      /limited to 4194304/,
    );
    const stream = readableStream(new Uint8Array(10));
    const chunked = await fetch(`${fake.graph}/me/drive/root:/a.bin:/content`, {
      method: 'PUT',
      headers: auth,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(chunked, 411, 'invalidRequest', /Content-Length/);
  });

  it('an item lookup without a token (401), for a missing item (404) or with another method (405)', async () => {
    const item = `${fake.graph}/me/drive/root:/nothing.bin:`;
    await expectError(await fetch(item), 401, 'InvalidAuthenticationToken', /expired/);
    await expectError(await fetch(item, { headers: auth }), 404, 'itemNotFound', /could not be found/);
    await expectError(await fetch(item, { method: 'POST', headers: auth }), 405, 'notSupported', /POST/);
  });

  it('a wrong method on an item (405)', async () => {
    await expectError(
      await fetch(`${fake.graph}/me/drive/root:/a.bin:/content`, { method: 'POST', headers: auth }),
      405,
      'notSupported',
      /Use PUT/,
    );
  });

  it('a createUploadSession body that is not JSON, has a bad conflictBehavior or another name (400)', async () => {
    const create = (body: string) =>
      fetch(`${fake.graph}/me/drive/root:/v.bin:/createUploadSession`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body,
      });
    await expectError(await create('{'), 400, 'invalidRequest', /not valid JSON/);
    await expectError(
      await create('{"item":{"@microsoft.graph.conflictBehavior":"overwrite"}}'),
      400,
      'invalidRequest',
      /conflictBehavior/,
    );
    await expectError(await create('{"item":{"name":"other.bin"}}'), 400, 'invalidRequest', /must match/);
  });

  it('a session for an existing file without conflictBehavior replace (409)', async () => {
    expect((await put('v.bin', 'x')).status).toBe(201);
    await expectError(
      await fetch(`${fake.graph}/me/drive/root:/v.bin:/createUploadSession`, {
        method: 'POST',
        headers: auth,
      }),
      409,
      'nameAlreadyExists',
      /already exists/,
    );
  });

  it('an Authorization header on the upload URL (401)', async () => {
    const uploadUrl = await openSession();
    await expectError(
      await fragment(uploadUrl, 'bytes 0-9/10', 10, auth),
      401,
      'unauthenticated',
      /without an Authorization/,
    );
    await expectError(
      await fetch(uploadUrl, { headers: auth }),
      401,
      'unauthenticated',
      /without an Authorization/,
    );
  });

  it('a fragment without Content-Range (400), with a wrong length (400) or without Content-Length (411)', async () => {
    const uploadUrl = await openSession();
    await expectError(
      await fetch(uploadUrl, { method: 'PUT', body: new Uint8Array(10) }),
      400,
      'invalidRequest',
      /Content-Range must be/,
    );
    await expectError(
      await fragment(uploadUrl, 'bytes 0-99/100', 50),
      400,
      'invalidRequest',
      /does not match/,
    );
    await expectError(await fragment(uploadUrl, 'bytes 0-9/5', 10), 416, 'invalidRange', /not satisfiable/);
    const chunked = await fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'content-range': 'bytes 0-9/10' },
      body: readableStream(new Uint8Array(10)),
      duplex: 'half',
    } as RequestInit);
    await expectError(chunked, 411, 'invalidRequest', /Content-Length/);
  });

  it('a fragment of 60 MiB or more (413)', async () => {
    const uploadUrl = await openSession();
    const range = `bytes 0-${60 * 1024 * 1024 - 1}/${100 * 1024 * 1024}`;
    await expectError(await fragment(uploadUrl, range, 10), 413, 'invalidRequest', /60 MiB/);
  });

  it('a fragment that is not a multiple of 320 KiB unless it is the last (400)', async () => {
    const uploadUrl = await openSession();
    await expectError(
      await fragment(uploadUrl, 'bytes 0-99999/1000000', 100_000),
      400,
      'invalidRequest',
      /320 KiB/,
    );
    expect(
      (await fragment(uploadUrl, `bytes 0-${FRAGMENT_ALIGNMENT - 1}/1000000`, FRAGMENT_ALIGNMENT)).status,
    ).toBe(202);
  });

  it('a repeated range (416), a gap (416) and another total (400); GET tells what is missing', async () => {
    const uploadUrl = await openSession();
    const first = await fragment(uploadUrl, `bytes 0-${FRAGMENT_ALIGNMENT - 1}/1000000`, FRAGMENT_ALIGNMENT);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ nextExpectedRanges: [`${FRAGMENT_ALIGNMENT}-`] });
    await expectError(
      await fragment(uploadUrl, `bytes 0-${FRAGMENT_ALIGNMENT - 1}/1000000`, FRAGMENT_ALIGNMENT),
      416,
      'invalidRange',
      /overlaps/,
    );
    const gap = 2 * FRAGMENT_ALIGNMENT;
    await expectError(
      await fragment(uploadUrl, `bytes ${gap}-${gap + FRAGMENT_ALIGNMENT - 1}/1000000`, FRAGMENT_ALIGNMENT),
      416,
      'invalidRange',
      /in order/,
    );
    await expectError(
      await fragment(uploadUrl, `bytes ${FRAGMENT_ALIGNMENT}-999999/2000000`, 1_000_000 - FRAGMENT_ALIGNMENT),
      400,
      'invalidRequest',
      /declared as 1000000/,
    );
    const status = await fetch(uploadUrl);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      nextExpectedRanges: [`${FRAGMENT_ALIGNMENT}-`],
      expirationDateTime: expect.any(String),
    });
    const last = await fragment(
      uploadUrl,
      `bytes ${FRAGMENT_ALIGNMENT}-999999/1000000`,
      1_000_000 - FRAGMENT_ALIGNMENT,
    );
    expect(last.status).toBe(201);
    expect(await last.json()).toMatchObject({
      name: 'v.bin',
      size: 1_000_000,
      parentReference: { path: '/drive/root:' },
    });
    expect(fake.files.get('/v.bin')?.sha256).toBe(sha256(new Uint8Array(1_000_000)));
  });

  it('a second fragment while one is in flight (416)', async () => {
    const uploadUrl = await openSession();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A body that sends half, then waits: the first fragment stays in flight.
    const slow = fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'content-range': 'bytes 0-9/10', 'content-length': '10' },
      body: new ReadableStream({
        async start(controller) {
          controller.enqueue(new Uint8Array(5));
          await held;
          controller.enqueue(new Uint8Array(5));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    await vi.waitFor(() => expect(fake.requests.at(-1)?.bodyLength).toBe(5));
    await expectError(await fragment(uploadUrl, 'bytes 0-9/10', 10), 416, 'invalidRange', /sequentially/);
    release();
    expect((await slow).status).toBe(201);
  });

  it('anything on an expired or cancelled session (404), and other methods (405)', async () => {
    const uploadUrl = await openSession();
    await expectError(await fetch(uploadUrl, { method: 'POST' }), 405, 'notSupported', /not supported/);
    expect((await fetch(uploadUrl, { method: 'DELETE' })).status).toBe(204);
    await expectError(await fetch(uploadUrl), 404, 'itemNotFound', /not found/);
    const expiring = await openSession();
    fake.expireSessions();
    await expectError(await fragment(expiring, 'bytes 0-9/10', 10), 404, 'itemNotFound', /not found/);
  });
});
