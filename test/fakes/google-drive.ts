import { createHash, type Hash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A strict fake of Google Drive's upload endpoint (`/upload/drive/v3/files`): multipart uploads of at most
 * 5 MiB, resumable sessions (POST → Location, PUT chunks with Content-Range, 308 + Range while
 * incomplete, `bytes *\/TOTAL` status queries, DELETE → 499); and of the two metadata calls an
 * upload may need, `GET /drive/v3/files/generateIds` and `GET /drive/v3/files/{id}`. A create that
 * names a generated id makes the file under it, and answers 409 once a file has it. It rejects every deviation from the
 * documented rules with Drive's error shape, and keeps only a running SHA-256 and a byte count of what it
 * stores, so a 1 GiB upload costs no memory. Faults can be injected to test retries and resumption.
 */

export const ALIGNMENT = 256 * 1024;
export const SINGLE_REQUEST_LIMIT = 5 * 1024 * 1024;
const PATH = '/upload/drive/v3/files';
/** `/drive/v3/files/generateIds` or `/drive/v3/files/{id}`. */
const API_FILE = /^\/drive\/v3\/files\/([^/]+)$/;
/** File resource fields a `fields` parameter may select. */
const FIELDS = new Set(['kind', 'id', 'name', 'mimeType', 'size', 'parents', 'sha256Checksum']);

export interface FakeDriveRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** Lower-case names; `authorization` is kept as `Bearer [redacted]` (or `[invalid]` when it is wrong). */
  headers: Record<string, string>;
  bodyLength: number;
  /** The status answered; 0 when the fake dropped the connection. */
  status: number;
}

export interface FakeDriveFile {
  id: string;
  name: string;
  parents: string[];
  mimeType: string;
  size: number;
  sha256: string;
}

export interface FakeDriveSession {
  id: string;
  name: string;
  parents: string[];
  mimeType: string;
  /** From X-Upload-Content-Length or the first Content-Range that named a total. */
  total: number | undefined;
  /** Bytes stored so far (always whole 256 KiB blocks until the last chunk). */
  received: number;
  state: 'open' | 'complete' | 'cancelled' | 'expired';
  fileId?: string;
}

export interface FakeGoogleDrive {
  url: string;
  /** For `UploadEnvironment.endpoints`. */
  endpoints: { upload: string };
  /** Access tokens that authenticate; anything else answers 401. Settable. */
  validTokens: Set<string>;
  /** Folder ids that exist (besides `root`). */
  folders: Set<string>;
  requests: FakeDriveRequest[];
  files: Map<string, FakeDriveFile>;
  sessions: Map<string, FakeDriveSession>;
  /**
   * The next `count` upload requests (multipart POSTs, chunk PUTs) answer `status` with `reason` and store
   * nothing. The reason defaults to Drive's: `backendError` for 5xx, `userRateLimitExceeded` for 403.
   */
  failNextUploads(count: number, status?: number, reason?: string): void;
  /** The next `count` upload requests answer 429 with `Retry-After: seconds` and store nothing. */
  rateLimitNextUploads(seconds: number, count?: number): void;
  /** The next chunk PUT has its connection destroyed after `afterBytes` of its body arrived. */
  dropNextChunk(afterBytes: number): void;
  /** The next chunk PUT stores only `bytes` of its body (a multiple of 256 KiB) and answers 308 saying so. */
  storeLessOfNextChunk(bytes: number): void;
  /** The next chunk PUT is stored (completing the upload if it is the last), then its connection is destroyed before the answer. */
  loseNextChunkAnswer(): void;
  /** The next multipart upload is stored, then its connection is destroyed before the answer. */
  loseNextUploadAnswer(): void;
  /** Expires one session (or every open one): its requests answer 404 from now on. */
  expireSession(id?: string): void;
  close(): Promise<void>;
}

type Fault =
  | { kind: 'status'; status: number; reason: string }
  | { kind: 'rate-limit'; seconds: number }
  | { kind: 'drop'; afterBytes: number }
  | { kind: 'store-less'; bytes: number }
  | { kind: 'lose-answer' }
  | { kind: 'lose-upload-answer' };

/** Drive's error shape: `{"error":{"code","message","errors":[{"domain","reason","message"}]}}`. */
class DriveError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly domain = 'global',
  ) {
    super(message);
  }
}

const bad = (message: string) => new DriveError(400, 'badRequest', message);

export async function startFakeGoogleDrive(options: { tokens?: string[] } = {}): Promise<FakeGoogleDrive> {
  const hashes = new Map<string, Hash>();
  const generatedIds = new Set<string>();
  const faults: Fault[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`fake google drive failed: ${error instanceof Error ? error.stack : error}\n`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const id = () => randomBytes(12).toString('base64url');

  const fake: FakeGoogleDrive = {
    url,
    endpoints: { upload: url },
    validTokens: new Set(options.tokens ?? ['drive-token']),
    folders: new Set(),
    requests: [],
    files: new Map(),
    sessions: new Map(),
    failNextUploads: (
      count,
      status = 500,
      reason = status === 403 ? 'userRateLimitExceeded' : 'backendError',
    ) => {
      for (let i = 0; i < count; i++) faults.push({ kind: 'status', status, reason });
    },
    rateLimitNextUploads: (seconds, count = 1) => {
      for (let i = 0; i < count; i++) faults.push({ kind: 'rate-limit', seconds });
    },
    dropNextChunk: (afterBytes) => faults.push({ kind: 'drop', afterBytes }),
    loseNextChunkAnswer: () => faults.push({ kind: 'lose-answer' }),
    loseNextUploadAnswer: () => faults.push({ kind: 'lose-upload-answer' }),
    storeLessOfNextChunk: (bytes) => {
      if (bytes % ALIGNMENT !== 0) throw new Error('Drive stores whole 256 KiB blocks');
      faults.push({ kind: 'store-less', bytes });
    },
    expireSession(sessionId) {
      for (const session of fake.sessions.values()) {
        if ((sessionId === undefined || session.id === sessionId) && session.state === 'open')
          session.state = 'expired';
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };

  /** A fault for an upload request (one that carries file bytes), if one is queued for it. */
  function takeFault(chunk: boolean): Fault | undefined {
    const next = faults[0];
    const chunkOnly = next?.kind === 'drop' || next?.kind === 'store-less' || next?.kind === 'lose-answer';
    const multipartOnly = next?.kind === 'lose-upload-answer';
    if (!next || (!chunk && chunkOnly) || (chunk && multipartOnly)) return undefined;
    return faults.shift();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = new URL(req.url ?? '/', url);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      headers[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
    }
    const record: FakeDriveRequest = {
      method: req.method ?? '',
      path: target.pathname + target.search,
      headers: { ...headers },
      bodyLength: 0,
      status: 0,
    };
    fake.requests.push(record);
    const token = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1];
    if (headers.authorization !== undefined) {
      record.headers.authorization = token ? 'Bearer [redacted]' : '[invalid]';
    }
    const reply = (status: number, replyHeaders: Record<string, string>, body?: unknown) => {
      record.status = status;
      const text = body === undefined ? '' : JSON.stringify(body);
      res
        .writeHead(status, {
          ...replyHeaders,
          ...(body === undefined
            ? { 'content-length': '0' }
            : { 'content-type': 'application/json; charset=UTF-8' }),
        })
        .end(text);
    };
    try {
      const api = API_FILE.exec(target.pathname);
      if (target.pathname !== PATH && !api) throw new DriveError(404, 'notFound', 'Not Found');
      if (!token || !fake.validTokens.has(token)) {
        throw new DriveError(401, 'authError', 'Invalid Credentials', {
          'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
        });
      }
      const params = target.searchParams;
      checkFields(params.get('fields'));
      if (api) return metadataCall(req, api[1]!, params, reply);
      const uploadId = params.get('upload_id');
      if (uploadId !== null) {
        const session = fake.sessions.get(uploadId);
        if (!session) throw new DriveError(404, 'notFound', 'Not Found');
        if (session.state === 'expired')
          throw new DriveError(404, 'notFound', 'The upload session has expired.');
        if (session.state === 'cancelled')
          throw new DriveError(499, 'clientClosedRequest', 'Client Closed Request');
        if (req.method === 'DELETE') {
          await drain(req, record);
          session.state = 'cancelled';
          // Drive answers the cancellation itself with 499 too.
          throw new DriveError(499, 'clientClosedRequest', 'Client Closed Request');
        }
        if (req.method !== 'PUT') throw new DriveError(405, 'methodNotAllowed', 'Method Not Allowed');
        return await putToSession(req, session, params, record, reply);
      }
      if (req.method !== 'POST') throw new DriveError(405, 'methodNotAllowed', 'Method Not Allowed');
      const uploadType = params.get('uploadType');
      if (uploadType === 'multipart') return await multipart(req, params, record, reply);
      if (uploadType === 'resumable') return await openSession(req, params, record, reply);
      throw bad(`Invalid value for uploadType: ${uploadType} (this fake knows multipart and resumable)`);
    } catch (error) {
      if (!(error instanceof DriveError)) throw error;
      if (!req.complete) await drain(req, record);
      reply(error.status, error.headers, {
        error: {
          code: error.status,
          message: error.message,
          errors: [{ domain: error.domain, reason: error.reason, message: error.message }],
        },
      });
    }
  }

  type Reply = (status: number, headers: Record<string, string>, body?: unknown) => void;

  async function multipart(
    req: IncomingMessage,
    params: URLSearchParams,
    record: FakeDriveRequest,
    reply: Reply,
  ) {
    const type = /^multipart\/related;\s*boundary="?([^";]+)"?$/i.exec(header(req, 'content-type') ?? '');
    if (!type) throw bad('Bad content type. Please use multipart.');
    const body = await readBody(req, record, SINGLE_REQUEST_LIMIT + 64 * 1024);
    if (!body)
      throw new DriveError(
        413,
        'uploadTooLarge',
        'The multipart body exceeds the 5 MB single-request limit.',
      );
    const fault = takeFault(false);
    if (fault && fault.kind !== 'lose-upload-answer') throw faultError(fault);
    const { metadata, media, mediaType } = parseMultipart(body, type[1]!);
    if (media.byteLength > SINGLE_REQUEST_LIMIT) {
      throw new DriveError(413, 'uploadTooLarge', 'Media larger than 5 MB needs uploadType=resumable.');
    }
    const { name, parents, fileId } = checkMetadata(metadata);
    const file = createFile(
      name,
      parents,
      mediaType,
      media.byteLength,
      createHash('sha256').update(media).digest('hex'),
      fileId,
    );
    if (fault?.kind === 'lose-upload-answer') {
      req.socket.destroy(); // stored, but the client never hears of it
      return;
    }
    reply(200, {}, resource(file, params.get('fields')));
  }

  /** `GET /drive/v3/files/generateIds` (ids for files not yet made) or `GET /drive/v3/files/{id}`. */
  function metadataCall(req: IncomingMessage, name: string, params: URLSearchParams, reply: Reply) {
    if (req.method !== 'GET') throw new DriveError(405, 'methodNotAllowed', 'Method Not Allowed');
    if (name !== 'generateIds') {
      const file = fake.files.get(name);
      if (!file) throw new DriveError(404, 'notFound', `File not found: ${name}.`);
      return reply(200, {}, resource(file, params.get('fields')));
    }
    const count = Number(params.get('count') ?? 10);
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw bad(`Invalid value for count: ${count}`);
    const space = params.get('space') ?? 'drive';
    if (space !== 'drive' && space !== 'appDataFolder') throw bad(`Invalid value for space: ${space}`);
    const type = params.get('type') ?? 'files';
    if (type !== 'files' && type !== 'shortcuts') throw bad(`Invalid value for type: ${type}`);
    const ids = Array.from({ length: count }, () => id());
    for (const generated of ids) generatedIds.add(generated);
    reply(200, {}, { kind: 'drive#generatedIds', space, ids });
  }

  async function openSession(
    req: IncomingMessage,
    params: URLSearchParams,
    record: FakeDriveRequest,
    reply: Reply,
  ) {
    const body = await readBody(req, record, 64 * 1024);
    if (!body) throw bad('Metadata too large.');
    let metadata: unknown = {};
    if (body.byteLength > 0) {
      if (!/^application\/json(;\s*charset=utf-8)?$/i.test(header(req, 'content-type') ?? '')) {
        throw bad('Metadata must be sent as application/json; charset=UTF-8.');
      }
      metadata = parseJson(body.toString('utf8'));
    }
    const { name, parents, fileId } = checkMetadata(metadata);
    if (fileId !== undefined) throw bad('This fake takes a generated id on multipart uploads only.');
    const length = header(req, 'x-upload-content-length');
    if (length !== undefined && !/^\d+$/.test(length))
      throw bad(`Invalid X-Upload-Content-Length: ${length}`);
    const session: FakeDriveSession = {
      id: id(),
      name,
      parents,
      mimeType: header(req, 'x-upload-content-type') ?? 'application/octet-stream',
      total: length === undefined ? undefined : Number(length),
      received: 0,
      state: 'open',
    };
    fake.sessions.set(session.id, session);
    hashes.set(session.id, createHash('sha256'));
    // Drive's session URI is the request's URI plus an upload_id.
    reply(200, {
      location: `${url}${PATH}?${params.toString().replace(/%2C/g, ',')}&upload_id=${session.id}`,
    });
  }

  async function putToSession(
    req: IncomingMessage,
    session: FakeDriveSession,
    params: URLSearchParams,
    record: FakeDriveRequest,
    reply: Reply,
  ) {
    const range = parseContentRange(header(req, 'content-range'));
    const declared = header(req, 'content-length');
    if (declared === undefined) throw new DriveError(411, 'lengthRequired', 'Content-Length is required.');
    const total = range.total ?? session.total;
    if (range.total !== undefined && session.total !== undefined && range.total !== session.total) {
      throw bad(
        `Content-Range says the total is ${range.total} bytes, but the upload was declared as ${session.total}.`,
      );
    }
    const answerState = () => {
      if (session.state === 'complete')
        return reply(200, {}, resource(fake.files.get(session.fileId!)!, params.get('fields')));
      reply(308, session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {});
    };

    if (range.start === undefined) {
      // A status query, or (with the total equal to what is stored) the empty request that ends an upload.
      if (Number(declared) !== 0) throw bad('A status query (bytes */TOTAL) carries no body.');
      await drain(req, record);
      if (range.total !== undefined && session.received > range.total) {
        throw bad(`Already received ${session.received} bytes, more than the total ${range.total}.`);
      }
      if (session.state === 'open' && range.total !== undefined && session.received === range.total) {
        session.total = range.total;
        complete(session);
      }
      return answerState();
    }

    const length = range.end! - range.start + 1;
    if (Number(declared) !== length) {
      throw bad(`Content-Length ${declared} does not match Content-Range ${header(req, 'content-range')}.`);
    }
    if (session.state === 'complete') throw bad('The upload is already complete.');
    if (range.start !== session.received) {
      throw bad(
        `According to the Content-Range header, the upload offset is ${range.start} byte(s), but ${session.received} byte(s) were received.`,
      );
    }
    if (total !== undefined && range.end! + 1 > total)
      throw bad(`Content-Range ends past the total of ${total} bytes.`);
    const last = total !== undefined && range.end! + 1 === total;
    if (!last && length % ALIGNMENT !== 0) {
      throw bad(
        `The number of bytes uploaded is required to be a multiple of ${ALIGNMENT}, except for the final request. The request contained ${length} bytes.`,
      );
    }
    if (range.total !== undefined) session.total = range.total;

    const fault = takeFault(true);
    if (fault?.kind === 'status' || fault?.kind === 'rate-limit') throw faultError(fault);
    const outcome = await receiveChunk(req, session, record, {
      final: last,
      keep: fault?.kind === 'store-less' ? fault.bytes : Number.POSITIVE_INFINITY,
      dropAfter: fault?.kind === 'drop' ? fault.afterBytes : undefined,
    });
    if (outcome === 'dropped') return;
    if (session.received === total) complete(session);
    if (fault?.kind === 'lose-answer') {
      req.socket.destroy(); // stored, but the client never hears of it
      return;
    }
    answerState();
  }

  /**
   * Streams a chunk's body into the session's hash in whole 256 KiB blocks, so an interrupted request
   * leaves what a real server would: the blocks that fully arrived (the final chunk's tail counts only
   * once it all arrived).
   */
  function receiveChunk(
    req: IncomingMessage,
    session: FakeDriveSession,
    record: FakeDriveRequest,
    options: { final: boolean; keep: number; dropAfter: number | undefined },
  ): Promise<'complete' | 'dropped'> {
    const hash = hashes.get(session.id)!;
    const block = Buffer.alloc(ALIGNMENT);
    let fill = 0;
    let stored = 0;
    const store = (bytes: Buffer) => {
      if (stored + bytes.byteLength > options.keep) return;
      hash.update(bytes);
      stored += bytes.byteLength;
      session.received += bytes.byteLength;
    };
    return new Promise((resolve, reject) => {
      let dropped = false;
      req.on('data', (data: Buffer) => {
        if (dropped) return;
        let piece = data;
        if (options.dropAfter !== undefined && record.bodyLength + piece.byteLength >= options.dropAfter) {
          piece = piece.subarray(0, options.dropAfter - record.bodyLength);
          dropped = true;
        }
        record.bodyLength += piece.byteLength;
        for (let at = 0; at < piece.byteLength; ) {
          const take = Math.min(ALIGNMENT - fill, piece.byteLength - at);
          piece.copy(block, fill, at, at + take);
          fill += take;
          at += take;
          if (fill === ALIGNMENT) {
            store(block);
            fill = 0;
          }
        }
        if (dropped) {
          req.socket.destroy();
          resolve('dropped');
        }
      });
      req.on('end', () => {
        if (options.final && fill > 0) store(block.subarray(0, fill));
        resolve('complete');
      });
      req.on('close', () => resolve(req.complete ? 'complete' : 'dropped'));
      req.on('error', (error) => (dropped || !req.complete ? resolve('dropped') : reject(error)));
    });
  }

  function complete(session: FakeDriveSession) {
    const file = createFile(
      session.name,
      session.parents,
      session.mimeType,
      session.received,
      hashes.get(session.id)!.digest('hex'),
    );
    hashes.delete(session.id);
    session.state = 'complete';
    session.fileId = file.id;
  }

  function createFile(
    name: string,
    parents: string[],
    mimeType: string,
    size: number,
    sha256: string,
    fileId = id(),
  ): FakeDriveFile {
    const file: FakeDriveFile = { id: fileId, name, parents, mimeType, size, sha256 };
    fake.files.set(file.id, file);
    return file;
  }

  function checkMetadata(value: unknown): { name: string; parents: string[]; fileId?: string } {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw bad('Metadata must be a JSON object.');
    const {
      id: fileId,
      name = 'Untitled',
      parents = ['root'],
    } = value as { id?: unknown; name?: unknown; parents?: unknown };
    if (fileId !== undefined) {
      // Only ids Drive generated may name a new file; a second create under one is refused.
      if (typeof fileId !== 'string' || !generatedIds.has(fileId))
        throw bad('The provided file ID is not usable.');
      if (fake.files.has(fileId))
        throw new DriveError(409, 'conflict', 'A file already exists with the provided ID.');
    }
    if (typeof name !== 'string' || name === '') throw bad('Invalid value for name.');
    if (!Array.isArray(parents) || parents.some((parent) => typeof parent !== 'string'))
      throw bad('Invalid value for parents.');
    if (parents.length !== 1) {
      throw new DriveError(403, 'cannotAddParent', 'A file must have exactly one parent.');
    }
    if (parents[0] !== 'root' && !fake.folders.has(parents[0])) {
      throw new DriveError(404, 'notFound', `File not found: ${parents[0]}.`);
    }
    return { name, parents: parents as string[], ...(fileId === undefined ? {} : { fileId }) };
  }

  return fake;
}

/** `bytes START-END/TOTAL`, `bytes START-END/*`, `bytes *\/TOTAL` or `bytes *\/*`. */
function parseContentRange(value: string | undefined): { start?: number; end?: number; total?: number } {
  if (value === undefined) throw bad('Content-Range is required on requests to an upload session.');
  const match = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(value);
  if (!match) throw bad(`Invalid Content-Range: ${value}`);
  const [, start, end, total] = match;
  const range = {
    start: start === undefined ? undefined : Number(start),
    end: end === undefined ? undefined : Number(end),
    total: total === '*' ? undefined : Number(total),
  };
  if (range.start !== undefined && range.end! < range.start) throw bad(`Invalid Content-Range: ${value}`);
  return range;
}

function parseMultipart(
  body: Buffer,
  boundary: string,
): { metadata: unknown; media: Buffer; mediaType: string } {
  const delimiter = Buffer.from(`--${boundary}`);
  if (!body.subarray(0, delimiter.byteLength + 2).equals(Buffer.concat([delimiter, Buffer.from('\r\n')]))) {
    throw bad('The multipart body must start with the boundary.');
  }
  const parts: Array<{ headers: Record<string, string>; content: Buffer }> = [];
  let at = delimiter.byteLength + 2;
  for (;;) {
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw bad('A multipart part has no header end.');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(at, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) throw bad('A multipart part is not closed by the boundary.');
    parts.push({ headers, content: body.subarray(headerEnd + 4, next) });
    at = next + 2 + delimiter.byteLength;
    const after = body.subarray(at, at + 2).toString('latin1');
    if (after === '--') {
      const rest = body.subarray(at + 2).toString('latin1');
      if (rest !== '' && rest !== '\r\n') throw bad('Nothing may follow the closing boundary.');
      break;
    }
    if (after !== '\r\n') throw bad('A boundary must be followed by CRLF or --.');
    at += 2;
  }
  if (parts.length !== 2)
    throw bad(`A multipart upload has exactly two parts (metadata, media), not ${parts.length}.`);
  const [meta, media] = parts as [(typeof parts)[0], (typeof parts)[0]];
  if (!/^application\/json(;\s*charset=utf-8)?$/i.test(meta.headers['content-type'] ?? '')) {
    throw bad('The first part must be the metadata, application/json.');
  }
  if (!media.headers['content-type']) throw bad('The media part needs a Content-Type.');
  return {
    metadata: parseJson(meta.content.toString('utf8')),
    media: media.content,
    mediaType: media.headers['content-type'],
  };
}

/** A request header as one string (node:http gives repeated custom headers as arrays). */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw bad('Invalid JSON payload received.');
  }
}

function checkFields(fields: string | null) {
  if (fields === null) return;
  for (const field of fields.split(',')) {
    if (!FIELDS.has(field.trim())) throw bad(`Invalid field selection ${field}`);
  }
}

/** The file resource as Drive answers it: `size` is a decimal string; `fields` selects. */
function resource(file: FakeDriveFile, fields: string | null): Record<string, unknown> {
  const full: Record<string, unknown> = {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    size: String(file.size),
    parents: file.parents,
    sha256Checksum: file.sha256,
  };
  const selected = fields
    ? fields.split(',').map((field) => field.trim())
    : ['kind', 'id', 'name', 'mimeType'];
  return Object.fromEntries(selected.map((field) => [field, full[field]]));
}

function faultError(fault: Fault): DriveError {
  if (fault.kind === 'rate-limit') {
    return new DriveError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', {
      'retry-after': String(fault.seconds),
    });
  }
  if (fault.kind === 'status') {
    const quota = fault.reason.endsWith('RateLimitExceeded') || fault.reason === 'rateLimitExceeded';
    const domain = quota || fault.reason === 'storageQuotaExceeded' ? 'usageLimits' : 'global';
    return new DriveError(fault.status, fault.reason, `Injected ${fault.reason}`, {}, domain);
  }
  throw new Error(`fault ${fault.kind} applies to chunks only`);
}

/** Reads a body of at most `cap` bytes; null (after draining the rest) when it is longer. */
async function readBody(req: IncomingMessage, record: FakeDriveRequest, cap: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let tooLong = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    record.bodyLength += chunk.byteLength;
    if (record.bodyLength > cap) tooLong = true;
    if (!tooLong) chunks.push(chunk);
  }
  return tooLong ? null : Buffer.concat(chunks);
}

async function drain(req: IncomingMessage, record: FakeDriveRequest): Promise<void> {
  for await (const chunk of req as AsyncIterable<Buffer>) record.bodyLength += chunk.byteLength;
}
