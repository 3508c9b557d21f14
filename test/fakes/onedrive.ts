import { createHash, type Hash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReferenceQuickXor } from './quickxor-reference.js';

/**
 * A strict fake of Microsoft Graph's OneDrive upload API: the simple `PUT …/root:/{path}:/content`,
 * `createUploadSession`, the session's upload URL (PUT byte ranges, GET status, DELETE cancel) and
 * an item's metadata (`GET …/root:/{path}:`, with its size and QuickXorHash).
 * It follows the documented rules and rejects every deviation with Graph's error shape
 * `{"error":{"code","message"}}`. File contents are kept only as running digests (SHA-256 for the
 * tests, QuickXorHash as Graph reports it) and a byte count, so gigabyte uploads cost no memory.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/driveitem-createuploadsession
 * @see https://learn.microsoft.com/en-us/graph/api/driveitem-put-content
 */

/** The fake's simple-upload limit: Graph documents 4 MB on older pages (250 MB on newer ones). */
export const SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024;
/** Every fragment but the last must be a multiple of 320 KiB. */
export const FRAGMENT_ALIGNMENT = 327_680;
/** Each fragment request must carry less than 60 MiB. */
export const FRAGMENT_LIMIT = 60 * 1024 * 1024;

export interface RecordedRequest {
  method: string;
  /** The raw request target, as sent (percent-encoding intact). */
  path: string;
  /** Lower-case names; an Authorization value is replaced by `Bearer [redacted]`. */
  headers: Record<string, string>;
  /** Body bytes received (so far, for a dropped request). */
  bodyLength: number;
  /** The text of JSON bodies (createUploadSession), never of file bytes. */
  body?: string;
}

export interface StoredFile {
  id: string;
  /** Decoded, e.g. `/Documents/report.pdf`. */
  path: string;
  size: number;
  sha256: string;
  /** Base64, as in the driveItem's `file.hashes.quickXorHash`. */
  quickXorHash: string;
}

/** The running digests of a body or a session's bytes so far. */
export interface Digests {
  sha256: Hash;
  quickXor: ReferenceQuickXor;
}

export interface Session {
  id: string;
  path: string;
  conflictBehavior: 'fail' | 'replace' | 'rename';
  /** Fixed by the first fragment; every later Content-Range must repeat it. */
  total: number | null;
  /** Bytes stored so far: fragments are sequential, so the server has exactly [0, received). */
  received: number;
  digests: Digests;
  expiresAt: number;
  /** A fragment is being received: a second one at the same time breaks the sequence. */
  busy: boolean;
}

export interface FakeOneDrive {
  /** Base URL of the server; the upload URLs live under `${url}/up/`. */
  url: string;
  /** What to pass as `endpoints.graph`: `${url}/v1.0`. */
  graph: string;
  /** Bearer tokens Graph accepts; anything else answers 401 InvalidAuthenticationToken. */
  validTokens: Set<string>;
  requests: RecordedRequest[];
  /** By decoded path. */
  files: Map<string, StoredFile>;
  sessions: Map<string, Session>;
  /** Ids of sessions cancelled with DELETE. */
  cancelled: string[];
  /** How long a session lives after creation or its last fragment. */
  sessionLifetimeMs: number;
  /** The next `count` upload requests (simple PUT or fragment PUT) answer 500 generalException. */
  failNext(count: number): void;
  /** The next `count` upload requests answer 429 activityLimitReached with `Retry-After: seconds`. */
  throttleNext(seconds: number, count?: number): void;
  /** The next upload request has its connection destroyed after `afterBytes` body bytes (nothing is stored). */
  dropNext(afterBytes: number): void;
  /** The next fragment is stored, then the connection is destroyed instead of answering. */
  loseNextResponse(): void;
  /** Every open session expires now (later requests answer 404 itemNotFound). */
  expireSessions(): void;
  close(): Promise<void>;
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Graph's error shape, with the innerError Graph adds. */
function sendError(res: ServerResponse, error: GraphError) {
  const innerError = { date: new Date().toISOString(), 'request-id': randomUUID() };
  sendJson(
    res,
    error.status,
    { error: { code: error.code, message: error.message, innerError } },
    error.headers,
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** A path segment as it may appear in `root:/…:`: unreserved or sub-delim characters and %XX escapes only. */
const ENCODED_SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})+$/;
/** Characters OneDrive does not allow in names. */
const INVALID_NAME = /["*:<>?\\|/]/;
const ITEM_ROUTE = /^\/v1\.0\/me\/drive\/root:\/(.+):\/(content|createUploadSession)$/;
/** The item itself: `GET …/root:/{path}:` answers its driveItem. */
const ITEM_METADATA_ROUTE = /^\/v1\.0\/me\/drive\/root:\/(.+):$/;
const CONFLICT_BEHAVIORS = new Set(['fail', 'replace', 'rename']);

/** Decodes `root:/{path}:`, rejecting anything not percent-encoded as Graph requires. */
function decodeItemPath(raw: string): string {
  const names = raw.split('/').map((segment) => {
    if (!ENCODED_SEGMENT.test(segment)) {
      throw new GraphError(400, 'invalidRequest', `Path segment "${segment}" is not URL-encoded.`);
    }
    const name = decodeURIComponent(segment);
    if (name === '.' || name === '..' || INVALID_NAME.test(name) || name.trim() !== name) {
      throw new GraphError(400, 'invalidRequest', `The name "${name}" contains invalid characters.`);
    }
    return name;
  });
  return `/${names.join('/')}`;
}

export async function startFakeOneDrive(): Promise<FakeOneDrive> {
  let failures = 0;
  let throttles = 0;
  let throttleSeconds = 0;
  let dropAfter: number | null = null;
  let loseResponse = false;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (req.socket.destroyed) return; // a dropped connection: nothing to answer
      if (err instanceof GraphError) return sendError(res, err);
      process.stderr.write(`fake onedrive failed: ${err instanceof Error ? err.stack : err}\n`);
      if (!res.headersSent) sendError(res, new GraphError(500, 'generalException', 'fake onedrive failed'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeOneDrive = {
    url,
    graph: `${url}/v1.0`,
    validTokens: new Set(['valid-token']),
    requests: [],
    files: new Map(),
    sessions: new Map(),
    cancelled: [],
    sessionLifetimeMs: 15 * 60 * 1000,
    failNext: (count) => {
      failures = count;
    },
    throttleNext: (seconds, count = 1) => {
      throttleSeconds = seconds;
      throttles = count;
    },
    dropNext: (afterBytes) => {
      dropAfter = afterBytes;
    },
    loseNextResponse: () => {
      loseResponse = true;
    },
    expireSessions() {
      for (const session of fake.sessions.values()) session.expiresAt = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };

  /** The request's body as it arrives: counted for the record, handed to `onData`, ended or cut. */
  interface Body {
    onData?: (chunk: Buffer) => void;
    /** Resolves at the end of the body, rejects when the connection closes first. */
    ended: Promise<void>;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
      headers[name] = name === 'authorization' ? 'Bearer [redacted]' : text;
    }
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '/',
      headers,
      bodyLength: 0,
    };
    fake.requests.push(record);
    const body: Body = {
      ended: new Promise<void>((resolve, reject) => {
        req.on('end', resolve);
        req.on('close', () => reject(new Error('connection closed before the body ended')));
      }),
    };
    body.ended.catch(() => {});
    req.on('data', (chunk: Buffer) => {
      record.bodyLength += chunk.byteLength;
      body.onData?.(chunk);
    });

    try {
      const path = record.path.split('?')[0]!;
      if (path.startsWith('/up/')) return await uploadUrl(req, res, body, path.slice(4), record);
      const metadata = ITEM_METADATA_ROUTE.exec(path);
      if (metadata) {
        authorize(req);
        return itemMetadata(req, res, decodeItemPath(metadata[1]!));
      }
      const item = ITEM_ROUTE.exec(path);
      if (!item) throw new GraphError(400, 'invalidRequest', `Resource not found for the segment '${path}'.`);
      authorize(req);
      const itemPath = decodeItemPath(item[1]!);
      if (item[2] === 'content') {
        if (req.method !== 'PUT') throw new GraphError(405, 'notSupported', 'Use PUT to upload content.');
        return await simpleUpload(req, res, body, itemPath);
      }
      if (req.method !== 'POST')
        throw new GraphError(405, 'notSupported', 'Use POST to create an upload session.');
      return await createSession(req, res, body, itemPath, record);
    } catch (err) {
      // Answer only once the rejected body has been read, so the client sees the answer, not a reset.
      if (err instanceof GraphError) await body.ended.catch(() => {});
      throw err;
    }
  }

  function authorize(req: IncomingMessage) {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!match || !fake.validTokens.has(match[1]!)) {
      throw new GraphError(
        401,
        'InvalidAuthenticationToken',
        'Access token has expired or is not yet valid.',
        {
          'www-authenticate': 'Bearer realm=""',
        },
      );
    }
  }

  function contentLength(req: IncomingMessage): number {
    const value = req.headers['content-length'];
    if (value === undefined || !/^\d+$/.test(value)) {
      throw new GraphError(411, 'invalidRequest', 'A Content-Length header is required.');
    }
    return Number(value);
  }

  /** Faults injected on upload requests (simple PUT and fragment PUT), before any rule is checked. */
  function injectFaults(req: IncomingMessage, body: Body) {
    if (throttles > 0) {
      throttles--;
      throw new GraphError(429, 'activityLimitReached', 'The app or user has been throttled.', {
        'retry-after': String(throttleSeconds),
      });
    }
    if (failures > 0) {
      failures--;
      throw new GraphError(500, 'generalException', 'An unspecified error has occurred.');
    }
    if (dropAfter !== null) {
      const after = dropAfter;
      dropAfter = null;
      let seen = 0;
      body.onData = (chunk) => {
        seen += chunk.byteLength;
        if (seen >= after) req.socket.destroy();
      };
      // A body shorter than `after` still gets no answer.
      body.ended.then(
        () => req.socket.destroy(),
        () => {},
      );
      return true;
    }
    return false;
  }

  const newDigests = (): Digests => ({ sha256: createHash('sha256'), quickXor: new ReferenceQuickXor() });

  /** Streams a body into copies of `digests`; the copies are only kept when the whole body arrived. */
  async function receive(body: Body, digests: Digests): Promise<{ digests: Digests; length: number }> {
    const copy = { sha256: digests.sha256.copy(), quickXor: digests.quickXor.copy() };
    let length = 0;
    body.onData = (chunk) => {
      copy.sha256.update(chunk);
      copy.quickXor.update(chunk);
      length += chunk.byteLength;
    };
    await body.ended;
    return { digests: copy, length };
  }

  function driveItem(file: StoredFile) {
    const names = file.path.split('/').slice(1);
    const name = names.pop()!;
    const parent = ['/drive/root:', ...names.map(encodeURIComponent)].join('/');
    return {
      id: file.id,
      name,
      size: file.size,
      file: { mimeType: 'application/octet-stream', hashes: { quickXorHash: file.quickXorHash } },
      // Graph documents parentReference.path as percent-encoded.
      parentReference: { driveType: 'personal', driveId: 'fakedrive', path: parent },
    };
  }

  function store(path: string, size: number, digests: Digests): { file: StoredFile; created: boolean } {
    const existing = fake.files.get(path);
    const file = {
      id: existing?.id ?? randomBytes(8).toString('hex').toUpperCase(),
      path,
      size,
      sha256: digests.sha256.digest('hex'),
      quickXorHash: digests.quickXor.digest(),
    };
    fake.files.set(path, file);
    return { file, created: !existing };
  }

  /** `name (1).ext`, `name (2).ext`, ... for conflictBehavior rename. */
  function freeName(path: string): string {
    const [, stem, ext] = /^(.*?)(\.[^./]*)?$/.exec(path)!;
    let candidate = path;
    for (let n = 1; fake.files.has(candidate); n++) candidate = `${stem} (${n})${ext ?? ''}`;
    return candidate;
  }

  async function simpleUpload(req: IncomingMessage, res: ServerResponse, body: Body, path: string) {
    if (injectFaults(req, body)) return;
    const length = contentLength(req);
    if (length > SIMPLE_UPLOAD_LIMIT) {
      throw new GraphError(
        413,
        'invalidRequest',
        `Simple upload is limited to ${SIMPLE_UPLOAD_LIMIT} bytes; use an upload session.`,
      );
    }
    const received = await receive(body, newDigests());
    const { file, created } = store(path, received.length, received.digests);
    sendJson(res, created ? 201 : 200, driveItem(file));
  }

  /** `GET …/root:/{path}:`: the item's driveItem, or 404 when nothing is stored there. */
  function itemMetadata(req: IncomingMessage, res: ServerResponse, path: string) {
    if (req.method !== 'GET')
      throw new GraphError(405, 'notSupported', `${req.method} is not supported here.`);
    const file = fake.files.get(path);
    if (!file) throw new GraphError(404, 'itemNotFound', 'The resource could not be found.');
    sendJson(res, 200, driveItem(file));
  }

  async function createSession(
    req: IncomingMessage,
    res: ServerResponse,
    body: Body,
    path: string,
    record: RecordedRequest,
  ) {
    const chunks: Buffer[] = [];
    body.onData = (chunk) => chunks.push(chunk);
    await body.ended;
    const text = Buffer.concat(chunks).toString('utf8');
    record.body = text;
    let conflictBehavior = 'fail'; // Graph's default
    if (text.length > 0) {
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
        throw new GraphError(415, 'invalidRequest', 'The request body must be application/json.');
      }
      let parsed: { item?: Record<string, unknown> };
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new GraphError(400, 'invalidRequest', 'The request body is not valid JSON.');
      }
      const behavior = parsed.item?.['@microsoft.graph.conflictBehavior'];
      if (behavior !== undefined) {
        if (typeof behavior !== 'string' || !CONFLICT_BEHAVIORS.has(behavior)) {
          throw new GraphError(400, 'invalidRequest', `Invalid conflictBehavior '${String(behavior)}'.`);
        }
        conflictBehavior = behavior;
      }
      const name = parsed.item?.name;
      if (name !== undefined && name !== path.split('/').pop()) {
        throw new GraphError(400, 'invalidRequest', 'The item name must match the name in the path.');
      }
    }
    if (conflictBehavior === 'fail' && fake.files.has(path)) {
      throw new GraphError(409, 'nameAlreadyExists', 'The specified item name already exists.');
    }
    const session: Session = {
      id: randomBytes(24).toString('base64url'),
      path,
      conflictBehavior: conflictBehavior as Session['conflictBehavior'],
      total: null,
      received: 0,
      digests: newDigests(),
      expiresAt: Date.now() + fake.sessionLifetimeMs,
      busy: false,
    };
    fake.sessions.set(session.id, session);
    sendJson(res, 200, {
      uploadUrl: `${url}/up/${session.id}`,
      expirationDateTime: new Date(session.expiresAt).toISOString(),
      nextExpectedRanges: ['0-'],
    });
  }

  function status(session: Session) {
    return {
      expirationDateTime: new Date(session.expiresAt).toISOString(),
      nextExpectedRanges: [`${session.received}-`],
    };
  }

  async function uploadUrl(
    req: IncomingMessage,
    res: ServerResponse,
    body: Body,
    id: string,
    record: RecordedRequest,
  ) {
    const session = fake.sessions.get(id);
    if (!session || session.expiresAt <= Date.now()) {
      fake.sessions.delete(id);
      throw new GraphError(404, 'itemNotFound', 'The upload session was not found or has expired.');
    }
    // The upload URL carries its own authorization; Graph answers 401 to one that also carries a token.
    if (record.headers.authorization !== undefined) {
      throw new GraphError(
        401,
        'unauthenticated',
        'The upload URL must be called without an Authorization header.',
      );
    }
    if (req.method === 'GET') return sendJson(res, 200, status(session));
    if (req.method === 'DELETE') {
      fake.sessions.delete(id);
      fake.cancelled.push(id);
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'PUT')
      throw new GraphError(405, 'notSupported', `${req.method} is not supported on an upload URL.`);
    return fragment(req, res, body, session);
  }

  async function fragment(req: IncomingMessage, res: ServerResponse, body: Body, session: Session) {
    if (injectFaults(req, body)) return;
    const declared = contentLength(req);
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '');
    if (!range) throw new GraphError(400, 'invalidRequest', 'Content-Range must be "bytes start-end/total".');
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (start > end || end >= total)
      throw new GraphError(416, 'invalidRange', 'The Content-Range is not satisfiable.');
    const length = end - start + 1;
    if (length >= FRAGMENT_LIMIT) {
      throw new GraphError(413, 'invalidRequest', 'A fragment must be smaller than 60 MiB.');
    }
    if (declared !== length)
      throw new GraphError(400, 'invalidRequest', 'Content-Length does not match Content-Range.');
    if (session.total !== null && total !== session.total) {
      throw new GraphError(400, 'invalidRequest', `The file size was declared as ${session.total} before.`);
    }
    if (end + 1 < total && length % FRAGMENT_ALIGNMENT !== 0) {
      throw new GraphError(
        400,
        'invalidRequest',
        'Fragments other than the last must be a multiple of 320 KiB.',
      );
    }
    if (session.busy) throw new GraphError(416, 'invalidRange', 'Fragments must be uploaded sequentially.');
    if (start < session.received) {
      throw new GraphError(416, 'invalidRange', 'The fragment overlaps bytes already received.');
    }
    if (start > session.received)
      throw new GraphError(416, 'invalidRange', 'Fragments must be uploaded in order.');

    session.busy = true;
    req.on('close', () => {
      session.busy = false;
    });
    const received = await receive(body, session.digests);
    session.busy = false;
    session.digests = received.digests;
    session.total = total;
    session.received = end + 1;
    session.expiresAt = Date.now() + fake.sessionLifetimeMs;
    const lose = loseResponse;
    loseResponse = false;
    let answer: { status: number; body: unknown };
    if (session.received < total) {
      answer = { status: 202, body: status(session) };
    } else {
      fake.sessions.delete(session.id);
      if (session.conflictBehavior === 'fail' && fake.files.has(session.path)) {
        throw new GraphError(409, 'nameAlreadyExists', 'The specified item name already exists.');
      }
      const path = session.conflictBehavior === 'rename' ? freeName(session.path) : session.path;
      const { file, created } = store(path, total, session.digests);
      answer = { status: created ? 201 : 200, body: driveItem(file) };
    }
    if (lose) return void req.socket.destroy();
    sendJson(res, answer.status, answer.body);
  }

  return fake;
}
