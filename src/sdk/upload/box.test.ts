import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeBox, SINGLE_UPLOAD_MAX, startFakeBox } from '../../../test/fakes/box.js';
import { uploadToBox } from './box.js';
import type { UploadBody, UploadEnvironment, UploadProgress } from './types.js';

const MiB = 1024 * 1024;
const SESSION_MIN = 20_000_000;

let fake: FakeBox;
let sleeps: number[];

beforeEach(async () => {
  fake = await startFakeBox();
  sleeps = [];
});
afterEach(() => fake.close());

/** A token source whose token is accepted; `stale` starts it on one the fake refuses. */
function tokenSource(stale = false) {
  let current = stale ? 'stale-token' : 'box-token';
  const source = {
    refreshes: 0,
    get: async () => current,
    refresh: async () => {
      source.refreshes++;
      current = 'box-token';
      return current;
    },
  };
  return source;
}

function env(extra: Partial<UploadEnvironment> = {}): UploadEnvironment {
  return {
    fetch: (input, init) => fetch(input, init),
    // Records waits instead of waiting.
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
    },
    endpoints: { upload: fake.apiBase, api: fake.apiBase },
    ...extra,
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sha1Base64 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('base64');
const sha1Hex = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

/** Irregular pieces, as a network stream hands them over. */
function* pieces(bytes: Uint8Array) {
  for (let at = 0, i = 0; at < bytes.byteLength; i++) {
    const take = [65_537, 1_000_003, 7, 300_000][i % 4]!;
    yield bytes.subarray(at, at + take);
    at += take;
  }
}
function webStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const iterator = pieces(bytes);
  return new ReadableStream({
    pull(controller) {
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}
const nodeStream = (bytes: Uint8Array) => Readable.from(pieces(bytes));

/** Method, path and the headers that matter, per request the fake saw. */
const seen = () =>
  fake.requests.map((r) => {
    const range = r.headers['content-range'] ? ` ${r.headers['content-range']}` : '';
    return `${r.method} ${r.path.replace(/upload_sessions\/[0-9A-F]+/, 'upload_sessions/S')}${range} → ${r.status}`;
  });
const partRequests = (size: number, partSize: number) => {
  const out: string[] = [];
  for (let start = 0; start < size; start += partSize) {
    out.push(
      `PUT /api/2.0/files/upload_sessions/S bytes ${start}-${Math.min(start + partSize, size) - 1}/${size} → 200`,
    );
  }
  return out;
};
const CREATE = 'POST /api/2.0/files/upload_sessions → 201';
const COMMIT = 'POST /api/2.0/files/upload_sessions/S/commit → 201';
const LIST = 'GET /api/2.0/files/upload_sessions/S/parts?offset=0&limit=1000 → 200';

function onlyFile() {
  expect(fake.files.size).toBe(1);
  return [...fake.files.values()][0]!;
}

/** A fetch under which someone replaces the stored file just before the uploader's preflight check. */
const replacedBeforeCheck: typeof fetch = async (input, init) => {
  if (init?.method === 'OPTIONS') onlyFile().sha1 = sha1Hex(new Uint8Array([1]));
  return fetch(input, init);
};

describe('uploadToBox: small files, one request', () => {
  it('uploads a small file with attributes before file, and Box has exactly its bytes', async () => {
    const bytes = randomBytes(3 * MiB + 5);
    const progress: UploadProgress[] = [];
    const result = await uploadToBox(
      tokenSource(),
      { path: 'notes.bin', body: bytes, onProgress: (p) => progress.push(p) },
      env(),
    );
    const file = onlyFile();
    expect(result).toEqual({
      success: true,
      remotePath: '0/notes.bin',
      fileId: file.id,
      fileSize: bytes.byteLength,
      errorMessage: null,
    });
    expect(file).toMatchObject({
      name: 'notes.bin',
      parentId: '0',
      size: bytes.byteLength,
      sha256: sha256(bytes),
    });
    expect(seen()).toEqual(['POST /api/2.0/files/content → 201']);
    const headers = fake.requests[0]!.headers;
    expect(headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(headers['content-md5']).toBe(createHash('sha1').update(bytes).digest('hex'));
    expect(headers.authorization).toBe('[redacted]');
    expect(progress).toEqual([{ bytesUploaded: bytes.byteLength, totalBytes: bytes.byteLength }]);
  });

  it('finds the uploaded file by its SHA-1 when the answer to the upload was lost', async () => {
    const bytes = randomBytes(1000);
    fake.loseNextUploadAnswer();
    const result = await uploadToBox(tokenSource(), { path: 'lost.bin', body: bytes }, env());
    expect(result).toMatchObject({ success: true, fileId: onlyFile().id, fileSize: 1000 });
    expect(seen()).toEqual([
      'POST /api/2.0/files/content → 0', // stored, but the connection closed before the answer
      'POST /api/2.0/files/content → 409', // sent again: the name is taken
      'OPTIONS /api/2.0/files/content → 409', // by a file with our SHA-1
    ]);
    expect(onlyFile().sha256).toBe(sha256(bytes));
  });

  it('fails on a taken name when it was not resent, and when the file in the way is another', async () => {
    fake.loseNextUploadAnswer();
    const lost = await uploadToBox(
      tokenSource(),
      { path: 'twice.bin', body: randomBytes(10) },
      env({ fetch: replacedBeforeCheck }),
    );
    expect(lost).toMatchObject({ success: false, fileId: null, errorMessage: expect.stringMatching(/409/) });
    fake.requests.length = 0;
    // Not resent: a taken name is someone else's file, and no check is made.
    const taken = await uploadToBox(tokenSource(), { path: 'twice.bin', body: randomBytes(10) }, env());
    expect(taken).toMatchObject({ success: false, errorMessage: expect.stringMatching(/item_name_in_use/) });
    expect(seen()).toEqual(['POST /api/2.0/files/content → 409']);
  });

  it('uploads into a folder given as folderId/name, from a stream of unknown size', async () => {
    fake.folders.add('4242');
    const bytes = randomBytes(2 * MiB);
    const result = await uploadToBox(
      tokenSource(),
      { path: '4242/report.pdf', body: webStream(bytes) },
      env(),
    );
    expect(result).toMatchObject({
      success: true,
      remotePath: '4242/report.pdf',
      fileSize: bytes.byteLength,
    });
    expect(onlyFile()).toMatchObject({ name: 'report.pdf', parentId: '4242', sha256: sha256(bytes) });
    expect(seen()).toEqual(['POST /api/2.0/files/content → 201']);
  });

  it('uploads an empty file', async () => {
    const result = await uploadToBox(tokenSource(), { path: 'empty.txt', body: new Uint8Array(0) }, env());
    expect(result).toMatchObject({ success: true, fileSize: 0 });
    expect(onlyFile()).toMatchObject({ size: 0, sha256: sha256(new Uint8Array(0)) });
  });

  it('sends a file one byte under the session minimum in one request', async () => {
    const bytes = randomBytes(SESSION_MIN - 1);
    const result = await uploadToBox(
      tokenSource(),
      { path: 'a.bin', body: nodeStream(bytes), size: bytes.byteLength },
      env(),
    );
    expect(result.success).toBe(true);
    expect(seen()).toEqual(['POST /api/2.0/files/content → 201']);
    expect(onlyFile().sha256).toBe(sha256(bytes));
  });

  it('refuses a bad path without sending anything', async () => {
    for (const path of ['a/b/c', 'folder/name', '', '0/', '/x', '0/..', ' padded']) {
      const result = await uploadToBox(tokenSource(), { path, body: new Uint8Array(1) }, env());
      expect(result.success, path).toBe(false);
      expect(result.errorMessage).toMatch(/folderId\/name/);
    }
    expect(fake.requests).toEqual([]);
  });
});

describe('uploadToBox: upload sessions', () => {
  it('uses a session from 20 MB on, parts of exactly part_size and the whole SHA-1 at commit', async () => {
    const bytes = randomBytes(SESSION_MIN);
    const progress: number[] = [];
    const result = await uploadToBox(
      tokenSource(),
      { path: 'exact.bin', body: bytes, onProgress: (p) => progress.push(p.bytesUploaded), chunkSize: 123 },
      env(),
    );
    const file = onlyFile();
    expect(result).toEqual({
      success: true,
      remotePath: '0/exact.bin',
      fileId: file.id,
      fileSize: SESSION_MIN,
      errorMessage: null,
    });
    expect(file).toMatchObject({ size: SESSION_MIN, sha256: sha256(bytes) });
    expect(seen()).toEqual([CREATE, ...partRequests(SESSION_MIN, 8 * MiB), COMMIT]);
    expect(progress).toEqual([8 * MiB, 16 * MiB, SESSION_MIN]);
    const [create, firstPart] = fake.requests;
    expect(create!.headers['content-type']).toBe('application/json');
    expect(firstPart!.headers.digest).toBe(`sha=${sha1Base64(bytes.subarray(0, 8 * MiB))}`);
    expect(firstPart!.headers['content-type']).toBe('application/octet-stream');
    expect(fake.requests.at(-1)!.headers.digest).toBe(`sha=${sha1Base64(bytes)}`);
  });

  it('sends a file over the 50 MB single-request limit through a session', async () => {
    const bytes = randomBytes(SINGLE_UPLOAD_MAX + 1);
    const result = await uploadToBox(tokenSource(), { path: 'big.bin', body: bytes }, env());
    expect(result).toMatchObject({ success: true, fileSize: bytes.byteLength });
    expect(seen()).toEqual([CREATE, ...partRequests(bytes.byteLength, 8 * MiB), COMMIT]);
    expect(onlyFile().sha256).toBe(sha256(bytes));
  });

  const bodies: Array<[string, (bytes: Uint8Array) => UploadBody]> = [
    ['a ReadableStream', webStream],
    ['a Node Readable', nodeStream],
    ['a Blob', (bytes) => new Blob([bytes as Uint8Array<ArrayBuffer>])],
    ['a Uint8Array', (bytes) => bytes],
  ];
  it.each(bodies)('uploads many parts from %s', async (_, makeBody) => {
    fake.partSize = 3 * MiB;
    const bytes = randomBytes(SESSION_MIN + 3 * MiB + 17);
    const result = await uploadToBox(
      tokenSource(),
      { path: 'many.bin', body: makeBody(bytes), size: bytes.byteLength },
      env(),
    );
    expect(result).toMatchObject({ success: true, fileSize: bytes.byteLength });
    expect(seen()).toEqual([CREATE, ...partRequests(bytes.byteLength, 3 * MiB), COMMIT]);
    expect(onlyFile()).toMatchObject({ size: bytes.byteLength, sha256: sha256(bytes) });
  });

  it('asks for the size of a stream of 20 MB or more, sending nothing', async () => {
    const result = await uploadToBox(
      tokenSource(),
      { path: 'x.bin', body: webStream(randomBytes(SESSION_MIN)) },
      env(),
    );
    expect(result).toMatchObject({ success: false, fileSize: 0 });
    expect(result.errorMessage).toMatch(/options\.size/);
    expect(fake.requests).toEqual([]);
  });

  it('fails when the body is shorter than size, and deletes the session', async () => {
    const bytes = randomBytes(SESSION_MIN);
    const result = await uploadToBox(
      tokenSource(),
      { path: 'short.bin', body: nodeStream(bytes), size: SESSION_MIN + 10 },
      env(),
    );
    expect(result.success).toBe(false);
    expect(result.errorMessage).toMatch(/only 20000000 bytes/);
    expect(seen().at(-1)).toBe('DELETE /api/2.0/files/upload_sessions/S → 204');
    expect([...fake.sessionStates().values()]).toEqual(['aborted']);
  });

  it('fails when the body is longer than size', async () => {
    const result = await uploadToBox(
      tokenSource(),
      { path: 'long.bin', body: webStream(randomBytes(SESSION_MIN + 1)), size: SESSION_MIN },
      env(),
    );
    expect(result.errorMessage).toMatch(/more bytes/);
    expect(fake.files.size).toBe(0);
  });
});

describe('uploadToBox: failures and resumption', () => {
  it('resumes after a connection dropped mid-part: the part is sent again, the others once', async () => {
    const bytes = randomBytes(SESSION_MIN);
    let dropped = false;
    const result = await uploadToBox(
      tokenSource(),
      {
        path: 'drop.bin',
        body: nodeStream(bytes),
        size: bytes.byteLength,
        onProgress: () => {
          if (!dropped) fake.dropNextPart(MiB);
          dropped = true;
        },
      },
      env(),
    );
    expect(result).toMatchObject({ success: true, fileSize: bytes.byteLength });
    const [p0, p1, p2] = partRequests(SESSION_MIN, 8 * MiB);
    expect(seen()).toEqual([CREATE, p0, p1!.replace('→ 200', '→ 0'), LIST, p1, p2, COMMIT]);
    expect(onlyFile()).toMatchObject({ size: bytes.byteLength, sha256: sha256(bytes) });
    expect(sleeps).toHaveLength(1);
  });

  it('skips a part Box stored though its answer was lost', async () => {
    const bytes = randomBytes(SESSION_MIN);
    fake.loseNextPartAnswer();
    const result = await uploadToBox(
      tokenSource(),
      { path: 'lost.bin', body: webStream(bytes), size: bytes.byteLength },
      env(),
    );
    expect(result.success).toBe(true);
    const [p0, p1, p2] = partRequests(SESSION_MIN, 8 * MiB);
    // p0 is sent once: the part list shows Box has it.
    expect(seen()).toEqual([CREATE, p0!.replace('→ 200', '→ 0'), LIST, p1, p2, COMMIT]);
    expect(onlyFile()).toMatchObject({ size: bytes.byteLength, sha256: sha256(bytes) });
  });

  it('retries a part answered 500, asking Box what it has before each retry', async () => {
    const bytes = randomBytes(SESSION_MIN);
    fake.failNextParts(2);
    const result = await uploadToBox(tokenSource(), { path: 'flaky.bin', body: bytes }, env());
    expect(result.success).toBe(true);
    const [p0, p1, p2] = partRequests(SESSION_MIN, 8 * MiB);
    const failed = p0!.replace('→ 200', '→ 500');
    expect(seen()).toEqual([CREATE, failed, LIST, failed, LIST, p0, p1, p2, COMMIT]);
    expect(sleeps).toHaveLength(2);
    expect(onlyFile().sha256).toBe(sha256(bytes));
  });

  it('gives up on a part after maxRetries and deletes the session', async () => {
    fake.failNextParts(10);
    const result = await uploadToBox(
      tokenSource(),
      { path: 'down.bin', body: randomBytes(SESSION_MIN) },
      env({ maxRetries: 2 }),
    );
    expect(result).toMatchObject({ success: false, fileSize: 0 });
    expect(result.errorMessage).toMatch(/part at 0 failed: HTTP 500/);
    expect(seen().filter((r) => r.startsWith('PUT'))).toHaveLength(3);
    expect([...fake.sessionStates().values()]).toEqual(['aborted']);
  });

  it('honours Retry-After on a 429, without asking for the parts', async () => {
    const bytes = randomBytes(SESSION_MIN);
    fake.throttleNextParts(1, 7);
    const result = await uploadToBox(tokenSource(), { path: 'slow.bin', body: bytes }, env());
    expect(result.success).toBe(true);
    const [p0, p1, p2] = partRequests(SESSION_MIN, 8 * MiB);
    expect(seen()).toEqual([CREATE, p0!.replace('→ 200', '→ 429'), p0, p1, p2, COMMIT]);
    expect(sleeps).toEqual([7000]);
  });

  it('commits again after Retry-After while Box answers 202', async () => {
    const bytes = randomBytes(SESSION_MIN);
    fake.deferNextCommits(2, 3);
    const result = await uploadToBox(tokenSource(), { path: 'busy.bin', body: bytes }, env());
    expect(result.success).toBe(true);
    const deferred = COMMIT.replace('→ 201', '→ 202');
    expect(seen()).toEqual([CREATE, ...partRequests(SESSION_MIN, 8 * MiB), deferred, deferred, COMMIT]);
    expect(sleeps).toEqual([3000, 3000]);
    expect(onlyFile().sha256).toBe(sha256(bytes));
  });

  it('finds the committed file by its SHA-1 when the answer to the commit was lost', async () => {
    const bytes = randomBytes(SESSION_MIN);
    fake.loseNextCommitAnswer();
    const result = await uploadToBox(tokenSource(), { path: 'lost-commit.bin', body: bytes }, env());
    expect(result).toMatchObject({ success: true, fileId: onlyFile().id, fileSize: SESSION_MIN });
    expect(seen()).toEqual([
      CREATE,
      ...partRequests(SESSION_MIN, 8 * MiB),
      COMMIT.replace('→ 201', '→ 0'), // committed, but the connection closed before the answer
      COMMIT.replace('→ 201', '→ 404'), // the session is used up
      'OPTIONS /api/2.0/files/content → 409', // the name is taken, by a file with our SHA-1
    ]);
    expect(onlyFile().sha256).toBe(sha256(bytes));
  });

  it('reports a lost commit as failed when the file under its name is not what was sent', async () => {
    const bytes = randomBytes(SESSION_MIN);
    fake.loseNextCommitAnswer();
    // Someone replaces the file between the lost answer and the check.
    const result = await uploadToBox(
      tokenSource(),
      { path: 'replaced.bin', body: bytes },
      env({ fetch: replacedBeforeCheck }),
    );
    expect(result).toMatchObject({ success: false, fileId: null });
    expect(result.errorMessage).toMatch(/upload session expired or no longer exists/);
  });

  it('refreshes the token once after a 401 and carries on', async () => {
    const tokens = tokenSource(true);
    const bytes = randomBytes(SESSION_MIN);
    const result = await uploadToBox(tokens, { path: 'auth.bin', body: bytes }, env());
    expect(result.success).toBe(true);
    expect(tokens.refreshes).toBe(1);
    expect(seen()).toEqual([
      CREATE.replace('→ 201', '→ 401'),
      CREATE,
      ...partRequests(SESSION_MIN, 8 * MiB),
      COMMIT,
    ]);
  });

  it('fails on a token Box keeps refusing, without the token in the message', async () => {
    fake.validTokens.clear();
    const tokens = tokenSource();
    const result = await uploadToBox(tokens, { path: 'x.bin', body: randomBytes(10) }, env());
    expect(result).toMatchObject({ success: false, errorMessage: 'HTTP 401' });
    expect(tokens.refreshes).toBe(1);
    expect(JSON.stringify(result)).not.toContain('box-token');
  });

  it('cancels: the session is deleted at Box and the result says so', async () => {
    const controller = new AbortController();
    const result = await uploadToBox(
      tokenSource(),
      {
        path: 'cancel.bin',
        body: randomBytes(SESSION_MIN),
        signal: controller.signal,
        onProgress: () => controller.abort(),
      },
      env(),
    );
    expect(result).toMatchObject({ success: false, fileSize: 8 * MiB, fileId: null });
    expect(result.errorMessage).toMatch(/cancelled/);
    const [p0] = partRequests(SESSION_MIN, 8 * MiB);
    expect(seen()).toEqual([CREATE, p0, 'DELETE /api/2.0/files/upload_sessions/S → 204']);
    expect([...fake.sessionStates().values()]).toEqual(['aborted']);
    expect(fake.files.size).toBe(0);
  });

  it('cancels while waiting for a 202 commit', async () => {
    const controller = new AbortController();
    fake.deferNextCommits(5, 30);
    const result = await uploadToBox(
      tokenSource(),
      { path: 'wait.bin', body: randomBytes(SESSION_MIN), signal: controller.signal },
      env({
        sleep: async () => {
          controller.abort();
          controller.signal.throwIfAborted();
        },
      }),
    );
    expect(result.errorMessage).toMatch(/cancelled/);
    expect(seen().at(-1)).toBe('DELETE /api/2.0/files/upload_sessions/S → 204');
  });

  it('reports an expired session plainly', async () => {
    const result = await uploadToBox(
      tokenSource(),
      { path: 'old.bin', body: randomBytes(SESSION_MIN), onProgress: () => fake.expireSessions() },
      env(),
    );
    expect(result).toMatchObject({ success: false, fileSize: 8 * MiB });
    expect(result.errorMessage).toMatch(/session expired/);
  });

  it('reports a name already taken', async () => {
    await uploadToBox(tokenSource(), { path: 'same.txt', body: new Uint8Array(3) }, env());
    const result = await uploadToBox(tokenSource(), { path: 'same.txt', body: new Uint8Array(3) }, env());
    expect(result.success).toBe(false);
    expect(result.errorMessage).toMatch(/^HTTP 409: .*item_name_in_use/);
  });
});

describe('uploadToBox: a 1 GiB stream', () => {
  it('uploads it holding about one part in memory', { timeout: 180_000 }, async () => {
    const size = 1024 * MiB;
    const block = randomBytes(MiB);
    // 1 MiB pieces, each made distinct by its index, generated as read.
    const piece = (i: number) => {
      const copy = Buffer.from(block);
      copy.writeUInt32BE(i, 0);
      return copy;
    };
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next * MiB >= size) controller.close();
        else controller.enqueue(piece(next++));
      },
    });
    const expected = createHash('sha256');
    for (let i = 0; i * MiB < size; i++) expected.update(piece(i));

    const before = process.memoryUsage();
    let peak = 0;
    const sample = () => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
    };
    const timer = setInterval(sample, 20);
    const result = await uploadToBox(
      tokenSource(),
      { path: 'huge.bin', body, size, onProgress: sample },
      env(),
    );
    clearInterval(timer);
    expect(result).toMatchObject({ success: true, fileSize: size });
    expect(onlyFile()).toMatchObject({ size, sha256: expected.digest('hex') });
    // One 8 MiB part, read into the same memory each time, and garbage not yet collected: 15–19 MiB
    // here (28–41 when each part was new memory).
    expect(peak).toBeLessThan(64 * MiB);
  });
});

describe('the fake Box rejects what Box rejects', () => {
  const auth = { authorization: 'Bearer box-token' };

  async function call(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: Uint8Array | string,
  ) {
    const response = await fetch(url.startsWith('http') ? url : `${fake.apiBase}${url}`, {
      method,
      headers: { ...auth, ...headers },
      body: body as BodyInit | undefined,
    });
    const text = await response.text();
    return {
      status: response.status,
      code: text ? (JSON.parse(text) as { code?: string }).code : undefined,
      response,
      text,
    };
  }

  /** A multipart body with the given parts, in order. */
  function multipart(parts: Array<[string, string | Uint8Array]>) {
    const pieces = parts.flatMap(([name, data]) => [
      Buffer.from(
        `--B\r\ncontent-disposition: form-data; name="${name}"${name === 'file' ? '; filename="f"' : ''}\r\n\r\n`,
      ),
      Buffer.from(data),
      Buffer.from('\r\n'),
    ]);
    return {
      headers: { 'content-type': 'multipart/form-data; boundary=B' },
      body: Buffer.concat([...pieces, Buffer.from('--B--\r\n')]),
    };
  }
  const attributes = (name = 'f.txt', parent = '0') => JSON.stringify({ name, parent: { id: parent } });
  const upload = (parts: Array<[string, string | Uint8Array]>, extra: Record<string, string> = {}) => {
    const { headers, body } = multipart(parts);
    return call('POST', '/files/content', { ...headers, ...extra }, body);
  };
  const json = { 'content-type': 'application/json' };
  const createSession = (body: Record<string, unknown>) =>
    call('POST', '/files/upload_sessions', json, JSON.stringify(body));

  /** A session over 20,000,000 bytes with 1 MiB parts (small requests for these tests). */
  async function openSession() {
    fake.partSize = MiB;
    const bytes = randomBytes(SESSION_MIN);
    const { response, text } = await createSession({
      folder_id: '0',
      file_size: SESSION_MIN,
      file_name: 's.bin',
    });
    expect(response.status).toBe(201);
    const session = JSON.parse(text) as { session_endpoints: Record<string, string>; part_size: number };
    const put = (
      start: number,
      end: number,
      headers: Record<string, string> = {},
      data = bytes.subarray(start, end + 1),
    ) =>
      call(
        'PUT',
        session.session_endpoints.upload_part!,
        {
          'content-type': 'application/octet-stream',
          'content-range': `bytes ${start}-${end}/${SESSION_MIN}`,
          digest: `sha=${sha1Base64(bytes.subarray(start, end + 1))}`,
          ...headers,
        },
        data,
      );
    const parts: unknown[] = [];
    const putAll = async () => {
      for (let start = 0; start < SESSION_MIN; start += MiB) {
        const { text } = await put(start, Math.min(start + MiB, SESSION_MIN) - 1);
        parts.push((JSON.parse(text) as { part: unknown }).part);
      }
    };
    const commit = (
      headers: Record<string, string> = { digest: `sha=${sha1Base64(bytes)}` },
      body = { parts },
    ) => call('POST', session.session_endpoints.commit!, { ...json, ...headers }, JSON.stringify(body));
    return { endpoints: session.session_endpoints, bytes, put, putAll, parts, commit };
  }

  it('a request without a valid token: 401 with WWW-Authenticate', async () => {
    const none = await fetch(`${fake.apiBase}/files/upload_sessions`, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect((await call('POST', '/files/content', { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('the file part before attributes: 400 metadata_after_file_contents', async () => {
    expect(
      await upload([
        ['file', 'x'],
        ['attributes', attributes()],
      ]),
    ).toMatchObject({ status: 400, code: 'metadata_after_file_contents' });
  });

  it('a single upload that is not multipart, lacks a part or a parent: 400', async () => {
    expect(
      await call('POST', '/files/content', { 'content-type': 'application/octet-stream' }, 'x'),
    ).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await upload([['attributes', attributes()]])).toMatchObject({ status: 400, code: 'bad_request' });
    expect(
      await upload([
        ['attributes', JSON.stringify({ name: 'a' })],
        ['file', 'x'],
      ]),
    ).toMatchObject({ status: 400, code: 'bad_request' });
    expect(
      await upload([
        ['attributes', '{nope'],
        ['file', 'x'],
      ]),
    ).toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('an invalid name: 400 item_name_invalid', async () => {
    for (const name of ['', 'a/b', 'a\\b', '.', '..', ' x', 'x'.repeat(256)]) {
      expect(
        await upload([
          ['attributes', attributes(name)],
          ['file', 'x'],
        ]),
        name,
      ).toMatchObject({ status: 400, code: 'item_name_invalid' });
    }
  });

  it('a preflight check: 200 for a free name, 409 naming the file in the way, 400 without a name', async () => {
    const json = { 'content-type': 'application/json' };
    const preflight = (body: unknown) => call('OPTIONS', '/files/content', json, JSON.stringify(body));
    expect(await preflight({ name: 'p.txt', parent: { id: '0' } })).toMatchObject({ status: 200 });
    expect(await preflight({ name: 'p.txt', parent: { id: '77' } })).toMatchObject({ status: 404 });
    expect(await preflight({ parent: { id: '0' } })).toMatchObject({ status: 400, code: 'bad_request' });
    await upload([
      ['attributes', attributes('p.txt')],
      ['file', 'x'],
    ]);
    const taken = await preflight({ name: 'p.txt', parent: { id: '0' }, size: 1 });
    expect(taken).toMatchObject({ status: 409, code: 'item_name_in_use' });
    expect(JSON.parse(taken.text).context_info.conflicts).toEqual({
      type: 'file',
      id: onlyFile().id,
      name: 'p.txt',
      sha1: sha1Hex(Buffer.from('x')),
    });
  });

  it('an unknown folder: 404; a name in use: 409 item_name_in_use', async () => {
    expect(
      await upload([
        ['attributes', attributes('a', '77')],
        ['file', 'x'],
      ]),
    ).toMatchObject({ status: 404, code: 'not_found' });
    expect(
      (
        await upload([
          ['attributes', attributes('a')],
          ['file', 'x'],
        ])
      ).status,
    ).toBe(201);
    expect(
      await upload([
        ['attributes', attributes('a')],
        ['file', 'y'],
      ]),
    ).toMatchObject({ status: 409, code: 'item_name_in_use' });
    expect(await createSession({ folder_id: '0', file_size: SESSION_MIN, file_name: 'a' })).toMatchObject({
      status: 409,
      code: 'item_name_in_use',
    });
  });

  it('a Content-MD5 (SHA-1) that does not match the file: 400 digest_mismatch', async () => {
    const result = await upload(
      [
        ['attributes', attributes()],
        ['file', 'x'],
      ],
      { 'content-md5': '0'.repeat(40) },
    );
    expect(result).toMatchObject({ status: 400, code: 'digest_mismatch' });
  });

  it('a single upload over 50 MB: 413', async () => {
    const result = await upload([
      ['attributes', attributes()],
      ['file', new Uint8Array(SINGLE_UPLOAD_MAX + 1)],
    ]);
    expect(result).toMatchObject({ status: 413, code: 'file_size_limit_exceeded' });
    expect(fake.files.size).toBe(0);
  });

  it('a session without folder, name or size, with a bad size, or under 20 MB: 400 with Box codes', async () => {
    const base = { folder_id: '0', file_size: SESSION_MIN, file_name: 'a.bin' };
    expect(await createSession({ ...base, folder_id: undefined })).toMatchObject({
      status: 400,
      code: 'missing_destination',
    });
    expect(await createSession({ ...base, file_name: undefined })).toMatchObject({
      status: 400,
      code: 'missing_file_name',
    });
    expect(await createSession({ ...base, file_size: undefined })).toMatchObject({
      status: 400,
      code: 'missing_file_size',
    });
    expect(await createSession({ ...base, file_size: '20000000' })).toMatchObject({
      status: 400,
      code: 'invalid_file_size',
    });
    expect(await createSession({ ...base, file_size: SESSION_MIN - 1 })).toMatchObject({
      status: 400,
      code: 'file_size_too_small',
    });
    expect(await createSession({ ...base, folder_id: '9' })).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(await call('POST', '/files/upload_sessions', {}, JSON.stringify(base))).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
  });

  it('a part without Digest, with a wrong one, or with the wrong Content-Type: 400', async () => {
    const { put } = await openSession();
    expect(await put(0, MiB - 1, { digest: '' })).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await put(0, MiB - 1, { digest: 'md5=abc' })).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await put(0, MiB - 1, { digest: `sha=${sha1Base64(Buffer.from('other'))}` })).toMatchObject({
      status: 400,
      code: 'digest_mismatch',
    });
    expect(await put(0, MiB - 1, { 'content-type': 'text/plain' })).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
    expect(await put(0, MiB - 1, { 'content-range': '' })).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
    expect((await put(0, MiB - 1)).status).toBe(200); // nothing above was stored
  });

  it('a part not aligned, not of part_size, past the end, with the wrong total, or shorter than its range: rejected', async () => {
    const { put, bytes } = await openSession();
    expect(await put(1, MiB)).toMatchObject({ status: 416, code: 'range_mismatch' });
    expect(await put(0, MiB - 2)).toMatchObject({ status: 416, code: 'range_mismatch' });
    expect(await put(0, MiB)).toMatchObject({ status: 416, code: 'range_mismatch' });
    expect(await put(0, MiB - 1, { 'content-range': `bytes 0-${MiB - 1}/${SESSION_MIN + 1}` })).toMatchObject(
      { status: 416 },
    );
    expect(await put(19 * MiB, SESSION_MIN)).toMatchObject({ status: 416, code: 'range_mismatch' });
    expect(await put(0, MiB - 1, {}, bytes.subarray(0, 10))).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
  });

  it('a part sent twice: 409; a part ahead of the next: 416 (this fake takes parts in order)', async () => {
    const { put } = await openSession();
    expect((await put(0, MiB - 1)).status).toBe(200);
    expect(await put(0, MiB - 1)).toMatchObject({ status: 409, code: 'conflict' });
    expect(await put(2 * MiB, 3 * MiB - 1)).toMatchObject({ status: 416, code: 'range_mismatch' });
  });

  it('lists the parts it holds, with offset and limit', async () => {
    const { put, endpoints } = await openSession();
    await put(0, MiB - 1);
    await put(MiB, 2 * MiB - 1);
    const { text } = await call('GET', `${endpoints.list_parts}?offset=1&limit=1`);
    expect(JSON.parse(text)).toMatchObject({
      total_count: 2,
      offset: 1,
      limit: 1,
      entries: [{ offset: MiB, size: MiB }],
    });
    expect(await call('GET', `${endpoints.list_parts}?limit=1001`)).toMatchObject({ status: 400 });
  });

  it('a commit before every part, without Digest, with a wrong Digest or a wrong part list: 400', async () => {
    const partial = await openSession();
    await partial.put(0, MiB - 1);
    expect(await partial.commit()).toMatchObject({ status: 400, code: 'bad_request' });

    const full = await openSession();
    await full.putAll();
    expect(await full.commit({})).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await full.commit({ digest: `sha=${sha1Base64(partial.bytes)}` })).toMatchObject({
      status: 400,
      code: 'digest_mismatch',
    });
    expect(await full.commit(undefined, { parts: full.parts.slice(1) })).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
    expect(await full.commit(undefined, { parts: [...full.parts].reverse() })).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
    // Nothing above spoiled the session: the right commit still succeeds.
    expect((await full.commit()).status).toBe(201);
    expect(onlyFile()).toMatchObject({ size: SESSION_MIN, sha256: sha256(full.bytes) });
  });

  it('an expired, aborted or committed session: 404 everywhere', async () => {
    const expired = await openSession();
    fake.expireSessions();
    expect(await expired.put(0, MiB - 1)).toMatchObject({ status: 404, code: 'not_found' });
    expect(await expired.commit()).toMatchObject({ status: 404 });
    expect(await call('GET', expired.endpoints.list_parts!)).toMatchObject({ status: 404 });
    expect(await call('DELETE', expired.endpoints.abort!)).toMatchObject({ status: 404 });

    const aborted = await openSession();
    expect((await call('DELETE', aborted.endpoints.abort!)).status).toBe(204);
    expect(await aborted.put(0, MiB - 1)).toMatchObject({ status: 404 });

    const done = await openSession();
    await done.putAll();
    expect((await done.commit()).status).toBe(201);
    expect(await call('GET', done.endpoints.status!)).toMatchObject({ status: 404 });
  });

  it('records requests without the token', async () => {
    await upload([
      ['attributes', attributes()],
      ['file', 'abc'],
    ]);
    expect(fake.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/api/2.0/files/content',
        bodyLength: expect.any(Number),
        status: 201,
      }),
    ]);
    expect(JSON.stringify(fake.requests)).not.toContain('box-token');
  });
});
