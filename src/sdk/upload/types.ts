/** Shapes shared by the uploaders. */

export type UploaderKind = 'dropbox' | 'onedrive' | 'google-drive' | 'box';

/** Anything an upload can read from; only one chunk of it is held in memory at a time. */
export type UploadBody =
  | ReadableStream<Uint8Array>
  /** A Node stream, or any async iterable of bytes. */
  | AsyncIterable<Uint8Array | string>
  | Blob
  | Uint8Array
  | ArrayBuffer;

export interface UploadProgress {
  bytesUploaded: number;
  /** Null when the size was not given and the body is a stream. */
  totalBytes: number | null;
}

export interface UploadOptions {
  /** Where the file goes: a path (Dropbox, OneDrive) or a name, optionally in a folder (Drive, Box: see each uploader). */
  path: string;
  body: UploadBody;
  /** Bytes. Required for streams on providers that need it up front (they say so in their error). */
  size?: number;
  onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload; providers with upload sessions have them cancelled. */
  signal?: AbortSignal;
  /** Bytes per chunk for chunked uploads; each uploader rounds it to the provider's rules. */
  chunkSize?: number;
}

/** The outcome of an upload: never thrown, always answered. */
export interface UploadResult {
  success: boolean;
  remotePath: string;
  fileId: string | null;
  fileSize: number;
  errorMessage: string | null;
}

/** Where uploaders get access tokens: `refresh` forces a new one (after a 401). */
export interface AccessTokenSource {
  get(): Promise<string>;
  refresh(): Promise<string>;
}

export interface UploadEnvironment {
  fetch: typeof fetch;
  /** Injectable for tests; default setTimeout. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Overrides the provider's API hosts (local fakes in tests). */
  endpoints?: Record<string, string>;
  /** Failed chunk requests are retried this many times (default 5). */
  maxRetries?: number;
  /**
   * Send large byte bodies as streams with a Content-Length instead of bytes
   * fetch would copy (see request.ts). Default: on Node, whose fetch supports
   * it; off elsewhere.
   */
  streamBodies?: boolean;
}
