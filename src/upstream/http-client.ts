/**
 * The only way the broker talks to OAuth providers. Built on node:http(s)
 * rather than global fetch so the SSRF check runs at connect time against the
 * address actually dialled: a name that was public when the provider was
 * saved may resolve to 169.254.169.254 today (DNS rebinding). Shaped like
 * fetch so it can be oauth4webapi's `[customFetch]`.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkEndpointUrl, isForbiddenAddress, type UrlPolicy } from '../providers/url-safety.js';
import { UpstreamNetworkError } from './errors.js';

export interface UpstreamFetchOptions {
  policy: UrlPolicy; // same policy as when saving provider URLs
  timeoutMs: number; // whole exchange: connect, send, headers and body
  maxResponseBytes: number; // cap on the response body
  userAgent: string; // sent on every request (GitHub requires one)
  /** DNS, injectable for tests; default node:dns lookup with all:true */
  lookup?: (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;
}
/** What a request to a provider is for: the labels of its metrics and span (see instrumented.ts). */
export interface UpstreamCall {
  provider: string;
  operation: 'token' | 'refresh' | 'revoke' | 'userinfo' | 'jwks';
}
export type UpstreamFetch = (
  input: string | URL,
  init?: RequestInit,
  call?: UpstreamCall,
) => Promise<Response>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const NULL_BODY_STATUS = new Set([204, 205, 304]);
const FORM_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

const defaultLookup = async (hostname: string) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? (6 as const) : (4 as const),
  }));

const isLoopbackAddress = (address: string) => address === '::1' || /^(::ffff:)?127\./i.test(address);

/** Only the bytes; the content type fetch would add is returned apart, so a caller's own wins. */
function encodeBody(body: RequestInit['body']): { bytes?: Buffer; type?: string } {
  if (body === undefined || body === null) return {};
  if (typeof body === 'string') return { bytes: Buffer.from(body), type: 'text/plain;charset=UTF-8' };
  if (body instanceof URLSearchParams) return { bytes: Buffer.from(body.toString()), type: FORM_TYPE };
  if (body instanceof ArrayBuffer) return { bytes: Buffer.from(body) };
  if (ArrayBuffer.isView(body)) return { bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
  // Streams and forms would need their own size and timeout handling; no provider call needs them.
  throw new TypeError('Upstream request body must be a string, URLSearchParams or bytes.');
}

function prepareHeaders(init: RequestInit, method: string, userAgent: string) {
  const headers = new Headers(init.headers); // accepts Headers, plain objects and pairs alike
  const { bytes, type } = encodeBody(init.body);
  if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
  if (type !== undefined && !headers.has('content-type')) headers.set('content-type', type);
  // Bodies are not decompressed here, so ask for none (this also keeps the size cap honest).
  if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'identity');
  // Always our own count: a caller's stale content-length would desynchronise the connection.
  if (bytes !== undefined || (method !== 'GET' && method !== 'HEAD'))
    headers.set('content-length', String(bytes?.length ?? 0));
  return { headers: Object.fromEntries(headers), bytes };
}

function toResponse(res: http.IncomingMessage, status: number, body: Buffer): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
    headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const payload = NULL_BODY_STATUS.has(status) ? null : new Uint8Array(body);
  return new Response(payload, { status, statusText: res.statusMessage ?? '', headers });
}

export function createUpstreamFetch(options: UpstreamFetchOptions): UpstreamFetch {
  const resolve = options.lookup ?? defaultLookup;
  // Own keep-alive pools: a socket is only ever reused by requests checked under this same policy.
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  return async (input, init = {}) => {
    const verdict = checkEndpointUrl(typeof input === 'string' ? input : input.href, options.policy);
    if (!verdict.ok) throw new UpstreamNetworkError('upstream_forbidden_address', verdict.reason);
    const url = verdict.url;
    const where = url.host; // all that messages show: never path, query or credentials
    const forbidden = (name: string) =>
      new UpstreamNetworkError(
        'upstream_forbidden_address',
        `${name} resolves to a loopback, private, link-local or reserved address.`,
      );
    const loopbackHost = options.policy.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname);
    const allowed = (address: string) =>
      !isForbiddenAddress(address) || (loopbackHost && isLoopbackAddress(address));
    // node never calls `lookup` for an IP literal, so judge the literal here.
    const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal) !== 0 && !allowed(literal)) throw forbidden(where);

    const signal = init.signal ?? undefined;
    const aborted = () =>
      new UpstreamNetworkError('upstream_timeout', `Request to ${where} was aborted.`, {
        cause: signal?.reason,
      });
    if (signal?.aborted) throw aborted();
    const method = (init.method ?? 'GET').toUpperCase();
    const { headers, bytes } = prepareHeaders(init, method, options.userAgent);

    // Runs when the socket connects, so the address checked is the address used.
    const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
      resolve(hostname).then(
        (addresses) => {
          const first = addresses[0];
          if (first === undefined) {
            const error = new UpstreamNetworkError('upstream_unreachable', `${hostname} has no addresses.`);
            return callback(error, '');
          }
          // ANY forbidden answer refuses: a mixed answer is the rebinding trick itself.
          if (addresses.some(({ address }) => !allowed(address))) return callback(forbidden(hostname), '');
          if (lookupOptions.all) callback(null, [first]);
          else callback(null, first.address, first.family);
        },
        (error: unknown) =>
          callback(
            new UpstreamNetworkError('upstream_unreachable', `Could not resolve ${hostname}.`, {
              cause: error,
            }),
            '',
          ),
      );
    };

    return new Promise<Response>((settleOk, settleError) => {
      const agent = url.protocol === 'https:' ? agents.https : agents.http;
      const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent, lookup });
      let settled = false;
      const finish = (error: UpstreamNetworkError | null, response?: Response) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error === null) return settleOk(response!);
        req.destroy(); // drops the socket too: no half-read answer is left on a pooled connection
        settleError(error);
      };
      const unreachable = (cause: unknown, what = 'Could not reach') => {
        const code = (cause as { code?: unknown } | null)?.code;
        const suffix = typeof code === 'string' ? ` (${code})` : '';
        return new UpstreamNetworkError('upstream_unreachable', `${what} ${where}${suffix}.`, { cause });
      };
      const tooLarge = () =>
        new UpstreamNetworkError(
          'upstream_too_large',
          `${where} answered more than ${options.maxResponseBytes} bytes.`,
        );
      // One deadline for everything, DNS included: per-socket idle timeouts miss a slow trickle.
      const timer = setTimeout(
        () =>
          finish(
            new UpstreamNetworkError(
              'upstream_timeout',
              `${where} did not answer within ${options.timeoutMs} ms.`,
            ),
          ),
        options.timeoutMs,
      );
      const onAbort = () => finish(aborted());
      signal?.addEventListener('abort', onAbort, { once: true });

      req.on('error', (error) => finish(error instanceof UpstreamNetworkError ? error : unreachable(error)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        // Never followed: a 307/308 would re-send the client secret to wherever Location points.
        if (status >= 300 && status < 400) {
          const message = `${where} answered ${status}; redirects are never followed.`;
          return finish(new UpstreamNetworkError('upstream_redirect', message));
        }
        if (Number(res.headers['content-length'] ?? 0) > options.maxResponseBytes) return finish(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxResponseBytes) finish(tooLarge());
          else chunks.push(chunk);
        });
        res.on('end', () => {
          try {
            finish(null, toResponse(res, status, Buffer.concat(chunks, size)));
          } catch (error) {
            finish(unreachable(error, 'Unusable HTTP answer from'));
          }
        });
        res.on('error', (error) => finish(unreachable(error)));
        // After 'end' this is a no-op; before it, the provider hung up mid-body.
        res.on('close', () => finish(unreachable(undefined, 'Connection closed mid-answer by')));
      });
      req.end(bytes);
    });
  };
}
