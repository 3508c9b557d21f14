import { type ChunkReader, chunkReader, knownSize } from './body.js';
import {
  backoffMs,
  describe,
  pause,
  type RequestSpec,
  retryAfterMs,
  type SendOptions,
  send,
  UploadError,
} from './request.js';
import type { AccessTokenSource, UploadEnvironment, UploadOptions, UploadResult } from './types.js';

/** Drive's documented ceiling for a single-request upload ("5 MB"; Drive's "KB" and "MB" are binary). */
export const DRIVE_SINGLE_REQUEST_LIMIT = 5 * 1024 * 1024;
/** Every chunk of a resumable upload but the last is a multiple of 256 KiB. */
export const DRIVE_CHUNK_ALIGNMENT = 256 * 1024;
const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
const DEFAULT_HOST = 'https://www.googleapis.com';
/** The fields of the file resource Drive answers with when the upload completes. */
const QUERY = 'fields=id,name,size&supportsAllDrives=true';
/** Pieces the small-file path reads the body in, so it never holds a second copy of it. */
const READ_PIECE = 256 * 1024;
const encoder = new TextEncoder();

interface DriveFile {
  id: string;
  name: string;
  size: number;
}

/** What the resumable path knows about its session; the failure path reads it to clean up. */
interface Session {
  uri?: string;
  /** Bytes Drive has confirmed storing. */
  committed: number;
  /** Completed, expired or never opened: nothing to cancel. */
  closed: boolean;
}

interface Context {
  tokens: AccessTokenSource;
  env: UploadEnvironment;
  options: UploadOptions;
  host: string;
  /** The file's metadata, `{name, parents?}`, as JSON. */
  metadata: string;
}

/**
 * Uploads a file to Google Drive: at most 5 MiB in one multipart request, anything larger (or a stream
 * that turns out larger) through a resumable upload session in chunks of `chunkSize` (default 8 MiB,
 * rounded down to a multiple of 256 KiB), resuming from what Drive reports it stored after a failure.
 * The multipart request names a file id Drive generated beforehand (ten are asked for at a time per
 * token source), so sent again after its answer was lost it finds its own file instead of making a
 * second one.
 *
 * Drive has no paths: `options.path` is `name` (the file goes to My Drive's root) or `folderId/name`,
 * where `folderId` is the id of the parent folder (or the alias `root`); a name cannot contain `/`.
 * Drive allows several files with one name in a folder, so every upload creates a new file.
 * The result's `remotePath` has the same shape, with the name Drive stored; `fileId` is the file's id.
 *
 * @example
 * const result = await uploadToGoogleDrive(
 *   custodian.tokenSource(connectionId),
 *   { path: '1AbCdEfGhIjKlMnOp/report.pdf', body: file, onProgress: (p) => console.log(p.bytesUploaded) },
 *   { fetch },
 * );
 * if (!result.success) console.error(result.errorMessage);
 *
 * @see https://developers.google.com/workspace/drive/api/guides/manage-uploads
 */
export async function uploadToGoogleDrive(
  tokens: AccessTokenSource,
  options: UploadOptions,
  env: UploadEnvironment,
): Promise<UploadResult> {
  const session: Session = { committed: 0, closed: true };
  let reader: ChunkReader | undefined;
  try {
    options.signal?.throwIfAborted();
    const { name, folderId } = parsePath(options.path);
    const size = declaredSize(options);
    const ctx: Context = {
      tokens,
      env,
      options,
      host: (env.endpoints?.upload ?? DEFAULT_HOST).replace(/\/+$/, ''),
      metadata: JSON.stringify(folderId ? { name, parents: [folderId] } : { name }),
    };
    reader = chunkReader(options.body, { reuse: true });
    let file: DriveFile;
    if (size !== undefined && size > DRIVE_SINGLE_REQUEST_LIMIT) {
      file = await uploadResumable(ctx, reader, size, session);
    } else {
      const boundary = randomBoundary();
      const id = await generatedId(ctx);
      const small = await readSmall(
        ctx,
        reader,
        size,
        multipartHead(boundary, JSON.stringify({ id, ...JSON.parse(ctx.metadata) })),
        multipartTail(boundary),
      );
      if ('frame' in small) {
        file = await uploadMultipart(ctx, small.frame, boundary, small.size, id);
        session.committed = file.size;
      } else {
        file = await uploadResumable(ctx, prepend(small.prefix, reader), size, session);
      }
    }
    return {
      success: true,
      remotePath: folderId ? `${folderId}/${file.name}` : file.name,
      fileId: file.id,
      fileSize: file.size,
      errorMessage: null,
    };
  } catch (error) {
    if (session.uri && !session.closed) await cancelSession(tokens, env, session.uri);
    return {
      success: false,
      remotePath: options.path,
      fileId: null,
      fileSize: session.committed,
      errorMessage: messageOf(error, options.signal),
    };
  } finally {
    // Not awaited: a source stuck in a read would hold the answer back (see `abortable`).
    reader?.cancel().catch(() => {});
  }
}

/** `name` or `folderId/name`. */
function parsePath(path: string): { name: string; folderId?: string } {
  const parts = path.split('/');
  if (parts.length > 2 || parts.some((part) => part === '')) {
    throw new UploadError(
      `path must be "name" or "folderId/name" (Drive has no paths), not ${JSON.stringify(path)}`,
    );
  }
  return parts.length === 2 ? { folderId: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}

function declaredSize(options: UploadOptions): number | undefined {
  const known = knownSize(options.body);
  const { size } = options;
  if (size === undefined) return known;
  if (!Number.isSafeInteger(size) || size < 0)
    throw new UploadError(`size must be a whole number of bytes, not ${size}`);
  if (known !== undefined && known !== size)
    throw new UploadError(`size says ${size} bytes but the body has ${known}`);
  return size;
}

/** Rounds `chunkSize` down to Drive's 256 KiB alignment (at least one unit). */
function alignedChunkSize(chunkSize: number | undefined): number {
  if (chunkSize === undefined || !Number.isFinite(chunkSize) || chunkSize <= 0) return DEFAULT_CHUNK_SIZE;
  return Math.max(
    DRIVE_CHUNK_ALIGNMENT,
    Math.floor(chunkSize / DRIVE_CHUNK_ALIGNMENT) * DRIVE_CHUNK_ALIGNMENT,
  );
}

// ---------------------------------------------------------------------------------------------------
// Small files: one multipart/related request, the JSON metadata part then the media part.

function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `custodian-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function multipartHead(boundary: string, metadata: string): Uint8Array {
  return encoder.encode(
    `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${metadata}\r\n` +
      `--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
}

function multipartTail(boundary: string): Uint8Array {
  return encoder.encode(`\r\n--${boundary}--\r\n`);
}

/**
 * Reads the body straight into the media part of a multipart frame (so the small file is held once,
 * not twice) when it is at most the single-request limit. A body of unknown size is read up to the
 * limit + 1 bytes to decide; when it is larger, the bytes read so far are answered as `prefix`
 * and the resumable upload sends them first.
 */
async function readSmall(
  ctx: Context,
  reader: ChunkReader,
  size: number | undefined,
  head: Uint8Array,
  tail: Uint8Array,
): Promise<{ frame: Uint8Array; size: number } | { prefix: Uint8Array }> {
  const capacity = size ?? DRIVE_SINGLE_REQUEST_LIMIT + 1;
  // A large allocation is zero pages until written: a tiny stream does not cost 5 MiB of memory.
  const frame = new Uint8Array(head.byteLength + capacity + tail.byteLength);
  frame.set(head);
  let read = 0;
  while (read < capacity) {
    const piece = await abortable(reader.next(Math.min(READ_PIECE, capacity - read)), ctx.options.signal);
    if (!piece) break;
    frame.set(piece, head.byteLength + read);
    read += piece.byteLength;
  }
  if (read > DRIVE_SINGLE_REQUEST_LIMIT)
    return { prefix: frame.subarray(head.byteLength, head.byteLength + read) };
  if (size !== undefined) await expectEnd(ctx, reader, size, read);
  frame.set(tail, head.byteLength + read);
  return { frame: frame.subarray(0, head.byteLength + read + tail.byteLength), size: read };
}

async function uploadMultipart(
  ctx: Context,
  frame: Uint8Array,
  boundary: string,
  size: number,
  id: string,
): Promise<DriveFile> {
  // Retried on network errors, 429, 5xx and quota 403s. The metadata names an id Drive generated, so
  // a create that is sent again after Drive made the file answers 409 instead of making a second one.
  let resent = false;
  let response = await sendDrive(
    {
      url: `${ctx.host}/upload/drive/v3/files?uploadType=multipart&${QUERY}`,
      method: 'POST',
      headers: { 'content-type': `multipart/related; boundary=${boundary}` },
      body: frame,
    },
    {
      env: ctx.env,
      tokens: ctx.tokens,
      signal: ctx.options.signal,
      onUnanswered: () => {
        resent = true;
      },
    },
  );
  if (response.status === 409 && resent) {
    // The lost attempt made the file: nobody else knows its id.
    await discard(response);
    response = await sendDrive(
      { url: `${ctx.host}/drive/v3/files/${encodeURIComponent(id)}?${QUERY}`, method: 'GET' },
      { env: ctx.env, tokens: ctx.tokens, signal: ctx.options.signal },
    );
  }
  if (response.status !== 200 && response.status !== 201) {
    throw new UploadError(`Drive refused the upload: ${await describe(response)}`, response.status);
  }
  const file = await readFile(response, size);
  if (file.size !== size) throw new UploadError(`Drive stored ${file.size} bytes but ${size} were sent`);
  ctx.options.onProgress?.({
    bytesUploaded: size,
    totalBytes: ctx.options.size ?? knownSize(ctx.options.body) ?? null,
  });
  return file;
}

// ---------------------------------------------------------------------------------------------------
// Large files: a resumable session, chunks PUT with Content-Range, 308 + Range while incomplete.

async function uploadResumable(
  ctx: Context,
  reader: ChunkReader,
  size: number | undefined,
  session: Session,
): Promise<DriveFile> {
  const { env, tokens, options } = ctx;
  const { signal } = options;
  session.uri = await openSession(ctx, size);
  session.closed = false;
  const chunkSize = alignedChunkSize(options.chunkSize);
  const maxRetries = env.maxRetries ?? 5;
  // Chunks go out without send()'s own retries: a retried chunk must first ask Drive what it kept.
  const once: UploadEnvironment = { ...env, maxRetries: 0 };
  const want = (start: number) => (size === undefined ? chunkSize : Math.min(chunkSize, size - start));

  let chunkStart = 0;
  let chunk = await abortable(reader.next(want(0)), signal);
  let failures = 0;
  for (;;) {
    signal?.throwIfAborted();
    // Drop the chunk once Drive holds all of it; the next one is read only then.
    while (chunk && session.committed >= chunkStart + chunk.byteLength) {
      chunkStart += chunk.byteLength;
      chunk = want(chunkStart) > 0 ? await abortable(reader.next(want(chunkStart)), signal) : null;
    }
    if (session.committed < chunkStart) {
      throw new UploadError(`Drive lost bytes it had confirmed (it has ${session.committed}); cannot resume`);
    }
    const end = chunkStart + (chunk?.byteLength ?? 0);
    // A short chunk ends a body of unknown size; a stream that ends on a chunk boundary leaves an
    // empty last request, which tells Drive the total (`bytes */TOTAL`).
    const last = size === undefined ? !chunk || chunk.byteLength < chunkSize : end === size;
    if (size !== undefined) {
      if (end < size && (!chunk || chunk.byteLength < want(chunkStart))) throw shortBody(end, size);
      // A byte found here lands in `chunk`'s reused memory; the upload then fails, nothing is sent.
      if (last) await expectEnd(ctx, reader, size, end);
    }
    const piece = chunk ? chunk.subarray(session.committed - chunkStart) : new Uint8Array(0);
    const total = last ? String(end) : (size?.toString() ?? '*');
    const range =
      piece.byteLength > 0 ? `bytes ${session.committed}-${end - 1}/${total}` : `bytes */${total}`;

    let response: Response | undefined;
    let trouble: string;
    try {
      response = await send(
        { url: session.uri, method: 'PUT', headers: { 'content-range': range }, body: piece },
        {
          env: once,
          tokens,
          signal,
        },
      );
    } catch (error) {
      // send() answers an UploadError for a network failure; anything else (a token source failing) ends.
      if (signal?.aborted || !(error instanceof UploadError)) throw error;
      response = undefined;
    }
    if (response) {
      checkNotRedirected(response);
      if (response.status === 308) {
        const before = session.committed;
        session.committed = storedBytes(response, end);
        await discard(response);
        if (session.committed > before) {
          failures = 0;
          options.onProgress?.({ bytesUploaded: session.committed, totalBytes: size ?? null });
          continue;
        }
        trouble = 'Drive kept none of the chunk';
      } else if (response.status === 200 || response.status === 201) {
        if (!last)
          throw new UploadError(`Drive completed the upload after ${end} bytes, before the body ended`);
        return complete(ctx, session, response, end);
      } else if (response.status === 404 || response.status === 410) {
        session.closed = true;
        throw new UploadError(`the upload session expired (${await describe(response)})`, response.status);
      } else if (response.status === 429 || response.status >= 500 || (await isQuotaError(response))) {
        trouble = await describe(response);
      } else {
        throw new UploadError(`Drive refused a chunk: ${await describe(response)}`, response.status);
      }
    } else {
      trouble = 'the connection failed';
    }

    // A failed chunk: wait, ask Drive what it stored, and go on from there.
    if (++failures > maxRetries) throw new UploadError(`Drive failed a chunk ${failures} times: ${trouble}`);
    await pause(env, (response && retryAfterMs(response)) ?? backoffMs(failures - 1), signal);
    const status = await querySession(ctx, session, size, end);
    if ('file' in status) return complete(ctx, session, status.file, end);
    const advanced = status.committed > session.committed;
    session.committed = status.committed;
    if (advanced) {
      // Progress despite the failure (an interrupted chunk kept in part): the link works, start counting anew.
      failures = 0;
      options.onProgress?.({ bytesUploaded: session.committed, totalBytes: size ?? null });
    }
  }
}

async function openSession(ctx: Context, size: number | undefined): Promise<string> {
  const url = `${ctx.host}/upload/drive/v3/files?uploadType=resumable&${QUERY}`;
  const response = await sendDrive(
    {
      url,
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        'x-upload-content-type': 'application/octet-stream',
        ...(size === undefined ? {} : { 'x-upload-content-length': String(size) }),
      },
      body: ctx.metadata,
    },
    { env: ctx.env, tokens: ctx.tokens, signal: ctx.options.signal },
  );
  if (response.status !== 200) {
    throw new UploadError(`Drive refused to start the upload: ${await describe(response)}`, response.status);
  }
  const location = response.headers.get('location');
  await discard(response);
  if (!location) throw new UploadError('Drive started the upload but sent no session URI (Location)');
  return new URL(location, url).href;
}

/** Asks Drive what it has: an empty PUT with `Content-Range: bytes *\/TOTAL` (or `*\/*`). */
async function querySession(
  ctx: Context,
  session: Session,
  size: number | undefined,
  sent: number,
): Promise<{ committed: number } | { file: Response }> {
  const response = await sendDrive(
    {
      url: session.uri!,
      method: 'PUT',
      headers: { 'content-range': `bytes */${size ?? '*'}` },
      body: new Uint8Array(0),
    },
    { env: ctx.env, tokens: ctx.tokens, signal: ctx.options.signal },
  );
  checkNotRedirected(response);
  if (response.status === 200 || response.status === 201) return { file: response };
  if (response.status === 308) {
    const committed = storedBytes(response, sent);
    await discard(response);
    return { committed };
  }
  if (response.status === 404 || response.status === 410) {
    session.closed = true;
    throw new UploadError(`the upload session expired (${await describe(response)})`, response.status);
  }
  throw new UploadError(`Drive could not say what it stored: ${await describe(response)}`, response.status);
}

async function complete(
  ctx: Context,
  session: Session,
  response: Response,
  total: number,
): Promise<DriveFile> {
  session.closed = true;
  const file = await readFile(response, total);
  if (file.size !== total) throw new UploadError(`Drive stored ${file.size} bytes but ${total} were sent`);
  session.committed = total;
  ctx.options.onProgress?.({
    bytesUploaded: total,
    totalBytes: ctx.options.size ?? knownSize(ctx.options.body) ?? null,
  });
  return file;
}

/** `Range: bytes=0-N` means N + 1 bytes are stored; no Range means none (Google's resumable protocol). */
function storedBytes(response: Response, sent: number): number {
  const range = response.headers.get('range');
  if (!range) return 0;
  const match = /^bytes=0-(\d+)$/.exec(range.trim());
  if (!match) throw new UploadError(`Drive answered an unreadable Range: ${range}`);
  const stored = Number(match[1]) + 1;
  if (stored > sent) throw new UploadError(`Drive says it has ${stored} bytes, but only ${sent} were sent`);
  return stored;
}

/** Best effort, after a failure or an abort: Drive answers 499 to the DELETE of a session. */
async function cancelSession(tokens: AccessTokenSource, env: UploadEnvironment, uri: string): Promise<void> {
  try {
    const response = await send(
      { url: uri, method: 'DELETE' },
      { env: { ...env, maxRetries: 0 }, tokens, signal: AbortSignal.timeout(10_000) },
    );
    await discard(response);
  } catch {
    // The session expires on its own (after a week).
  }
}

// ---------------------------------------------------------------------------------------------------
// Helpers.

/**
 * send(), also retrying the 403 Drive answers when a quota is exceeded (`userRateLimitExceeded`,
 * `rateLimitExceeded`), which Drive asks clients to retry with exponential backoff like a 429.
 */
async function sendDrive(spec: RequestSpec, options: SendOptions): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await send(spec, options);
    if (attempt >= (options.env.maxRetries ?? 5) || !(await isQuotaError(response))) return response;
    await discard(response);
    await pause(options.env, backoffMs(attempt), options.signal);
  }
}

/** Ids Drive generated for each token source's account and not used yet: asked for a few at a time. */
const spareIds = new WeakMap<AccessTokenSource, string[]>();
const IDS_PER_REQUEST = 10;

/**
 * An id for a new file, generated by Drive (`files/generateIds`): a create that names one is made
 * once, however often it is sent. Each id serves one upload; ten are asked for at a time, so nine
 * in ten small uploads cost no request for it.
 */
async function generatedId(ctx: Context): Promise<string> {
  let spare = spareIds.get(ctx.tokens);
  if (spare === undefined) {
    spare = [];
    spareIds.set(ctx.tokens, spare);
  }
  if (spare.length === 0) {
    const response = await sendDrive(
      {
        url: `${ctx.host}/drive/v3/files/generateIds?count=${IDS_PER_REQUEST}&space=drive&type=files`,
        method: 'GET',
      },
      { env: ctx.env, tokens: ctx.tokens, signal: ctx.options.signal },
    );
    if (response.status !== 200) {
      throw new UploadError(
        `Drive could not generate a file id: ${await describe(response)}`,
        response.status,
      );
    }
    const { ids } = (await response.json().catch(() => ({}))) as { ids?: unknown };
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string')) {
      throw new UploadError('Drive answered generateIds without ids');
    }
    spare.push(...(ids as string[]));
  }
  return spare.pop()!;
}

/** A 403 for a rate limit rather than a refusal (reads a copy, so the body stays readable). */
async function isQuotaError(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  const text = await response
    .clone()
    .text()
    .catch(() => '');
  return /"reason"\s*:\s*"(userRateLimitExceeded|rateLimitExceeded)"/.test(text);
}

/** The file resource from a final answer, with `size` (a decimal string in Drive's JSON) as a number. */
async function readFile(response: Response, sent: number): Promise<DriveFile> {
  let body: { id?: unknown; name?: unknown; size?: unknown };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new UploadError(`Drive answered ${response.status} without a file resource`);
  }
  if (typeof body.id !== 'string' || typeof body.name !== 'string') {
    throw new UploadError(`Drive answered ${response.status} without the file's id and name`);
  }
  return { id: body.id, name: body.name, size: body.size === undefined ? sent : Number(body.size) };
}

/**
 * The session's 308 carries no Location, so fetch's default `redirect: 'follow'` hands it back as is.
 * Should a Location ever appear, fetch would follow it: refuse the answer rather than trust it.
 */
function checkNotRedirected(response: Response): void {
  if (response.redirected) throw new UploadError('Drive redirected an upload request; stopped to be safe');
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

/** Fails when a body of declared `size` has more bytes than that (it was checked for fewer already). */
async function expectEnd(ctx: Context, reader: ChunkReader, size: number, read: number): Promise<void> {
  if (read < size) throw shortBody(read, size);
  if (await abortable(reader.next(1), ctx.options.signal)) {
    throw new UploadError(`the body is longer than size (${size} bytes)`);
  }
}

function shortBody(read: number, size: number): UploadError {
  return new UploadError(`the body ended after ${read} bytes, but size says ${size}`);
}

/** A reader that answers `prefix` first, then the rest of `reader`. */
function prepend(prefix: Uint8Array, reader: ChunkReader): ChunkReader {
  let rest = prefix;
  return {
    async next(size) {
      if (rest.byteLength >= size) {
        const chunk = rest.subarray(0, size);
        rest = rest.subarray(size);
        return chunk;
      }
      if (rest.byteLength === 0) return reader.next(size);
      const more = await reader.next(size - rest.byteLength);
      const chunk = new Uint8Array(rest.byteLength + (more?.byteLength ?? 0));
      chunk.set(rest);
      if (more) chunk.set(more, rest.byteLength);
      rest = new Uint8Array(0);
      return chunk;
    },
    cancel: () => reader.cancel(),
  };
}

/** Lets an abort end a wait on a body source that has stopped producing. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function messageOf(error: unknown, signal?: AbortSignal): string {
  if (signal?.aborted) return 'the upload was cancelled';
  const message =
    error instanceof UploadError
      ? error.message
      : `the upload failed: ${String((error as Error)?.message ?? error)}`;
  // fetch's own errors can quote a header value; never let an access token through.
  return message.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]');
}
