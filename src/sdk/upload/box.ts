import { type ChunkReader, chunkReader, knownSize } from './body.js';
import { digest } from './digest.js';
import { backoffMs, describe, pause, retryAfterMs, send, UploadError } from './request.js';
import { createSha1, type Sha1 } from './sha1.js';
import type { AccessTokenSource, UploadEnvironment, UploadOptions, UploadResult } from './types.js';

/** Files of this size and more go through upload sessions, which Box refuses for smaller files. */
const SESSION_MIN = 20_000_000;
/** Box's commit may answer 202 while it assembles the parts; it is asked again this many times at most. */
const MAX_COMMIT_POLLS = 60;
const DEFAULT_UPLOAD_API = 'https://upload.box.com/api/2.0';
const DEFAULT_MAIN_API = 'https://api.box.com/2.0';

interface Part {
  part_id: string;
  offset: number;
  size: number;
  sha1: string;
}

interface Session {
  part_size: number;
  session_endpoints: { upload_part: string; commit: string; abort: string; list_parts: string };
}

interface Context {
  tokens: AccessTokenSource;
  env: UploadEnvironment;
  signal: AbortSignal | undefined;
  /** The upload API (upload.box.com). */
  api: string;
  /** The main API (api.box.com), for the preflight check after a lost commit answer. */
  mainApi: string;
}

/**
 * Uploads a file to Box.
 *
 * `options.path` is `name` (into the root folder, id "0") or `folderId/name`,
 * e.g. `"123456/report.pdf"`: Box addresses folders by id, not by path. The
 * result's `remotePath` has the `folderId/name` form.
 *
 * Files under 20 MB go in one multipart request (`attributes` before `file`);
 * larger ones through an upload session, whose `part_size` Box chooses, so
 * `options.chunkSize` is ignored and memory holds one part. Box needs the size
 * up front for a session: give `options.size` for a stream of 20 MB or more.
 * Every part carries its SHA-1 and the commit the whole file's; a part whose
 * request failed is looked up in the session before it is sent again; a commit
 * answered 202 is retried after its Retry-After; an abort deletes the session.
 * When the answer to the commit is lost, the commit sent again finds no session:
 * the file in the folder under that name is then taken as the result if its
 * SHA-1 is the one of the data sent (a preflight check on the main API,
 * `env.endpoints.api`, names it).
 *
 * @example
 * const result = await uploadToBox(tokens, { path: '0/report.pdf', body: blob }, { fetch });
 * if (!result.success) console.error(result.errorMessage);
 *
 * @see https://developer.box.com/guides/uploads/
 * @see https://developer.box.com/guides/uploads/chunked/
 */
export async function uploadToBox(
  tokens: AccessTokenSource,
  options: UploadOptions,
  env: UploadEnvironment,
): Promise<UploadResult> {
  const target = parsePath(options.path);
  if (typeof target === 'string') return failure(options.path, target, 0);
  const remotePath = `${target.folderId}/${target.name}`;
  const ctx: Context = {
    tokens,
    env,
    signal: options.signal,
    api: (env.endpoints?.upload ?? DEFAULT_UPLOAD_API).replace(/\/+$/, ''),
    mainApi: (env.endpoints?.api ?? DEFAULT_MAIN_API).replace(/\/+$/, ''),
  };
  const bodySize = knownSize(options.body);
  if (options.size !== undefined && bodySize !== undefined && options.size !== bodySize) {
    return failure(remotePath, `size is ${options.size} but the body has ${bodySize} bytes`, 0);
  }
  const size = options.size ?? bodySize;
  let reader: ChunkReader;
  try {
    reader = chunkReader(options.body, { reuse: true });
  } catch (error) {
    return failure(remotePath, (error as Error).message, 0);
  }
  const progress = { bytes: 0 };
  let abortUrl: string | undefined;
  try {
    options.signal?.throwIfAborted();
    if (size === undefined || size < SESSION_MIN) {
      // Read one byte more than a small file may have, to learn whether it is one.
      const limit = size ?? SESSION_MIN - 1;
      const bytes = (await reader.next(limit + 1)) ?? new Uint8Array(0);
      if (size === undefined && bytes.byteLength > limit) {
        return failure(
          remotePath,
          'Box needs the size of a file of 20 MB or more up front: pass options.size',
          0,
        );
      }
      if (size !== undefined && bytes.byteLength !== size) {
        return failure(
          remotePath,
          `size is ${size} but the body has ${describeLength(bytes.byteLength, size)}`,
          0,
        );
      }
      const file = await uploadSmall(ctx, target, bytes);
      options.onProgress?.({ bytesUploaded: bytes.byteLength, totalBytes: bytes.byteLength });
      return { success: true, remotePath, fileId: file.id, fileSize: bytes.byteLength, errorMessage: null };
    }

    const session = await createSession(ctx, target, size);
    abortUrl = session.session_endpoints.abort;
    const parts: Part[] = [];
    const whole = createSha1();
    const partSize = session.part_size;
    for (let offset = 0; offset < size; offset += partSize) {
      const expected = Math.min(partSize, size - offset);
      const chunk = await reader.next(expected);
      if (!chunk || chunk.byteLength !== expected) {
        throw new UploadError(
          `size is ${size} but the body has only ${offset + (chunk?.byteLength ?? 0)} bytes`,
        );
      }
      // Each chunk is read once and hashed once, however often it is sent.
      whole.update(chunk);
      parts.push(await uploadPart(ctx, session, chunk, offset, size));
      progress.bytes = offset + expected;
      options.onProgress?.({ bytesUploaded: progress.bytes, totalBytes: size });
    }
    if (await reader.next(1)) throw new UploadError(`size is ${size} but the body has more bytes`);
    const file = await commit(ctx, target, session, parts, whole);
    abortUrl = undefined;
    return { success: true, remotePath, fileId: file.id, fileSize: size, errorMessage: null };
  } catch (error) {
    const cancelled = options.signal?.aborted === true;
    // Box keeps a session's parts for 7 days unless told otherwise.
    if (abortUrl) await abortSession(ctx, abortUrl);
    if (cancelled) return failure(remotePath, 'the upload was cancelled', progress.bytes);
    return failure(remotePath, errorText(error), progress.bytes);
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** `name` or `folderId/name`; a message when it is neither. */
function parsePath(path: string): { folderId: string; name: string } | string {
  const match = /^(?:(\d+)\/)?([^/\\]+)$/.exec(path);
  const name = match?.[2];
  if (!match || !name || name === '.' || name === '..' || name.length > 255 || name.trim() !== name) {
    return `path must be "name" or "folderId/name" (a numeric Box folder id and a name without slashes), not "${path}"`;
  }
  return { folderId: match[1] ?? '0', name };
}

async function uploadSmall(
  ctx: Context,
  target: { folderId: string; name: string },
  bytes: Uint8Array,
): Promise<{ id: string }> {
  const boundary = `box-${hexOf(crypto.getRandomValues(new Uint8Array(16)))}`;
  const attributes = JSON.stringify({ name: target.name, parent: { id: target.folderId } });
  // Box reads `attributes` first, so it must come before `file`.
  const head = new TextEncoder().encode(
    `--${boundary}\r\ncontent-disposition: form-data; name="attributes"\r\n\r\n${attributes}\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${formEscape(target.name)}"\r\n` +
      'content-type: application/octet-stream\r\n\r\n',
  );
  const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.byteLength + bytes.byteLength + tail.byteLength);
  body.set(head, 0);
  body.set(bytes, head.byteLength);
  body.set(tail, head.byteLength + bytes.byteLength);
  const sha1 = hexOf(await sha1Of(bytes));
  let resent = false;
  const response = await send(
    {
      url: `${ctx.api}/files/content`,
      method: 'POST',
      // Box's "content-md5" carries the file's SHA-1, so Box can reject a corrupted upload.
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-md5': sha1 },
      body,
    },
    {
      ...ctx,
      onUnanswered: () => {
        resent = true;
      },
    },
  );
  if (response.status === 409 && resent) {
    // Sent again after an answer was lost: the name may be taken by this very upload.
    const stored = await committedAlready(ctx, target, sha1).catch(() => undefined);
    if (stored) {
      await response.body?.cancel();
      return stored;
    }
  }
  if (response.status !== 201) throw new UploadError(await describe(response), response.status);
  return firstEntry(await response.json());
}

async function createSession(
  ctx: Context,
  target: { folderId: string; name: string },
  size: number,
): Promise<Session> {
  const response = await send(
    {
      url: `${ctx.api}/files/upload_sessions`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ folder_id: target.folderId, file_size: size, file_name: target.name }),
    },
    ctx,
  );
  if (response.status !== 201) throw new UploadError(await describe(response), response.status);
  const session = (await response.json()) as Session;
  if (!(session.part_size > 0) || !session.session_endpoints?.upload_part) {
    throw new UploadError('Box answered an upload session without part_size or endpoints');
  }
  return session;
}

/**
 * Sends one part until Box confirms it. After a failed attempt (the connection
 * dropped, or Box answered 5xx) the part may have arrived all the same, and Box
 * refuses a part sent twice, so the session's parts are listed before resending.
 */
async function uploadPart(ctx: Context, session: Session, chunk: Uint8Array, offset: number, total: number) {
  const sha1 = await sha1Of(chunk);
  const maxRetries = ctx.env.maxRetries ?? 5;
  // send() retries 429 and 5xx itself; here each attempt is single so the session can be asked in between.
  const once: Context = { ...ctx, env: { ...ctx.env, maxRetries: 0 } };
  for (let attempt = 0; ; attempt++) {
    let response: Response | undefined;
    let networkError: unknown;
    try {
      response = await send(
        {
          url: session.session_endpoints.upload_part,
          method: 'PUT',
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `bytes ${offset}-${offset + chunk.byteLength - 1}/${total}`,
            digest: `sha=${base64Of(sha1)}`,
          },
          body: chunk,
        },
        once,
      );
    } catch (error) {
      if (ctx.signal?.aborted || !(error instanceof UploadError)) throw error;
      networkError = error;
    }
    if (response?.ok) return ((await response.json()) as { part: Part }).part;
    const status = response?.status ?? 0;
    if (status === 404) throw sessionGone();
    const message = response ? await describe(response) : errorText(networkError);
    if (status === 409) {
      // The range is taken: by an earlier attempt of ours whose answer was lost, or it is a real conflict.
      const stored = await findPart(ctx, session, offset, hexOf(sha1));
      if (stored) return stored;
      throw new UploadError(`part at ${offset} refused: ${message}`, status);
    }
    const retryable = status === 0 || status === 429 || status >= 500;
    if (!retryable || attempt >= maxRetries)
      throw new UploadError(`part at ${offset} failed: ${message}`, status);
    await pause(ctx.env, (response && retryAfterMs(response)) ?? backoffMs(attempt), ctx.signal);
    // A 429 stored nothing; after anything else, ask Box before sending the part again.
    if (status !== 429) {
      const stored = await findPart(ctx, session, offset, hexOf(sha1));
      if (stored) return stored;
    }
  }
}

/** The part Box holds at `offset`, if it has one with these bytes. */
async function findPart(
  ctx: Context,
  session: Session,
  offset: number,
  sha1: string,
): Promise<Part | undefined> {
  const limit = 1000;
  for (let from = 0; ; from += limit) {
    const url = new URL(session.session_endpoints.list_parts);
    url.searchParams.set('offset', String(from));
    url.searchParams.set('limit', String(limit));
    const response = await send({ url: url.toString(), method: 'GET' }, ctx);
    if (response.status === 404) throw sessionGone();
    if (!response.ok) throw new UploadError(await describe(response), response.status);
    const page = (await response.json()) as { entries?: Part[]; total_count?: number };
    const entries = page.entries ?? [];
    const found = entries.find((p) => p.offset === offset);
    if (found) return found.sha1 === undefined || found.sha1 === sha1 ? found : undefined;
    if (entries.length < limit || from + entries.length >= (page.total_count ?? 0)) return undefined;
  }
}

/** Commits the session; while Box answers 202 (still processing) it is asked again after Retry-After. */
async function commit(
  ctx: Context,
  target: { folderId: string; name: string },
  session: Session,
  parts: Part[],
  whole: Sha1,
): Promise<{ id: string }> {
  const sha1 = whole.digest();
  const digest = `sha=${base64Of(sha1)}`;
  let resent = false;
  const body = JSON.stringify({
    parts: parts.map(({ part_id, offset, size, sha1 }) => ({ part_id, offset, size, sha1 })),
  });
  for (let poll = 0; ; poll++) {
    const response = await send(
      {
        url: session.session_endpoints.commit,
        method: 'POST',
        headers: { 'content-type': 'application/json', digest },
        body,
      },
      {
        ...ctx,
        onUnanswered: () => {
          resent = true;
        },
      },
    );
    if (response.status === 201) return firstEntry(await response.json());
    if (response.status === 404) {
      await response.body?.cancel();
      // A check that fails leaves the upload failed for the reason it failed.
      const stored = resent
        ? await committedAlready(ctx, target, hexOf(sha1)).catch(() => undefined)
        : undefined;
      if (stored) return stored;
      throw sessionGone();
    }
    if (response.status !== 202) throw new UploadError(await describe(response), response.status);
    await response.body?.cancel();
    if (poll >= MAX_COMMIT_POLLS)
      throw new UploadError('Box was still processing the upload after many commits');
    await pause(ctx.env, retryAfterMs(response) ?? backoffMs(Math.min(poll, 4)), ctx.signal);
  }
}

/**
 * The file an upload whose answer was lost stored (a single upload, or a
 * session's commit), if that is what sits in the folder under the name: a
 * preflight check for the same name answers 409 and names the file in the
 * way, with its SHA-1.
 */
async function committedAlready(
  ctx: Context,
  target: { folderId: string; name: string },
  sha1Hex: string,
): Promise<{ id: string } | undefined> {
  const response = await send(
    {
      url: `${ctx.mainApi}/files/content`,
      method: 'OPTIONS',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: target.name, parent: { id: target.folderId } }),
    },
    ctx,
  );
  if (response.status !== 409) {
    await response.body?.cancel();
    return undefined;
  }
  const answer = (await response.json()) as { context_info?: { conflicts?: unknown } };
  const conflicts = answer.context_info?.conflicts;
  const file = (Array.isArray(conflicts) ? conflicts[0] : conflicts) as
    | { type?: unknown; id?: unknown; sha1?: unknown }
    | undefined;
  return file?.type === 'file' && typeof file.id === 'string' && file.sha1 === sha1Hex
    ? { id: file.id }
    : undefined;
}

/** Deletes the session, best effort: the upload has failed already. */
async function abortSession(ctx: Context, url: string) {
  try {
    const response = await send(
      { url, method: 'DELETE' },
      { ...ctx, signal: undefined, env: { ...ctx.env, maxRetries: 1 } },
    );
    await response.body?.cancel();
  } catch {
    // the session expires by itself in 7 days
  }
}

/** Box answers 404 for a session that expired (they live 7 days) or was deleted. */
function sessionGone(): UploadError {
  return new UploadError('the Box upload session expired or no longer exists: start the upload again', 404);
}

function firstEntry(value: unknown): { id: string } {
  const entry = (value as { entries?: Array<{ id?: unknown }> })?.entries?.[0];
  if (typeof entry?.id !== 'string') throw new UploadError('Box answered without the file');
  return { id: entry.id };
}

function failure(remotePath: string, message: string, fileSize: number): UploadResult {
  return { success: false, remotePath, fileId: null, fileSize, errorMessage: message };
}

function errorText(error: unknown): string {
  if (error instanceof UploadError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function describeLength(read: number, size: number): string {
  return read > size ? 'more bytes' : `${read} bytes`;
}

async function sha1Of(bytes: Uint8Array): Promise<Uint8Array> {
  const sha1 = await digest('SHA-1', bytes);
  if (!sha1) throw new UploadError('Box needs SHA-1 digests, and this runtime offers no way to make them');
  return sha1;
}

function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Quotes a filename for a multipart header as browsers do (WHATWG HTML: `"`, CR and LF escaped). */
function formEscape(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
