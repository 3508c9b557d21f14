import { createHash, type Hash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A strict local fake of Box's upload API (upload.box.com/api/2.0): the
 * single-request multipart upload and chunked upload sessions. It enforces the
 * documented rules and rejects every deviation with Box's error shape
 * (`{"type":"error","status","code","message"}`), so an uploader that passes
 * against it sends what Box expects.
 *
 * It keeps no file contents: each stored file is a SHA-256, a SHA-1 and a byte
 * count, and a session hashes its parts as they stream in. That is why it
 * accepts a session's parts only in order (Box itself accepts them in any
 * order; an uploader that sends them one after another never notices).
 *
 * Error codes Box documents are used where it documents them; where it does
 * not (range and part-list errors), the status is Box's and the code is ours.
 */

export const SINGLE_UPLOAD_MAX = 50_000_000; // "up to 50MB": the strict reading of MB
export const SESSION_MIN = 20_000_000; // upload sessions are for files of 20 MB and more
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** Lower-case names; the Authorization value is replaced by '[redacted]'. */
  headers: Record<string, string>;
  bodyLength: number;
  /** The status answered; 0 when the connection was dropped. */
  status: number;
}

export interface StoredFile {
  id: string;
  name: string;
  parentId: string;
  size: number;
  sha256: string;
  sha1: string;
}

interface Part {
  part_id: string;
  offset: number;
  size: number;
  sha1: string;
}

interface Session {
  id: string;
  folderId: string;
  name: string;
  fileSize: number;
  partSize: number;
  totalParts: number;
  parts: Part[];
  /** Bytes stored, in order: the next part must start here. */
  nextOffset: number;
  sha256: Hash;
  sha1: Hash;
  state: 'open' | 'committed' | 'aborted' | 'expired';
}

export interface FakeBox {
  /** http://127.0.0.1:PORT */
  url: string;
  /** What the uploader's `endpoints.upload` should be. */
  apiBase: string;
  /** Bearer tokens accepted; anything else answers 401. */
  validTokens: Set<string>;
  /** Folder ids that exist ('0' is the root). */
  folders: Set<string>;
  /** The part_size given to new sessions (Box picks it; the client must follow). */
  partSize: number;
  requests: RecordedRequest[];
  /** Committed files, by id. */
  files: Map<string, StoredFile>;
  /** Session states by id, for assertions. */
  sessionStates(): Map<string, Session['state']>;
  /** The next `count` part uploads answer `status` (default 500) without storing anything. */
  failNextParts(count: number, status?: number): void;
  /** The next `count` part uploads answer 429 with Retry-After. */
  throttleNextParts(count: number, retryAfterSeconds: number): void;
  /** The next part upload's connection is destroyed after `afterBytes` of its body arrived (nothing stored). */
  dropNextPart(afterBytes: number): void;
  /** The next part upload is stored, then its connection is destroyed before the answer (the answer is lost). */
  loseNextPartAnswer(): void;
  /** The next `count` commits answer 202 with Retry-After (Box still processing). */
  deferNextCommits(count: number, retryAfterSeconds: number): void;
  /** The next commit stores the file, then its connection is destroyed before the answer. */
  loseNextCommitAnswer(): void;
  /** The next single upload (POST /files/content) stores the file, then its connection is destroyed before the answer. */
  loseNextUploadAnswer(): void;
  /** Every open session expires: its endpoints answer 404 from now on. */
  expireSessions(): void;
  close(): Promise<void>;
}

class BoxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const hexId = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();

function answer(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  if (body === undefined) res.writeHead(status, headers).end();
  else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function answerError(res: ServerResponse, error: BoxError) {
  answer(res, error.status, {
    type: 'error',
    status: error.status,
    code: error.code,
    message: error.message,
    request_id: hexId(6).toLowerCase(),
  });
}

/** Box names: 1-255 characters, no '/' or '\', not '.' or '..', no leading or trailing spaces. */
function validName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= 255 &&
    !/[/\\]/.test(name) &&
    name !== '.' &&
    name !== '..' &&
    name.trim() === name
  );
}

/** `Digest: sha=<base64 of 20 bytes>` (RFC 3230: the algorithm name is case-insensitive). */
function readDigest(req: IncomingMessage): string {
  const value = req.headers.digest;
  if (typeof value !== 'string') throw new BoxError(400, 'bad_request', 'The Digest header is required');
  const match = /^sha=([A-Za-z0-9+/]{27}=)$/i.exec(value.trim());
  if (!match) throw new BoxError(400, 'bad_request', 'The Digest header must be sha=<base64 SHA-1>');
  return Buffer.from(match[1]!, 'base64').toString('hex');
}

function jsonBody(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  if (!req.headers['content-type']?.startsWith('application/json')) {
    throw new BoxError(400, 'bad_request', 'Content-Type must be application/json');
  }
  try {
    const value = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // answered below
  }
  throw new BoxError(400, 'bad_request', 'The body is not a JSON object');
}

export async function startFakeBox(): Promise<FakeBox> {
  const sessions = new Map<string, Session>();
  let failParts: { count: number; status: number } = { count: 0, status: 500 };
  let throttleParts = { count: 0, retryAfter: 0 };
  let dropAfter: number | null = null;
  let loseAnswer = false;
  let deferCommits = { count: 0, retryAfter: 0 };
  let loseCommitAnswer = false;
  let loseUploadAnswer = false;

  const fake: FakeBox = {
    url: '',
    apiBase: '',
    validTokens: new Set(['box-token']),
    folders: new Set(['0']),
    partSize: DEFAULT_PART_SIZE,
    requests: [],
    files: new Map(),
    sessionStates: () => new Map([...sessions].map(([id, s]) => [id, s.state])),
    failNextParts(count, status = 500) {
      failParts = { count, status };
    },
    throttleNextParts(count, retryAfter) {
      throttleParts = { count, retryAfter };
    },
    dropNextPart(afterBytes) {
      dropAfter = afterBytes;
    },
    loseNextPartAnswer() {
      loseAnswer = true;
    },
    deferNextCommits(count, retryAfter) {
      deferCommits = { count, retryAfter };
    },
    loseNextCommitAnswer() {
      loseCommitAnswer = true;
    },
    loseNextUploadAnswer() {
      loseUploadAnswer = true;
    },
    expireSessions() {
      for (const session of sessions.values()) if (session.state === 'open') session.state = 'expired';
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const fileNamed = (folderId: string, name: string) =>
    [...fake.files.values()].find((f) => f.parentId === folderId && f.name === name);

  function checkDestination(folderId: string, name: string) {
    if (!fake.folders.has(folderId)) throw new BoxError(404, 'not_found', `Folder ${folderId} not found`);
    if (fileNamed(folderId, name))
      throw new BoxError(409, 'item_name_in_use', 'Item with the same name already exists');
  }

  function storeFile(file: Omit<StoredFile, 'id'>) {
    const stored = { id: String(1_000_000 + fake.files.size), ...file };
    fake.files.set(stored.id, stored);
    return {
      total_count: 1,
      entries: [
        {
          type: 'file',
          id: stored.id,
          name: stored.name,
          size: stored.size,
          sha1: stored.sha1,
          parent: { type: 'folder', id: stored.parentId },
        },
      ],
    };
  }

  const sessionView = (s: Session) => {
    const base = `${fake.apiBase}/files/upload_sessions/${s.id}`;
    return {
      id: s.id,
      type: 'upload_session',
      session_expires_at: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
      part_size: s.partSize,
      total_parts: s.totalParts,
      num_parts_processed: s.parts.length,
      session_endpoints: {
        upload_part: base,
        commit: `${base}/commit`,
        abort: base,
        list_parts: `${base}/parts`,
        status: base,
        log_event: `${base}/log`,
      },
    };
  };

  function openSession(id: string): Session {
    const session = sessions.get(id);
    // Box answers 404 for a session that expired, was aborted or was committed.
    if (session?.state !== 'open') throw new BoxError(404, 'not_found', 'The upload session was not found');
    return session;
  }

  /** POST /files/content: multipart/form-data, `attributes` before `file`. */
  function singleUpload(req: IncomingMessage, body: Buffer, tooLarge: boolean) {
    if (tooLarge)
      throw new BoxError(413, 'file_size_limit_exceeded', 'Use upload sessions for files over 50 MB');
    const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(
      req.headers['content-type'] ?? '',
    )?.[1];
    if (!boundary)
      throw new BoxError(400, 'bad_request', 'Content-Type must be multipart/form-data with a boundary');
    const parts = parseMultipart(body, boundary);
    const names = parts.map((p) => p.name);
    if (names.indexOf('file') !== -1 && names.indexOf('attributes') > names.indexOf('file')) {
      throw new BoxError(
        400,
        'metadata_after_file_contents',
        'The attributes part must come before the file part',
      );
    }
    const attributesPart = parts.find((p) => p.name === 'attributes');
    const filePart = parts.find((p) => p.name === 'file');
    if (!attributesPart || !filePart)
      throw new BoxError(400, 'bad_request', 'attributes and file parts are required');
    if (filePart.data.byteLength > SINGLE_UPLOAD_MAX) {
      throw new BoxError(413, 'file_size_limit_exceeded', 'Use upload sessions for files over 50 MB');
    }
    let attributes: { name?: unknown; parent?: { id?: unknown } };
    try {
      attributes = JSON.parse(attributesPart.data.toString('utf8'));
    } catch {
      throw new BoxError(400, 'bad_request', 'attributes is not JSON');
    }
    if (!validName(attributes.name)) throw new BoxError(400, 'item_name_invalid', 'Item name invalid');
    const parentId = attributes.parent?.id;
    if (typeof parentId !== 'string') throw new BoxError(400, 'bad_request', 'parent.id is required');
    checkDestination(parentId, attributes.name);
    const sha1 = createHash('sha1').update(filePart.data).digest('hex');
    const claimed = req.headers['content-md5']; // Box's name for it, but it carries the SHA-1 in hex
    if (claimed !== undefined && claimed !== sha1) {
      throw new BoxError(400, 'digest_mismatch', 'The Content-MD5 (SHA-1) does not match the file');
    }
    return storeFile({
      name: attributes.name,
      parentId,
      size: filePart.data.byteLength,
      sha256: createHash('sha256').update(filePart.data).digest('hex'),
      sha1,
    });
  }

  /** POST /files/upload_sessions */
  function createSession(req: IncomingMessage, body: Buffer) {
    const { folder_id, file_size, file_name } = jsonBody(req, body);
    if (folder_id === undefined) throw new BoxError(400, 'missing_destination', 'folder_id is required');
    if (typeof folder_id !== 'string') throw new BoxError(400, 'invalid_folder_id', 'folder_id is not valid');
    if (file_name === undefined) throw new BoxError(400, 'missing_file_name', 'file_name is required');
    if (!validName(file_name)) throw new BoxError(400, 'item_name_invalid', 'file_name is not valid');
    if (file_size === undefined) throw new BoxError(400, 'missing_file_size', 'file_size is required');
    if (!Number.isSafeInteger(file_size) || (file_size as number) < 0) {
      throw new BoxError(400, 'invalid_file_size', 'file_size is not a valid number');
    }
    if ((file_size as number) < SESSION_MIN) {
      throw new BoxError(400, 'file_size_too_small', 'file_size is below the minimum for upload sessions');
    }
    checkDestination(folder_id, file_name);
    const size = file_size as number;
    const session: Session = {
      id: hexId(16),
      folderId: folder_id,
      name: file_name,
      fileSize: size,
      partSize: fake.partSize,
      totalParts: Math.ceil(size / fake.partSize),
      parts: [],
      nextOffset: 0,
      sha256: createHash('sha256'),
      sha1: createHash('sha1'),
      state: 'open',
    };
    sessions.set(session.id, session);
    return sessionView(session);
  }

  type Fault = { kind: 'throttle' | 'fail' | 'lose' } | { kind: 'drop'; afterBytes: number };
  function takeFault(): Fault | null {
    if (throttleParts.count > 0) {
      throttleParts.count--;
      return { kind: 'throttle' };
    }
    if (failParts.count > 0) {
      failParts.count--;
      return { kind: 'fail' };
    }
    if (dropAfter !== null) {
      const afterBytes = dropAfter;
      dropAfter = null;
      return { kind: 'drop', afterBytes };
    }
    if (loseAnswer) {
      loseAnswer = false;
      return { kind: 'lose' };
    }
    return null;
  }

  /**
   * PUT upload_part: checks the headers before the body arrives, hashes the body as it
   * streams (into copies of the session's running hashes) and keeps the copies only
   * when the part is valid.
   */
  async function uploadPart(req: IncomingMessage, res: ServerResponse, id: string, record: RecordedRequest) {
    let headerError: BoxError | null = null;
    let start = 0;
    let end = 0;
    let digest = '';
    let session: Session | undefined;
    try {
      session = openSession(id);
      digest = readDigest(req);
      if (req.headers['content-type'] !== 'application/octet-stream') {
        throw new BoxError(400, 'bad_request', 'Content-Type must be application/octet-stream');
      }
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '');
      if (!range) throw new BoxError(400, 'bad_request', 'Content-Range must be bytes START-END/TOTAL');
      [start, end] = [Number(range[1]), Number(range[2])];
      const total = Number(range[3]);
      const size = end - start + 1;
      const isLast = end === session.fileSize - 1;
      if (total !== session.fileSize)
        throw new BoxError(416, 'range_mismatch', 'TOTAL is not the session file_size');
      if (start % session.partSize !== 0)
        throw new BoxError(416, 'range_mismatch', 'START is not a multiple of part_size');
      if (end >= session.fileSize || size <= 0)
        throw new BoxError(416, 'range_mismatch', 'The range is outside the file');
      if (size !== session.partSize && !(isLast && size < session.partSize)) {
        throw new BoxError(
          416,
          'range_mismatch',
          'Every part must be exactly part_size bytes except the last',
        );
      }
      if (start < session.nextOffset)
        throw new BoxError(409, 'conflict', 'The part overlaps a part already uploaded');
      if (start > session.nextOffset) {
        throw new BoxError(
          416,
          'range_mismatch',
          `This fake takes parts in order: expected ${session.nextOffset}`,
        );
      }
    } catch (error) {
      headerError = error as BoxError;
    }

    // Fault injection applies to well-formed part uploads only; each knob is used up as it fires.
    const fault = headerError ? null : takeFault();
    const dropAt = fault?.kind === 'drop' ? fault.afterBytes : null;

    const fileSha256 = session && !headerError ? session.sha256.copy() : null;
    const fileSha1 = session && !headerError ? session.sha1.copy() : null;
    const partSha1 = createHash('sha1');
    let received = 0;
    const complete = await new Promise<boolean>((resolve) => {
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        record.bodyLength = received;
        if (fileSha256 && fileSha1) {
          fileSha256.update(chunk);
          fileSha1.update(chunk);
          partSha1.update(chunk);
        }
        if (dropAt !== null && received >= dropAt) {
          req.socket.destroy(); // mid-body: the client sees a network error
          resolve(false);
        }
      });
      req.on('end', () => resolve(true));
      req.on('error', () => resolve(false));
    });
    if (!complete) return;
    if (headerError) return answerError(res, headerError);
    if (fault?.kind === 'throttle') {
      return answer(
        res,
        429,
        { type: 'error', status: 429, code: 'rate_limit_exceeded', message: 'Request rate limit exceeded' },
        { 'retry-after': String(throttleParts.retryAfter) },
      );
    }
    if (fault?.kind === 'fail') {
      const status = failParts.status;
      return answerError(res, new BoxError(status, 'internal_server_error', 'Internal server error'));
    }
    const s = session!;
    if (received !== end - start + 1) {
      return answerError(
        res,
        new BoxError(400, 'bad_request', 'The body length does not match Content-Range'),
      );
    }
    const sha1 = partSha1.digest('hex');
    if (sha1 !== digest)
      return answerError(res, new BoxError(400, 'digest_mismatch', 'The part digest is incorrect'));
    const part: Part = { part_id: hexId(4), offset: start, size: received, sha1 };
    s.parts.push(part);
    s.nextOffset += received;
    s.sha256 = fileSha256!;
    s.sha1 = fileSha1!;
    if (fault?.kind === 'lose') {
      record.status = 0;
      req.socket.destroy(); // stored, but the client never hears of it
      return;
    }
    answer(res, 200, { part });
  }

  /**
   * OPTIONS /files/content (on api.box.com; served here too): whether a file
   * of that name may be uploaded into the folder. 409 names the file in the way.
   */
  function preflight(req: IncomingMessage, body: Buffer, res: ServerResponse) {
    const { name, parent, size } = jsonBody(req, body);
    const folderId = (parent as { id?: unknown } | undefined)?.id;
    if (typeof name !== 'string' || name === '' || typeof folderId !== 'string') {
      throw new BoxError(400, 'bad_request', 'name and parent.id are required');
    }
    if (size !== undefined && (typeof size !== 'number' || size < 0)) {
      throw new BoxError(400, 'bad_request', 'size must be a number of bytes');
    }
    if (!fake.folders.has(folderId)) throw new BoxError(404, 'not_found', `Folder ${folderId} not found`);
    const existing = fileNamed(folderId, name);
    if (!existing) return answer(res, 200, { upload_url: `${fake.apiBase}/files/content` });
    return answer(res, 409, {
      type: 'error',
      status: 409,
      code: 'item_name_in_use',
      message: 'Item with the same name already exists',
      context_info: {
        conflicts: { type: 'file', id: existing.id, name: existing.name, sha1: existing.sha1 },
      },
      request_id: hexId(6).toLowerCase(),
    });
  }

  /** POST commit: all parts, in order, as Box listed them, and the whole file's SHA-1. */
  function commit(req: IncomingMessage, body: Buffer, id: string, res: ServerResponse) {
    const session = openSession(id);
    const digest = readDigest(req);
    const { parts } = jsonBody(req, body);
    if (!Array.isArray(parts)) throw new BoxError(400, 'bad_request', 'parts is required');
    if (session.nextOffset !== session.fileSize) {
      throw new BoxError(
        400,
        'bad_request',
        `Only ${session.nextOffset} of ${session.fileSize} bytes were uploaded`,
      );
    }
    const matches =
      parts.length === session.parts.length &&
      parts.every((given: Partial<Part>, i) => {
        const stored = session.parts[i]!;
        return (
          given.part_id === stored.part_id &&
          given.offset === stored.offset &&
          given.size === stored.size &&
          (given.sha1 === undefined || given.sha1 === stored.sha1)
        );
      });
    if (!matches) throw new BoxError(400, 'bad_request', 'parts do not match the parts uploaded, in order');
    const sha1 = session.sha1.copy().digest('hex');
    if (digest !== sha1) throw new BoxError(400, 'digest_mismatch', 'File digest was incorrect');
    if (deferCommits.count > 0) {
      deferCommits.count--;
      return answer(res, 202, undefined, { 'retry-after': String(deferCommits.retryAfter) });
    }
    checkDestination(session.folderId, session.name);
    session.state = 'committed';
    const stored = storeFile({
      name: session.name,
      parentId: session.folderId,
      size: session.fileSize,
      sha256: session.sha256.digest('hex'),
      sha1,
    });
    if (loseCommitAnswer) {
      loseCommitAnswer = false;
      req.socket.destroy(); // committed, but the client never hears of it
      return;
    }
    answer(res, 201, stored);
  }

  /** GET list_parts, with Box's offset/limit paging (default 100, at most 1000). */
  function listParts(url: URL, id: string) {
    const session = openSession(id);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new BoxError(400, 'bad_request', 'offset or limit is not valid');
    }
    return {
      total_count: session.parts.length,
      offset,
      limit,
      entries: session.parts.slice(offset, offset + limit),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', fake.url);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' ? '[redacted]' : String(v)]),
    );
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname + url.search,
      headers,
      bodyLength: 0,
      status: 0,
    };
    fake.requests.push(record);
    const end = res.end.bind(res);
    res.end = ((...args: Parameters<typeof res.end>) => {
      record.status = res.statusCode;
      return end(...args);
    }) as typeof res.end;

    const route = url.pathname.replace(/^\/api\/2\.0/, '');
    const sessionPath = /^\/files\/upload_sessions\/([0-9A-F]+)(\/commit|\/parts)?$/.exec(route);

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !fake.validTokens.has(token)) {
      req.resume();
      // Box answers an invalid token with an empty 401 and WWW-Authenticate.
      return answer(res, 401, undefined, {
        'www-authenticate':
          'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."',
      });
    }

    if (req.method === 'PUT' && sessionPath && !sessionPath[2])
      return uploadPart(req, res, sessionPath[1]!, record);

    // Every other request is small (the single upload is capped): read it whole, up to a limit.
    const cap = SINGLE_UPLOAD_MAX + 1024 * 1024;
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length <= cap) chunks.push(chunk);
    }
    record.bodyLength = length;
    const body = Buffer.concat(chunks);

    try {
      if (req.method === 'POST' && route === '/files/content') {
        const stored = singleUpload(req, body, length > cap);
        if (loseUploadAnswer) {
          loseUploadAnswer = false;
          return void req.socket.destroy(); // stored, but the client never hears of it
        }
        return answer(res, 201, stored);
      }
      if (req.method === 'POST' && route === '/files/upload_sessions')
        return answer(res, 201, createSession(req, body));
      if (req.method === 'OPTIONS' && route === '/files/content') return preflight(req, body, res);
      if (sessionPath) {
        const [, id, tail] = sessionPath;
        if (req.method === 'POST' && tail === '/commit') return commit(req, body, id!, res);
        if (req.method === 'GET' && tail === '/parts') return answer(res, 200, listParts(url, id!));
        if (req.method === 'GET' && !tail) return answer(res, 200, sessionView(openSession(id!)));
        if (req.method === 'DELETE' && !tail) {
          openSession(id!).state = 'aborted';
          return answer(res, 204);
        }
      }
      throw new BoxError(404, 'not_found', `No route for ${req.method} ${url.pathname}`);
    } catch (error) {
      if (error instanceof BoxError) return answerError(res, error);
      throw error;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) answerError(res, new BoxError(500, 'internal_server_error', String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.apiBase = `${fake.url}/api/2.0`;
  return fake;
}

/** Splits a multipart/form-data body into its parts, in order. */
function parseMultipart(body: Buffer, boundary: string): Array<{ name: string; data: Buffer }> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ name: string; data: Buffer }> = [];
  let at = body.indexOf(delimiter);
  if (at !== 0) throw new BoxError(400, 'bad_request', 'The body does not start with the boundary');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return parts; // the closing delimiter
    if (body.subarray(at, at + 2).toString() !== '\r\n') break;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) break;
    const head = body.subarray(at + 2, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) break;
    const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) break;
    parts.push({ name, data: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
  throw new BoxError(400, 'bad_request', 'The multipart body is malformed');
}
