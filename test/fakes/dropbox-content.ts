import { createHash, type Hash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A strict fake of Dropbox's content host (content.dropboxapi.com) for uploads: `/2/files/upload` and
 * `upload_session/start`, `append_v2`, `finish` (and the API host's `files/get_metadata`, which an
 * uploader asks after a lost answer). It follows the API spec (dropbox/dropbox-api-spec,
 * files.stone) and answers every deviation with Dropbox's own status and error shape: 400 with plain text
 * for a malformed call, 401 for a bad token, 409 `{ error_summary, error: { ".tag": ... } }` for a
 * route's own errors, 429 with Retry-After.
 *
 * It keeps no file bytes: each file and session is a byte count, a running SHA-256 (what tests compare)
 * and Dropbox's content hash, both as hash state that a request copies and commits only when the whole
 * request arrived and passed every check — as Dropbox, which takes a request whole or not at all.
 */

export const SINGLE_REQUEST_LIMIT = 150 * 1024 * 1024;
export const BLOCK_SIZE = 4 * 1024 * 1024;
/** The spec's largest file (2^41 - 2^22 B); FACTS.md's 350 GB is an older figure. */
const MAX_FILE_SIZE = 2 ** 41 - 2 ** 22;
const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;

const ROUTES = {
  '/2/files/upload': 'upload',
  '/2/files/upload_session/start': 'start',
  '/2/files/upload_session/append_v2': 'append',
  '/2/files/upload_session/finish': 'finish',
} as const;
export type Route = (typeof ROUTES)[keyof typeof ROUTES];

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case names; Authorization's value is replaced by `Bearer [redacted]`. */
  headers: Record<string, string>;
  /** Dropbox-API-Arg, parsed (undefined when it did not parse). */
  arg: Record<string, unknown> | undefined;
  /** Bytes of body received (less than sent when the connection was dropped). */
  bodyLength: number;
  /** The answer's status; 0 when the connection was destroyed instead. */
  status: number;
}

export interface StoredFile {
  id: string;
  pathDisplay: string;
  size: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
  /** Dropbox's content hash (SHA-256 of the SHA-256s of each 4 MiB block). */
  contentHash: string;
  rev: string;
}

type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'drop'; afterBytes: number }
  | { kind: 'lose-response' };

export interface FakeDropboxContent {
  /** Base URL, for `endpoints.content`. */
  url: string;
  /** Tokens accepted; anything else answers 401 invalid_access_token. */
  validTokens: Set<string>;
  requests: RecordedRequest[];
  /** By lower-case path. */
  files: Map<string, StoredFile>;
  /** Open sessions: id → size so far and whether closed. */
  sessions: Map<string, { size: number; closed: boolean; createdAt: number }>;
  /**
   * Dropbox asks 4 MiB-multiple chunks and offsets (except the last chunk) of concurrent sessions only;
   * on by default, the fake asks them of every session, as the uploader promises them.
   */
  requireAlignment: boolean;
  /** The largest file a session may grow to (lower it to test `too_large`). */
  maxFileSize: number;
  /** The next `times` requests (of `route`, or any) answer `status` with a plain-text body. */
  failNext(times: number, options?: { status?: number; route?: Route }): void;
  /** The next `times` requests answer 429 too_many_requests with Retry-After. */
  rateLimitNext(times: number, retryAfterSeconds: number, route?: Route): void;
  /** The next `times` requests have their connection destroyed after `afterBytes` of body; nothing is kept. */
  dropNext(times: number, afterBytes: number, route?: Route): void;
  /** The next `times` requests are carried out, then their connection is destroyed before the answer. */
  loseResponseNext(times: number, route?: Route): void;
  /** Moves the fake's clock (sessions live 7 days). */
  advanceClock(ms: number): void;
  /** Every open session is past its 7 days. */
  expireSessions(): void;
  close(): Promise<void>;
}

/** Dropbox's content hash as running state that can be copied, so a request can be rolled back. */
class ContentHasher {
  constructor(
    private outer: Hash = createHash('sha256'),
    private block: Hash = createHash('sha256'),
    private blockLength = 0,
  ) {}
  update(data: Buffer) {
    for (let at = 0; at < data.length; ) {
      const take = Math.min(BLOCK_SIZE - this.blockLength, data.length - at);
      this.block.update(data.subarray(at, at + take));
      this.blockLength += take;
      at += take;
      if (this.blockLength === BLOCK_SIZE) {
        this.outer.update(this.block.digest());
        this.block = createHash('sha256');
        this.blockLength = 0;
      }
    }
  }
  copy() {
    return new ContentHasher(this.outer.copy(), this.block.copy(), this.blockLength);
  }
  hex() {
    const outer = this.outer.copy();
    if (this.blockLength > 0) outer.update(this.block.copy().digest());
    return outer.digest('hex');
  }
}

/** What a file or session holds so far. */
class Contents {
  constructor(
    public size = 0,
    readonly sha256: Hash = createHash('sha256'),
    readonly dropbox = new ContentHasher(),
  ) {}
  update(data: Buffer) {
    this.size += data.length;
    this.sha256.update(data);
    this.dropbox.update(data);
  }
  copy() {
    return new Contents(this.size, this.sha256.copy(), this.dropbox.copy());
  }
}

type Session = { id: string; contents: Contents; closed: boolean; createdAt: number };

/** A route's own error: 409 with the tags as the summary. `error` is the union value. */
class Conflict {
  constructor(
    readonly summary: string,
    readonly error: Record<string, unknown>,
  ) {}
}
const tagged = (tag: string, extra: Record<string, unknown> = {}) =>
  new Conflict(tag, { '.tag': tag, ...extra });
/** Finish wraps session errors in `lookup_failed`. */
const lookupFailed = (inner: Conflict) =>
  new Conflict(`lookup_failed/${inner.summary}`, { '.tag': 'lookup_failed', lookup_failed: inner.error });

/** A malformed call: Dropbox answers 400 with plain text. */
class BadRequest {
  constructor(readonly message: string) {}
}

const random = (bytes: number) => randomBytes(bytes).toString('hex');

export async function startFakeDropboxContent(
  options: { tokens?: string[] } = {},
): Promise<FakeDropboxContent> {
  const sessions = new Map<string, Session>();
  const faults: Array<{ fault: Fault; route?: Route }> = [];
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;

  const fake: FakeDropboxContent = {
    url: '',
    validTokens: new Set(options.tokens ?? ['token']),
    requests: [],
    files: new Map(),
    get sessions() {
      return new Map(
        [...sessions].map(([id, s]) => [
          id,
          { size: s.contents.size, closed: s.closed, createdAt: s.createdAt },
        ]),
      );
    },
    requireAlignment: true,
    maxFileSize: MAX_FILE_SIZE,
    failNext: (times, { status = 500, route } = {}) => queue(times, { kind: 'status', status }, route),
    rateLimitNext: (times, retryAfterSeconds, route) =>
      queue(times, { kind: 'rate-limit', retryAfterSeconds }, route),
    dropNext: (times, afterBytes, route) => queue(times, { kind: 'drop', afterBytes }, route),
    loseResponseNext: (times, route) => queue(times, { kind: 'lose-response' }, route),
    advanceClock(ms) {
      clockOffset += ms;
    },
    expireSessions() {
      clockOffset += SESSION_LIFETIME_MS + 1;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  function queue(times: number, fault: Fault, route?: Route) {
    for (let i = 0; i < times; i++) faults.push({ fault, route });
  }
  function takeFault(route: Route): Fault | undefined {
    const index = faults.findIndex((f) => f.route === undefined || f.route === route);
    return index < 0 ? undefined : faults.splice(index, 1)[0]!.fault;
  }

  /** A session that can take data at `offset` (and, for finish, be written), or why not. */
  function lookup(route: Route, cursor: { session_id: string; offset: number }): Session | Conflict {
    const session = sessions.get(cursor.session_id);
    if (!session || now() - session.createdAt > SESSION_LIFETIME_MS) return tagged('not_found');
    // A closed session takes no more appends; finish is what it waits for.
    if (session.closed && route === 'append') return tagged('closed');
    const aligned = cursor.offset % BLOCK_SIZE === 0;
    if (fake.requireAlignment && route === 'append' && !aligned)
      return tagged('concurrent_session_invalid_offset');
    if (cursor.offset !== session.contents.size) {
      return tagged('incorrect_offset', { correct_offset: session.contents.size });
    }
    return session;
  }

  /** Saves a file as `commit` says, or answers Dropbox's WriteError. */
  function write(commit: Commit, contents: Contents): StoredFile | Conflict {
    let pathDisplay = commit.path;
    let key = pathDisplay.toLowerCase();
    const existing = fake.files.get(key);
    const sha256 = contents.sha256.copy().digest('hex');
    const conflict =
      existing &&
      existing.sha256 !== sha256 &&
      (commit.mode === 'add' || (typeof commit.mode === 'object' && commit.mode.update !== existing.rev));
    if (conflict) {
      if (!commit.autorename)
        return new Conflict('path/conflict/file', pathError('conflict', { conflict: { '.tag': 'file' } }));
      const dot =
        pathDisplay.lastIndexOf('.') > pathDisplay.lastIndexOf('/')
          ? pathDisplay.lastIndexOf('.')
          : pathDisplay.length;
      for (let n = 1; fake.files.has(key); n++) {
        pathDisplay = `${commit.path.slice(0, dot)} (${n})${commit.path.slice(dot)}`;
        key = pathDisplay.toLowerCase();
      }
    }
    const file: StoredFile = {
      id: existing && key === existing.pathDisplay.toLowerCase() ? existing.id : `id:${random(11)}`,
      pathDisplay,
      size: contents.size,
      sha256,
      contentHash: contents.dropbox.hex(),
      rev: random(8),
    };
    fake.files.set(key, file);
    return file;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const record: RecordedRequest = {
      method: req.method ?? '',
      path,
      headers: redact(req.headers),
      arg: undefined,
      bodyLength: 0,
      status: 0,
    };
    fake.requests.push(record);
    const rawArg = req.headers['dropbox-api-arg'];
    // Header bytes arrive as latin1: anything past 0x7E is a character the client did not escape as \uXXXX.
    const arg = typeof rawArg === 'string' && /^[\x20-\x7e]*$/.test(rawArg) ? parseObject(rawArg) : undefined;
    record.arg = arg;
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      record.status = status;
      send(res, status, body, headers);
    };
    /** Answers an error; the body is read first (unless it was) so the client can finish sending. */
    const reject = async (error: BadRequest | Conflict, consumed?: number) => {
      record.bodyLength = consumed ?? (await receive(req, () => {})).length;
      if (error instanceof BadRequest) {
        return answer(400, `Error in call to API function "${path.slice(3)}": ${error.message}`);
      }
      return answer(
        409,
        JSON.stringify({ error_summary: `${error.summary}/..`, error: error.error }),
        JSON_TYPE,
      );
    };

    if (path === '/2/files/get_metadata') return getMetadata(req, record, answer);
    const route = (ROUTES as Record<string, Route | undefined>)[path];
    if (!route) return answer(404, `Unknown API function: "${path}"`);
    if (req.method !== 'POST') return answer(405, `Request method ${req.method} not allowed; use POST.`);

    // Injected faults come first: they stand for trouble before Dropbox looks at the call.
    const fault = takeFault(route);
    if (fault?.kind === 'status') {
      record.bodyLength = (await receive(req, () => {})).length;
      return answer(fault.status, 'Internal Server Error (injected)');
    }
    if (fault?.kind === 'rate-limit') {
      record.bodyLength = (await receive(req, () => {})).length;
      const error = { reason: { '.tag': 'too_many_requests' }, retry_after: fault.retryAfterSeconds };
      return answer(429, JSON.stringify({ error_summary: 'too_many_requests/..', error }), {
        ...JSON_TYPE,
        'retry-after': String(fault.retryAfterSeconds),
      });
    }

    // The call's form: Authorization, Dropbox-API-Arg (ASCII JSON), Content-Type.
    const authorization = req.headers.authorization;
    if (!authorization)
      return reject(
        new BadRequest('Must provide HTTP header "Authorization" or URL parameter "authorization".'),
      );
    if (typeof rawArg !== 'string')
      return reject(new BadRequest('Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".'));
    if (!arg) return reject(new BadRequest('HTTP header "Dropbox-API-Arg": could not decode input as JSON'));
    const type = req.headers['content-type'] ?? '';
    if (type !== 'application/octet-stream' && type !== 'text/plain; charset=dropbox-cors-hack') {
      return reject(
        new BadRequest(
          `Bad HTTP "Content-Type" header: "${type}".  Expecting one of "application/octet-stream", "text/plain; charset=dropbox-cors-hack".`,
        ),
      );
    }
    if (!/^Bearer \S+$/.test(authorization) || !fake.validTokens.has(authorization.slice(7))) {
      record.bodyLength = (await receive(req, () => {})).length;
      const body = { error_summary: 'invalid_access_token/..', error: { '.tag': 'invalid_access_token' } };
      return answer(401, JSON.stringify(body), JSON_TYPE);
    }

    const call = validate(route, arg);
    if (call instanceof BadRequest) return reject(call);

    // Checks that need no body: the session and the offset.
    let session: Session | undefined;
    if (call.cursor) {
      const found = lookup(route, call.cursor);
      if (found instanceof Conflict) return reject(route === 'finish' ? lookupFailed(found) : found);
      session = found;
    }

    // The body: into a copy of the session's state (or a new file's), plus the call's own content hash.
    const contents = session ? session.contents.copy() : new Contents();
    const own = call.contentHash ? new ContentHasher() : undefined;
    let length = 0;
    const received = await receive(
      req,
      (data) => {
        length += data.length;
        if (length > SINGLE_REQUEST_LIMIT) return; // only counted: the call is refused
        contents.update(data);
        own?.update(data);
      },
      fault?.kind === 'drop' ? fault.afterBytes : undefined,
    );
    record.bodyLength = received.length;
    if (received.aborted) return; // a dropped connection keeps nothing

    const refuse = (error: Conflict) =>
      reject(route === 'finish' ? lookupFailed(error) : error, received.length);
    if (length > SINGLE_REQUEST_LIMIT) return reject(tagged('payload_too_large'), received.length);
    if (own && own.hex() !== call.contentHash)
      return reject(tagged('content_hash_mismatch'), received.length);
    if (contents.size > fake.maxFileSize) return refuse(tagged('too_large'));
    // Every chunk but the last (the one that closes the session, or finish's) is whole 4 MiB blocks.
    const last = route === 'finish' || route === 'upload' || call.close;
    if (fake.requireAlignment && !last && length % BLOCK_SIZE !== 0) {
      return refuse(tagged('concurrent_session_invalid_data_size'));
    }

    let result: unknown = null;
    if (route === 'start') {
      const id = `pid_upload_session:${random(24)}`;
      sessions.set(id, { id, contents, closed: call.close, createdAt: now() });
      result = { session_id: id };
    } else if (session) {
      // Another request may have appended meanwhile (a retry racing a slow original): take data once.
      if (session.contents.size !== call.cursor!.offset) {
        return refuse(tagged('incorrect_offset', { correct_offset: session.contents.size }));
      }
      session.contents = contents;
      session.closed = call.close;
    }
    if (route === 'upload' || route === 'finish') {
      // Finish keeps the appended data in the session when the write fails, so it can be retried with no data.
      const file = write(call.commit!, contents);
      if (file instanceof Conflict) {
        if (route === 'upload') return reject(uploadPathError(file), received.length);
        return reject(file, received.length);
      }
      if (session) sessions.delete(session.id);
      result = metadata(file);
    }
    if (fault?.kind === 'lose-response') {
      req.socket.destroy();
      return;
    }
    answer(200, JSON.stringify(result), JSON_TYPE);
  }

  /**
   * `files/get_metadata`, an RPC call of the API host (api.dropboxapi.com) served here too: a JSON
   * body `{ path }`, the file's metadata tagged `file`, or 409 `path/not_found`.
   */
  async function getMetadata(
    req: IncomingMessage,
    record: RecordedRequest,
    answer: (status: number, body: string, headers?: Record<string, string>) => void,
  ) {
    const chunks: Buffer[] = [];
    record.bodyLength = (await receive(req, (data) => chunks.push(data))).length;
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.method !== 'POST') return answer(405, `Request method ${req.method} not allowed; use POST.`);
    const authorization = req.headers.authorization ?? '';
    if (!/^Bearer \S+$/.test(authorization) || !fake.validTokens.has(authorization.slice(7))) {
      const error = { error_summary: 'invalid_access_token/..', error: { '.tag': 'invalid_access_token' } };
      return answer(401, JSON.stringify(error), JSON_TYPE);
    }
    const bad = (message: string) =>
      answer(400, `Error in call to API function "files/get_metadata": ${message}`);
    if (req.headers['content-type'] !== 'application/json') return bad('Bad HTTP "Content-Type" header');
    const arg = parseObject(body);
    if (!arg || typeof arg.path !== 'string') return bad('request body: missing required field: path');
    const unknown = Object.keys(arg).filter((k) => !METADATA_ARGS.has(k));
    if (unknown.length > 0) return bad(`request body: unknown field '${unknown[0]}'`);
    const file = fake.files.get(arg.path.toLowerCase());
    if (!file) {
      const error = { error_summary: 'path/not_found/..', error: pathError('not_found', {}) };
      return answer(409, JSON.stringify(error), JSON_TYPE);
    }
    answer(200, JSON.stringify({ '.tag': 'file', ...metadata(file) }), JSON_TYPE);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

type Commit = { path: string; mode: 'add' | 'overwrite' | { update: string }; autorename: boolean };
type Call = {
  cursor?: { session_id: string; offset: number };
  commit?: Commit;
  close: boolean;
  contentHash?: string;
};

/** Checks a route's argument as Dropbox's validator would; a wrong type or missing field is a 400. */
function validate(route: Route, arg: Record<string, unknown>): Call | BadRequest {
  const contentHash = arg.content_hash;
  if (contentHash !== undefined && (typeof contentHash !== 'string' || !/^[0-9a-f]{64}$/.test(contentHash))) {
    return new BadRequest(
      `request body: content_hash: '${String(contentHash)}' did not match pattern '[0-9a-f]{64}'`,
    );
  }
  const close = arg.close ?? false;
  if (typeof close !== 'boolean') return new BadRequest('request body: close: expected boolean');
  const call: Call = { close, contentHash: contentHash as string | undefined };
  if (route === 'start' && arg.session_type !== undefined && sessionTag(arg.session_type) !== 'sequential') {
    return new BadRequest('session_type: this fake implements sequential sessions only');
  }
  if (route === 'append' || route === 'finish') {
    const cursor = arg.cursor as Record<string, unknown> | undefined;
    if (!cursor || typeof cursor.session_id !== 'string')
      return new BadRequest('request body: cursor: missing required field "session_id"');
    if (!Number.isSafeInteger(cursor.offset) || (cursor.offset as number) < 0) {
      return new BadRequest('request body: cursor: offset: expected unsigned integer');
    }
    call.cursor = { session_id: cursor.session_id, offset: cursor.offset as number };
  }
  if (route === 'upload' || route === 'finish') {
    const commit = route === 'upload' ? arg : (arg.commit as Record<string, unknown> | undefined);
    if (!commit) return new BadRequest('request body: missing required field "commit"');
    const checked = validateCommit(commit);
    if (checked instanceof BadRequest) return checked;
    call.commit = checked;
  }
  return call;
}

function validateCommit(commit: Record<string, unknown>): Commit | BadRequest {
  const { path, autorename = false, mute = false } = commit;
  if (typeof path !== 'string') return new BadRequest('request body: missing required field "path"');
  // The spec's pattern also allows id: and ns: paths; this fake writes by path only.
  if (!/^\/(.|[\r\n])*$/.test(path) || path === '/' || path.endsWith('/')) {
    return new BadRequest(`request body: path: '${path}' did not match pattern '(/(.|[\\r\\n])*)'`);
  }
  if (typeof autorename !== 'boolean' || typeof mute !== 'boolean')
    return new BadRequest('request body: expected boolean');
  const tag = sessionTag(commit.mode ?? 'add');
  if (tag === 'add' || tag === 'overwrite') return { path, mode: tag, autorename };
  const rev = (commit.mode as Record<string, unknown> | undefined)?.update;
  if (tag === 'update' && typeof rev === 'string') return { path, mode: { update: rev }, autorename };
  return new BadRequest(`request body: mode: unknown tag '${String(tag)}'`);
}

/** A void union member may be a string or `{ ".tag": ... }`. */
const sessionTag = (value: unknown) =>
  typeof value === 'string' ? value : (value as Record<string, unknown> | null)?.['.tag'];

function pathError(tag: string, extra: Record<string, unknown>) {
  return { '.tag': 'path', path: { '.tag': tag, ...extra } };
}
/** `files/upload` wraps the WriteError in UploadWriteFailed (a struct: its fields sit beside the tag). */
function uploadPathError(conflict: Conflict) {
  const reason = (conflict.error as { path: unknown }).path;
  return new Conflict(conflict.summary, {
    '.tag': 'path',
    reason,
    upload_session_id: `pid_upload_session:${random(24)}`,
  });
}

function metadata(file: StoredFile) {
  const name = file.pathDisplay.slice(file.pathDisplay.lastIndexOf('/') + 1);
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    name,
    id: file.id,
    client_modified: time,
    server_modified: time,
    rev: file.rev,
    size: file.size,
    path_lower: file.pathDisplay.toLowerCase(),
    path_display: file.pathDisplay,
    is_downloadable: true,
    content_hash: file.contentHash,
  };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const METADATA_ARGS = new Set([
  'path',
  'include_media_info',
  'include_deleted',
  'include_has_explicit_shared_members',
  'include_property_groups',
]);

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function redact(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] =
      name === 'authorization' ? 'Bearer [redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * Reads a request body through `onData` without keeping it. With `dropAfter`, destroys the connection
 * once that many bytes arrived (the client sees a network error mid-request).
 */
function receive(
  req: IncomingMessage,
  onData: (data: Buffer) => void,
  dropAfter?: number,
): Promise<{ length: number; aborted: boolean }> {
  return new Promise((resolve) => {
    let length = 0;
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      resolve({ length, aborted });
    };
    req.on('data', (data: Buffer) => {
      if (done) return;
      if (dropAfter !== undefined && length + data.length >= dropAfter) {
        const part = data.subarray(0, dropAfter - length);
        length += part.length;
        onData(part);
        req.socket.destroy();
        finish(true);
        return;
      }
      length += data.length;
      onData(data);
    });
    req.on('end', () => finish(false));
    req.on('error', () => finish(true));
    req.on('close', () => finish(!req.complete));
  });
}
