import { type ChunkReader, chunkReader, knownSize } from './body.js';
import { canDigest, digest } from './digest.js';
import { send, UploadError } from './request.js';
import type { AccessTokenSource, UploadEnvironment, UploadOptions, UploadResult } from './types.js';

/** The most one request may carry, and so the largest single-request upload: 150 MiB. */
export const DROPBOX_SINGLE_REQUEST_LIMIT = 150 * 1024 * 1024;
/**
 * Session chunks and offsets are multiples of this (4 MiB), except the last chunk. Dropbox demands it of
 * concurrent sessions only; keeping to it always also makes every chunk whole content-hash blocks.
 */
export const DROPBOX_BLOCK_SIZE = 4 * 1024 * 1024;
const MAX_CHUNK = Math.floor(DROPBOX_SINGLE_REQUEST_LIMIT / DROPBOX_BLOCK_SIZE) * DROPBOX_BLOCK_SIZE;
const DEFAULT_CHUNK = 2 * DROPBOX_BLOCK_SIZE;
const DEFAULT_HOST = 'https://content.dropboxapi.com';
const DEFAULT_API_HOST = 'https://api.dropboxapi.com';
const EMPTY = new Uint8Array(0);

export interface DropboxUploadOptions extends UploadOptions {
  /** When a file is already at the path: 'overwrite' (the default) replaces it, 'add' keeps it and fails or, with `autorename`, saves under a new name. */
  mode?: 'overwrite' | 'add';
  autorename?: boolean;
  /** Don't notify the user's devices of the change. */
  mute?: boolean;
}

/** `requested` rounded down to whole 4 MiB blocks, between 4 MiB and 148 MiB; 8 MiB by default. */
export function dropboxChunkSize(requested?: number): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_CHUNK;
  const blocks = Math.floor(requested / DROPBOX_BLOCK_SIZE);
  return Math.min(MAX_CHUNK, Math.max(1, blocks) * DROPBOX_BLOCK_SIZE);
}

/**
 * Uploads a file to Dropbox: one `files/upload` request up to 150 MiB, an upload session
 * (`upload_session/start`, `append_v2`, `finish`) beyond, holding one chunk in memory at a time.
 *
 * A body of known size (a Blob, bytes, or `size` given) of at most 150 MiB goes in one request; a
 * stream of unknown size does when it ends within the first chunk, and goes through a session
 * otherwise (deciding at 150 MiB would mean holding 150 MiB). Failed requests are retried; when
 * Dropbox already holds part of the data it answers `incorrect_offset` with the offset it has, and
 * the upload goes on from there. Each request carries Dropbox's `content_hash` of its data, so
 * Dropbox refuses corrupted data, and the stored file's hash is checked at the end. When the answer
 * to `finish` is lost, the file at the path is looked up (`files/get_metadata` on the API host,
 * `env.endpoints.api`) and taken as the result if its content hash is that of the data sent.
 *
 * Never throws: the result says what happened.
 *
 * @example
 * const result = await uploadToDropbox(
 *   { get: () => custodian.getAccessToken(id).then((t) => t.accessToken), refresh: ... },
 *   { path: '/Reports/2024.pdf', body: file, onProgress: (p) => console.log(p.bytesUploaded) },
 *   { fetch },
 * );
 * if (!result.success) console.error(result.errorMessage);
 *
 * @see https://www.dropbox.com/developers/documentation/http/documentation#files-upload
 * @see https://www.dropbox.com/developers/documentation/http/documentation#files-upload_session-start
 */
export async function uploadToDropbox(
  tokens: AccessTokenSource,
  options: DropboxUploadOptions,
  env: UploadEnvironment,
): Promise<UploadResult> {
  const path = options.path.startsWith('/') ? options.path : `/${options.path}`;
  const commit = {
    path,
    mode: options.mode ?? 'overwrite',
    autorename: options.autorename ?? false,
    mute: options.mute ?? false,
  };
  const host = (env.endpoints?.content ?? DEFAULT_HOST).replace(/\/+$/, '');
  const apiHost = (env.endpoints?.api ?? DEFAULT_API_HOST).replace(/\/+$/, '');
  const { signal } = options;
  const size = options.size ?? knownSize(options.body);
  const chunkSize = dropboxChunkSize(options.chunkSize);
  const maxResumes = env.maxRetries ?? 5;
  let reader: ChunkReader | undefined;
  let confirmed = 0;
  let read = 0;
  let sessionId: string | undefined;
  /** The first chunk, read before knowing whether a session is needed. */
  let carried: Uint8Array | undefined;
  /** Block digests of the whole file, for its content hash (32 bytes per 4 MiB). */
  const fileDigests: Uint8Array[] = [];

  /** Set when `finish` was sent again after an attempt whose answer was lost. */
  let finalResent = false;
  const call = (route: string, arg: unknown, body: Uint8Array, onUnanswered?: () => void) =>
    send(
      {
        url: `${host}/2/files/${route}`,
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'dropbox-api-arg': headerSafeJson(arg) },
        body,
      },
      { env, tokens, signal, onUnanswered },
    );
  const finishResent = () => {
    finalResent = true;
  };

  /**
   * After a lost answer `finish` is sent again, and Dropbox refuses the second one (the session
   * is used up) though the first stored the file. The file at the path is ours when it has the
   * size and content hash of what was sent; without a hash to compare, it is not taken for ours.
   * (`files/upload` needs no such check: sent again, it overwrites, or finds the same content.)
   */
  async function storedAlready(failure: unknown, digests: Uint8Array[], bytes: number) {
    if (!finalResent) throw failure;
    const expected = await contentHashOf(digests);
    // A lookup that fails leaves the upload failed for the reason it failed.
    const metadata = await lookUp().catch(() => undefined);
    const ours =
      metadata?.['.tag'] === 'file' &&
      metadata.size === bytes &&
      expected !== undefined &&
      metadata.content_hash === expected;
    if (!ours) throw failure;
    return metadata;
  }

  async function lookUp(): Promise<(FileMetadata & { '.tag'?: string }) | undefined> {
    const response = await send(
      {
        url: `${apiHost}/2/files/get_metadata`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path }),
      },
      { env, tokens, signal },
    );
    if (response.ok) return (await response.json()) as FileMetadata & { '.tag'?: string };
    await response.body?.cancel();
    return undefined;
  }
  const confirm = (bytes: number) => {
    confirmed = bytes;
    options.onProgress?.({ bytesUploaded: bytes, totalBytes: size ?? null });
  };
  /** The next `n` bytes (an empty array at the end), checked against the announced size. */
  const next = async (n: number) => {
    const chunk = (await abortable(reader!.next(n), signal)) ?? EMPTY;
    read += chunk.byteLength;
    if (size !== undefined && (read > size || (chunk.byteLength < n && read < size))) {
      throw new UploadError(`the body does not have the ${size} bytes announced`);
    }
    return chunk;
  };

  /**
   * Sends `chunk` at `offset` (append_v2, or finish with its commit) until Dropbox has all of it.
   * On `incorrect_offset` Dropbox says how much it holds — after a request it took whose answer was
   * lost, or one cut short — and only what it lacks is sent again.
   */
  async function push(
    route: 'append_v2' | 'finish',
    chunk: Uint8Array,
    offset: number,
    digests: Uint8Array[],
  ) {
    let done = 0;
    for (let resumes = 0; ; resumes++) {
      const piece = chunk.subarray(done);
      const cursor = { session_id: sessionId!, offset: offset + done };
      const contentHash = await contentHashOf(done === 0 ? digests : await blockDigests(piece));
      const arg =
        route === 'append_v2'
          ? { cursor, close: false, content_hash: contentHash }
          : { cursor, commit, content_hash: contentHash };
      const response = await call(
        `upload_session/${route}`,
        arg,
        piece,
        route === 'finish' ? finishResent : undefined,
      );
      if (response.ok) return response;
      const failure = await refusal(`upload_session/${route}`, response);
      const held = heldOffset(failure.error);
      if (held === undefined || resumes >= maxResumes) throw failure;
      if (held < offset || held > offset + chunk.byteLength) {
        throw new UploadError(
          `Dropbox holds ${held} bytes of the session, this upload cannot resume from there`,
          409,
        );
      }
      done = held - offset;
      if (route === 'append_v2' && done === chunk.byteLength) return undefined; // Dropbox has it all
    }
  }

  async function single(bytes: Uint8Array) {
    fileDigests.push(...(await blockDigests(bytes)));
    const response = await call(
      'upload',
      { ...commit, content_hash: await contentHashOf(fileDigests) },
      bytes,
    );
    if (!response.ok) throw await refusal('upload', response);
    const metadata = (await response.json()) as FileMetadata;
    confirm(bytes.byteLength);
    return metadata;
  }

  /** Starts a session with the first chunk, taken from `carried` so that nothing else keeps it. */
  async function session() {
    let chunk = carried!;
    carried = undefined;
    let digests = await blockDigests(chunk);
    const started = await call(
      'upload_session/start',
      { close: false, content_hash: await contentHashOf(digests) },
      chunk,
    );
    if (!started.ok) throw await refusal('upload_session/start', started);
    sessionId = ((await started.json()) as { session_id: string }).session_id;
    fileDigests.push(...digests);
    confirm(chunk.byteLength);
    // Full chunks are appended; the short (maybe empty) one at the end goes with finish. Each read
    // replaces `chunk`: the chunk sent before is garbage by then.
    for (;;) {
      chunk = await next(chunkSize);
      digests = await blockDigests(chunk);
      if (chunk.byteLength < chunkSize) {
        const total = confirmed + chunk.byteLength;
        const metadata = await push('finish', chunk, confirmed, digests).then(
          async (response) => (await response!.json()) as FileMetadata,
          (failure: unknown) => storedAlready(failure, [...fileDigests, ...digests], total),
        );
        fileDigests.push(...digests);
        if (chunk.byteLength > 0) confirm(confirmed + chunk.byteLength);
        return metadata;
      }
      // Read the (null) answer: an unread body holds on to its connection.
      await (await push('append_v2', chunk, confirmed, digests))?.body?.cancel();
      fileDigests.push(...digests);
      confirm(confirmed + chunk.byteLength);
    }
  }

  try {
    signal?.throwIfAborted();
    // Every chunk is sent (and resent) before the next is read: one chunk's memory serves them all.
    reader = chunkReader(options.body, { reuse: true });
    let metadata: FileMetadata;
    if (size !== undefined && size <= DROPBOX_SINGLE_REQUEST_LIMIT) {
      metadata = await single(await next(size + 1)); // one byte more shows a body longer than announced
    } else {
      carried = await next(chunkSize);
      metadata = carried.byteLength < chunkSize ? await single(carried) : await session();
    }
    const expected = await contentHashOf(fileDigests);
    if (
      metadata.size !== confirmed ||
      (expected && metadata.content_hash && metadata.content_hash !== expected)
    ) {
      throw new UploadError(
        `Dropbox stored ${metadata.size} bytes that differ from the ${confirmed} bytes sent`,
      );
    }
    return {
      success: true,
      remotePath: metadata.path_display ?? path,
      fileId: metadata.id ?? null,
      fileSize: confirmed,
      errorMessage: null,
    };
  } catch (error) {
    // Not awaited: a source stalled in a read must not hold the answer back.
    reader?.cancel().catch(() => {});
    // Dropbox has no call to cancel an upload session: an aborted upload just stops, and the data
    // sent stays in the session until it expires (7 days).
    const errorMessage = signal?.aborted
      ? 'the upload was cancelled'
      : error instanceof Error
        ? error.message
        : String(error);
    return { success: false, remotePath: path, fileId: null, fileSize: confirmed, errorMessage };
  }
}

interface FileMetadata {
  id?: string;
  path_display?: string;
  size: number;
  content_hash?: string;
}

/**
 * JSON for the Dropbox-API-Arg header, which must be ASCII: Dropbox asks non-ASCII characters (and DEL)
 * to be escaped as \uXXXX, which JSON reads back as the same string.
 */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** An error answer as an UploadError with Dropbox's error_summary, plus the parsed `error` union. */
async function refusal(route: string, response: Response): Promise<UploadError & { error?: unknown }> {
  const text = await response.text().catch(() => '');
  let body: { error_summary?: unknown; error?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // a plain-text answer (400s are)
  }
  const summary = typeof body.error_summary === 'string' ? body.error_summary : text.slice(0, 300);
  const failure: UploadError & { error?: unknown } = new UploadError(
    `Dropbox refused ${route} (HTTP ${response.status})${summary ? `: ${summary}` : ''}`,
    response.status,
  );
  failure.error = body.error;
  return failure;
}

/** The offset Dropbox holds, from an `incorrect_offset` error (append's own, or inside finish's `lookup_failed`). */
function heldOffset(error: unknown): number | undefined {
  const union = error as { '.tag'?: string; correct_offset?: unknown; lookup_failed?: unknown } | undefined;
  const inner = union?.['.tag'] === 'lookup_failed' ? (union.lookup_failed as typeof union) : union;
  return inner?.['.tag'] === 'incorrect_offset' && typeof inner.correct_offset === 'number'
    ? inner.correct_offset
    : undefined;
}

/** Rejects when `signal` aborts, even if `promise` (a read of a stalled source) never settles. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

// Dropbox's content hash: SHA-256 of the concatenated SHA-256s of each 4 MiB block. Chunks are
// whole blocks, so each block is hashed in one piece. Without a digest (an insecure browser context)
// no hash is sent and none is checked.

async function blockDigests(bytes: Uint8Array): Promise<Uint8Array[]> {
  if (!canDigest) return [];
  const digests: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += DROPBOX_BLOCK_SIZE) {
    const block = bytes.subarray(at, Math.min(at + DROPBOX_BLOCK_SIZE, bytes.byteLength));
    digests.push((await digest('SHA-256', block))!);
  }
  return digests;
}

async function contentHashOf(digests: Uint8Array[]): Promise<string | undefined> {
  if (!canDigest) return undefined;
  const joined = new Uint8Array(digests.length * 32);
  for (const [i, digest] of digests.entries()) joined.set(digest, i * 32);
  const hash = (await digest('SHA-256', joined))!;
  return Array.from(hash, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
