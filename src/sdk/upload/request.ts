import type { AccessTokenSource, UploadEnvironment } from './types.js';

/** One HTTP request of an upload, with the retries every provider needs. */

export interface RequestSpec {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

export interface SendOptions {
  env: UploadEnvironment;
  /** Absent for requests that must carry no Authorization header (OneDrive's upload URL). */
  tokens?: AccessTokenSource;
  signal?: AbortSignal;
  /** Told when the request is sent again after an attempt that got no answer (it may have been done). */
  onUnanswered?: () => void;
}

/** Why an upload stopped; its message becomes `errorMessage`. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    message: string,
    readonly status = 0,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

/**
 * Sends a request, retrying network failures, 429 and 5xx with exponential
 * backoff (honouring Retry-After), and a 401 once with a renewed token.
 * Any other answer is returned for the uploader to judge.
 */
export async function send(spec: RequestSpec, options: SendOptions): Promise<Response> {
  const { env, tokens, signal } = options;
  const maxRetries = env.maxRetries ?? 5;
  let token = tokens ? await tokens.get() : undefined;
  let renewed = false;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    let response: Response;
    try {
      const headers = {
        ...spec.headers,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      };
      response = await env.fetch(spec.url, {
        method: spec.method,
        ...bodyInit(spec.body, headers, env),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      if (attempt >= maxRetries)
        throw new UploadError('the provider could not be reached', 0, { cause: error });
      await pause(env, backoffMs(attempt), signal);
      options.onUnanswered?.();
      continue;
    }
    if (response.status === 401 && tokens && !renewed) {
      await response.body?.cancel();
      token = await tokens.refresh();
      renewed = true;
      attempt--;
      continue;
    }
    if (RETRYABLE(response.status) && attempt < maxRetries) {
      const wait = retryAfterMs(response) ?? backoffMs(attempt);
      await response.body?.cancel();
      await pause(env, wait, signal);
      continue;
    }
    return response;
  }
}

// Bodies from this size on are streamed where fetch allows it (see bodyInit).
const STREAM_FROM = 1024 * 1024;
const STREAM_PIECE = 1024 * 1024;

/**
 * The body and headers of one attempt. fetch copies a byte body before
 * sending it, as the Fetch standard asks, and a copy of every chunk is
 * garbage that the collector frees late: a large upload would grow the
 * process by many chunks. A stream over the same bytes is not copied. Node's
 * fetch sends a stream with the Content-Length it is given (and fails the
 * request if the stream is shorter or longer), which every provider needs;
 * browsers refuse that header, so elsewhere the bytes go as they are
 * (`env.streamBodies` decides; by default, on Node).
 */
function bodyInit(
  body: Uint8Array | string | undefined,
  headers: Record<string, string>,
  env: UploadEnvironment,
): RequestInit {
  const stream = env.streamBodies ?? runsOnNode();
  if (!(body instanceof Uint8Array) || body.byteLength < STREAM_FROM || !stream) {
    return { headers, body: body as BodyInit | undefined };
  }
  let offset = 0;
  const pieces = new ReadableStream<Uint8Array>({
    pull(controller) {
      const end = Math.min(offset + STREAM_PIECE, body.byteLength);
      controller.enqueue(body.subarray(offset, end));
      offset = end;
      if (offset >= body.byteLength) controller.close();
    },
  });
  // `duplex` is not yet in TypeScript's RequestInit.
  return {
    headers: { ...headers, 'content-length': String(body.byteLength) },
    body: pieces,
    duplex: 'half',
  } as RequestInit;
}

function runsOnNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string; bun?: string } }; Deno?: unknown };
  return (
    typeof g.process?.versions?.node === 'string' &&
    g.process.versions.bun === undefined &&
    g.Deno === undefined
  );
}

/** 0.5 s, 1 s, 2 s, ... up to 30 s, with jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(500 * 2 ** attempt, 30_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function pause(env: UploadEnvironment, ms: number, signal?: AbortSignal): Promise<void> {
  if (env.sleep) return env.sleep(ms, signal);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Reads an error answer's text, short, for `errorMessage`. */
export async function describe(response: Response): Promise<string> {
  let text = '';
  try {
    text = (await response.text()).slice(0, 300);
  } catch {
    // the status alone will do
  }
  return `HTTP ${response.status}${text ? `: ${text}` : ''}`;
}
