import { type ChunkReader, chunkReader, knownSize } from './body.js';
import { QuickXorHash } from './quickxor.js';
import { backoffMs, describe, pause, retryAfterMs, send, UploadError } from './request.js';
import type { AccessTokenSource, UploadEnvironment, UploadOptions, UploadResult } from './types.js';

/** Bodies up to this size go in one request (Graph documents 4 MB on older pages, 250 MB on newer ones). */
const SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024;
/** Every fragment but the last must be a multiple of 320 KiB. */
const FRAGMENT_ALIGNMENT = 327_680;
/** Fragments must stay under 60 MiB: the largest aligned size below it. */
const MAX_FRAGMENT = Math.floor((60 * 1024 * 1024 - 1) / FRAGMENT_ALIGNMENT) * FRAGMENT_ALIGNMENT;
/** 10 MiB, exactly 32 × 320 KiB: the fragment size Microsoft recommends for stable connections. */
const DEFAULT_FRAGMENT = 32 * FRAGMENT_ALIGNMENT;
const DEFAULT_GRAPH = 'https://graph.microsoft.com/v1.0';

/** The driveItem fields an upload answers with. */
interface DriveItem {
  id: string;
  name?: string;
  size?: number;
  file?: { hashes?: { quickXorHash?: string } };
  parentReference?: { path?: string };
}

/** What an upload in progress needs to know; `uploadUrl` is cleared once the session is gone. */
interface Upload {
  env: UploadEnvironment;
  tokens: AccessTokenSource;
  signal: AbortSignal | undefined;
  /** `…/root:/{path}:`, the item the upload makes. */
  itemUrl: string;
  uploadUrl: string | null;
  total: number;
  /** Of every byte read for the session so far: how a stored file is recognised as this upload's. */
  hash: QuickXorHash;
}

/**
 * Uploads a file to the signed-in user's OneDrive through Microsoft Graph.
 *
 * Files up to 4 MiB go in one `PUT …/root:/{path}:/content`; larger ones through an upload session,
 * in fragments of `chunkSize` rounded down to a multiple of 320 KiB (default 10 MiB), sent to the
 * session's pre-authorized upload URL without an Authorization header. A failed fragment is resumed
 * from what OneDrive reports it has; when the last one's answer is lost and the session is gone (it
 * ends when the file is made), the file at `path` is taken if its size and QuickXorHash are those of
 * the data sent. An aborted upload has its session deleted. An existing file at
 * `path` is replaced. A stream larger than 4 MiB needs `options.size`: OneDrive wants the total up front.
 *
 * @example
 * const result = await uploadToOneDrive(tokens, {
 *   path: '/Documents/report.pdf',
 *   body: file, // a Blob, a ReadableStream (with size), a Node stream (with size) or bytes
 *   onProgress: ({ bytesUploaded, totalBytes }) => console.log(bytesUploaded, totalBytes),
 * }, { fetch });
 * if (!result.success) console.error(result.errorMessage);
 *
 * @see https://learn.microsoft.com/en-us/graph/api/driveitem-createuploadsession
 * @see https://learn.microsoft.com/en-us/graph/api/driveitem-put-content
 */
export async function uploadToOneDrive(
  tokens: AccessTokenSource,
  options: UploadOptions,
  env: UploadEnvironment,
): Promise<UploadResult> {
  const names = options.path.split('/').filter((name) => name.length > 0);
  const requested = `/${names.join('/')}`;
  let uploaded = 0;
  const failure = (message: string): UploadResult => ({
    success: false,
    remotePath: requested,
    fileId: null,
    fileSize: uploaded,
    errorMessage: message,
  });
  if (names.length === 0) return failure('path must name a file, e.g. "/Documents/report.pdf"');

  // Graph addresses items by path as root:/{path}: with each segment URL-encoded.
  const graph = (env.endpoints?.graph ?? DEFAULT_GRAPH).replace(/\/+$/, '');
  const itemUrl = `${graph}/me/drive/root:/${names.map(encodeURIComponent).join('/')}:`;
  const upload: Upload = {
    env,
    tokens,
    signal: options.signal,
    itemUrl,
    uploadUrl: null,
    total: 0,
    hash: new QuickXorHash(),
  };
  let reader: ChunkReader;
  try {
    reader = chunkReader(options.body, { reuse: true });
  } catch (error) {
    return failure(error instanceof Error ? error.message : String(error));
  }

  const progress = (bytes: number, total: number) => {
    uploaded = bytes;
    options.onProgress?.({ bytesUploaded: bytes, totalBytes: total });
  };
  try {
    options.signal?.throwIfAborted();
    const size = sizeOf(options);
    const item =
      size !== undefined && size > SIMPLE_UPLOAD_LIMIT
        ? await uploadInSession(upload, reader, size, options.chunkSize, progress)
        : await uploadSmall(upload, reader, size, progress);
    return {
      success: true,
      remotePath: remotePathOf(item, requested),
      fileId: item.id,
      fileSize: uploaded,
      errorMessage: null,
    };
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (upload.uploadUrl) await cancelSession(upload.uploadUrl, env);
    if (options.signal?.aborted) return failure('the upload was cancelled');
    if (error instanceof UploadError) return failure(error.message);
    return failure(`the upload failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The body's size: known from the body itself or from `options.size`, which must then agree. */
function sizeOf(options: UploadOptions): number | undefined {
  const known = knownSize(options.body);
  if (options.size === undefined) return known;
  if (!Number.isSafeInteger(options.size) || options.size < 0) {
    throw new UploadError('options.size must be a whole number of bytes');
  }
  if (known !== undefined && known !== options.size) {
    throw new UploadError(`options.size (${options.size}) differs from the body's size (${known})`);
  }
  return options.size;
}

/** One `PUT …/content`: the body is read into one buffer, at most the limit (+1 byte to detect more). */
async function uploadSmall(
  upload: Upload,
  reader: ChunkReader,
  size: number | undefined,
  progress: (bytes: number, total: number) => void,
): Promise<DriveItem> {
  const bytes = (await reader.next(SIMPLE_UPLOAD_LIMIT + 1)) ?? new Uint8Array(0);
  if (size !== undefined && bytes.byteLength !== size) {
    throw new UploadError(
      `the body has ${bytes.byteLength > size ? 'more' : 'fewer'} bytes than options.size (${size})`,
    );
  }
  if (bytes.byteLength > SIMPLE_UPLOAD_LIMIT) {
    throw new UploadError(
      `the body is larger than ${SIMPLE_UPLOAD_LIMIT} bytes and its size is unknown: OneDrive needs the total size to open an upload session, so pass options.size`,
    );
  }
  const response = await send(
    {
      url: `${upload.itemUrl}/content`,
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    },
    { env: upload.env, tokens: upload.tokens, signal: upload.signal },
  );
  if (response.status !== 200 && response.status !== 201) {
    throw new UploadError(`OneDrive refused the upload: ${await describe(response)}`, response.status);
  }
  const item = await readItem(response);
  progress(bytes.byteLength, bytes.byteLength);
  return item;
}

/** An upload session: created with the token, then fed fragments in order on its upload URL. */
async function uploadInSession(
  upload: Upload,
  reader: ChunkReader,
  total: number,
  chunkSize: number | undefined,
  progress: (bytes: number, total: number) => void,
): Promise<DriveItem> {
  const fragment = fragmentSize(chunkSize);
  upload.total = total;
  const response = await send(
    {
      url: `${upload.itemUrl}/createUploadSession`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'replace' } }),
    },
    { env: upload.env, tokens: upload.tokens, signal: upload.signal },
  );
  if (response.status !== 200) {
    throw new UploadError(
      `OneDrive could not open an upload session: ${await describe(response)}`,
      response.status,
    );
  }
  const session = (await readJson(response)) as { uploadUrl?: unknown };
  if (typeof session.uploadUrl !== 'string')
    throw new UploadError('OneDrive answered an upload session without uploadUrl');
  upload.uploadUrl = session.uploadUrl;

  for (let offset = 0; offset < total; ) {
    const want = Math.min(fragment, total - offset);
    const chunk = await reader.next(want);
    if (!chunk || chunk.byteLength < want) {
      throw new UploadError(
        `the body ended after ${offset + (chunk?.byteLength ?? 0)} bytes, but its size is ${total}`,
      );
    }
    const last = offset + want === total;
    // Check for extra bytes before the last fragment commits a truncated file. (The reader reuses
    // `chunk`'s memory, so a byte found here overwrites it; nothing is sent then.)
    if (last && (await reader.next(1)) !== null)
      throw new UploadError(`the body is longer than its size (${total} bytes)`);
    upload.hash.update(chunk);
    const item = await putFragment(upload, chunk, offset);
    offset += want;
    progress(offset, total);
    if (item) {
      upload.uploadUrl = null;
      return item;
    }
  }
  throw new UploadError('OneDrive did not answer the last fragment with the file');
}

/** `chunkSize` rounded down to a multiple of 320 KiB, between 320 KiB and just under 60 MiB. */
function fragmentSize(chunkSize: number | undefined): number {
  if (chunkSize === undefined || !Number.isFinite(chunkSize) || chunkSize <= 0) return DEFAULT_FRAGMENT;
  const aligned = Math.floor(chunkSize / FRAGMENT_ALIGNMENT) * FRAGMENT_ALIGNMENT;
  return Math.min(MAX_FRAGMENT, Math.max(FRAGMENT_ALIGNMENT, aligned));
}

/**
 * Sends one fragment until OneDrive confirms it, holding it until then. After a dropped connection,
 * a 5xx or a 416, it asks the session what is missing and resends from there (skipping what OneDrive
 * already has). Answers the driveItem after the last fragment, null before.
 */
async function putFragment(upload: Upload, chunk: Uint8Array, start: number): Promise<DriveItem | null> {
  const { env, signal, total } = upload;
  const uploadUrl = upload.uploadUrl!;
  const end = start + chunk.byteLength;
  const maxRetries = env.maxRetries ?? 5;
  // This loop does its own retrying, because a retry must resume from what OneDrive has.
  const once = { ...env, maxRetries: 0 };
  let position = start;
  for (let failures = 0; ; ) {
    let response: Response | undefined;
    try {
      // No tokens: the upload URL is pre-authorized and refuses an Authorization header.
      response = await send(
        {
          url: uploadUrl,
          method: 'PUT',
          headers: { 'content-range': `bytes ${position}-${end - 1}/${total}` },
          body: chunk.subarray(position - start),
        },
        { env: once, signal },
      );
    } catch (error) {
      if (signal?.aborted) throw error;
      // The connection dropped: OneDrive discards a fragment it did not receive whole.
    }
    if (response?.status === 200 || response?.status === 201) {
      if (end !== total) throw new UploadError(`OneDrive completed the file after ${end} of ${total} bytes`);
      return readItem(response);
    }
    if (response?.status === 202) {
      const next = nextExpected(await readJson(response));
      if (next === end && end < total) return null;
      if (next === null || next <= position || next >= end) {
        throw new UploadError(`OneDrive expects byte ${next} after bytes ${position}-${end - 1} of ${total}`);
      }
      position = next; // it kept only part of the fragment: send the rest
      continue;
    }
    if (response?.status === 404) throw sessionGone(upload);
    const retryable =
      !response || response.status === 416 || response.status === 429 || response.status >= 500;
    const problem = response ? await describe(response) : 'the connection failed';
    if (!retryable)
      throw new UploadError(`OneDrive refused bytes ${position}-${end - 1}: ${problem}`, response?.status);
    if (++failures > maxRetries) {
      throw new UploadError(
        `OneDrive failed bytes ${position}-${end - 1} ${failures} times: ${problem}`,
        response?.status,
      );
    }
    if (response?.status !== 416) {
      await pause(env, (response && retryAfterMs(response)) ?? backoffMs(failures - 1), signal);
    }
    if (response?.status === 429) continue; // throttled: nothing was stored, the same range goes again
    try {
      position = await askStatus(upload);
    } catch (error) {
      // The session ends when the file is made: the last fragment may have made it, its answer lost.
      const made = end === total && isSessionGone(error) ? await storedCopy(upload) : null;
      if (made) return made;
      throw error;
    }
    if (position < start || position > end || (position === end && end === total)) {
      throw new UploadError(
        `OneDrive expects byte ${position}, but bytes ${start}-${end - 1} of ${total} were being sent`,
      );
    }
    if (position === end) return null; // it had the whole fragment after all
  }
}

/** `GET uploadUrl`: where OneDrive wants the upload to go on. */
async function askStatus(upload: Upload): Promise<number> {
  const response = await send(
    { url: upload.uploadUrl!, method: 'GET' },
    { env: upload.env, signal: upload.signal },
  );
  if (response.status === 404) throw sessionGone(upload);
  if (response.status !== 200) {
    throw new UploadError(
      `OneDrive could not tell what it has received: ${await describe(response)}`,
      response.status,
    );
  }
  const next = nextExpected(await readJson(response));
  if (next === null) throw new UploadError('OneDrive reports no missing bytes but has not created the file');
  return next;
}

/**
 * The file now at the upload's path, when it is the one this upload sent: the same size and the
 * same QuickXorHash (OneDrive computes it for every file). Null when it is not, or when the lookup
 * fails; the upload then fails for its first reason.
 */
async function storedCopy(upload: Upload): Promise<DriveItem | null> {
  let response: Response;
  try {
    response = await send(
      { url: upload.itemUrl, method: 'GET' },
      { env: upload.env, tokens: upload.tokens, signal: upload.signal },
    );
  } catch (error) {
    if (upload.signal?.aborted) throw error;
    return null;
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return null;
  }
  const item = await readItem(response).catch(() => null);
  const ours = item?.size === upload.total && item.file?.hashes?.quickXorHash === upload.hash.digestBase64();
  return ours ? item : null;
}

const isSessionGone = (error: unknown) => error instanceof UploadError && error.status === 404;

function sessionGone(upload: Upload): UploadError {
  upload.uploadUrl = null; // nothing left to cancel
  return new UploadError(
    'the upload session expired or no longer exists at OneDrive (404): start the upload again',
    404,
  );
}

/** The lowest start of `nextExpectedRanges` ("26-" or "26-127"); null when nothing is missing. */
function nextExpected(status: unknown): number | null {
  const ranges = (status as { nextExpectedRanges?: unknown }).nextExpectedRanges;
  if (!Array.isArray(ranges)) throw new UploadError('OneDrive answered without nextExpectedRanges');
  const starts = ranges.map((range) => /^(\d+)-/.exec(String(range))).filter((match) => match !== null);
  return starts.length === 0 ? null : Math.min(...starts.map((match) => Number(match[1])));
}

/** `DELETE uploadUrl` (without the aborted signal), best effort: OneDrive also expires sessions itself. */
async function cancelSession(uploadUrl: string, env: UploadEnvironment): Promise<void> {
  try {
    const response = await env.fetch(uploadUrl, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
  } catch {
    // the session expires on its own
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new UploadError(
      `OneDrive answered HTTP ${response.status} with a body that is not JSON`,
      response.status,
    );
  }
}

async function readItem(response: Response): Promise<DriveItem> {
  const item = (await readJson(response)) as Partial<DriveItem> | null;
  if (typeof item?.id !== 'string') throw new UploadError('OneDrive answered without the uploaded driveItem');
  return item as DriveItem;
}

/** `/Folder/name` from the driveItem (parentReference.path is `/drive/root:/Folder`, percent-encoded). */
function remotePathOf(item: DriveItem, requested: string): string {
  const parent = item.parentReference?.path;
  const at = parent?.indexOf('root:') ?? -1;
  if (parent === undefined || at < 0 || typeof item.name !== 'string') return requested;
  let folder = parent.slice(at + 'root:'.length);
  try {
    folder = decodeURIComponent(folder);
  } catch {
    // not encoded after all
  }
  return `${folder}/${item.name}`;
}
