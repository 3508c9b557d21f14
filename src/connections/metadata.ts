import { AppError } from '../http/errors.js';
import { resolvePointer } from '../oauth/account.js';
import { type ConnectionParams, resolveUrl } from '../providers/connection-params.js';
import type { MetadataRequest, ProviderTemplate } from '../providers/model.js';
import type { UpstreamFetch } from '../upstream/http-client.js';

/**
 * Connection metadata: values a service needs to call the provider for this
 * connection (Salesforce's instance_url, QuickBooks' realmId, Atlassian's
 * cloud id), read from the token answer, the provider's redirect, or calls
 * made once after connecting. Kept with the connection and handed out with
 * its token, so it is capped and never holds a token.
 */

export type Metadata = Record<string, string>;

export const METADATA_LIMITS = { entries: 20, valueChars: 1024, totalChars: 8192 };

/** A string, number or boolean as text; anything else (objects, arrays, null) is not a metadata value. */
function scalar(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Reads `{ name: JSON Pointer }` out of a JSON answer; names whose pointer finds no scalar are left out. */
export function readPointers(source: unknown, pointers: Readonly<Record<string, string>>): Metadata {
  const values: Metadata = {};
  for (const [name, pointer] of Object.entries(pointers)) {
    const value = scalar(resolvePointer(source, pointer));
    if (value !== null) values[name] = value;
  }
  return values;
}

/** Reads `{ name: query parameter }` out of the provider's redirect back. */
export function readCallback(query: URLSearchParams, names: Readonly<Record<string, string>>): Metadata {
  const values: Metadata = {};
  for (const [name, parameter] of Object.entries(names)) {
    const value = query.get(parameter);
    if (value !== null && value !== '') values[name] = value;
  }
  return values;
}

/**
 * What may be kept: no value that is or contains one of `secrets` (the
 * connection's tokens, its ID token included, whatever pointer an admin wrote
 * and wherever a provider echoes them), none longer than the
 * value cap, and no more entries or characters than the caps; later entries
 * are the ones left out.
 */
export function capMetadata(values: Metadata, secrets: ReadonlyArray<string | null>): Metadata {
  const kept: Metadata = {};
  let total = 0;
  const tokens = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  for (const [name, value] of Object.entries(values)) {
    if (Object.keys(kept).length >= METADATA_LIMITS.entries) break;
    if (value.length > METADATA_LIMITS.valueChars) continue;
    if (tokens.some((token) => value.includes(token))) continue;
    if (total + name.length + value.length > METADATA_LIMITS.totalChars) break;
    total += name.length + value.length;
    kept[name] = value;
  }
  return kept;
}

/**
 * A new connection's metadata: the provider's redirect back, its token answer, then its metadata
 * requests (made with the new access token), capped and without the connection's tokens or ID token.
 */
export async function readConnectionMetadata(
  fetch: UpstreamFetch,
  provider: Pick<ProviderTemplate, 'callback_metadata' | 'token_response_metadata' | 'metadata_requests'>,
  sources: {
    callbackQuery: URLSearchParams;
    answer: unknown;
    tokens: { accessToken: string; refreshToken: string | null };
    /** The ID token of the exchange, taken out of `answer` but still never to be kept. */
    idToken?: string | null;
    params: Readonly<ConnectionParams> | null;
  },
): Promise<Metadata> {
  const { callbackQuery, answer, tokens, idToken = null, params } = sources;
  return capMetadata(
    {
      ...readCallback(callbackQuery, provider.callback_metadata),
      ...readPointers(answer, provider.token_response_metadata),
      ...(await requestMetadata(fetch, provider.metadata_requests, tokens.accessToken, params)),
    },
    [tokens.accessToken, tokens.refreshToken, idToken],
  );
}

const failed = (message: string, cause?: unknown) =>
  new AppError('metadata_request_failed', `a metadata request failed: ${message}`, { cause });

/**
 * The provider's metadata requests, in order, each with the new access token
 * (Atlassian's accessible-resources, Xero's connections). Any failure, or an
 * answer without a value it should give, fails the connect: a connection
 * missing its cloud or tenant id would be of no use to the service.
 */
export async function requestMetadata(
  fetch: UpstreamFetch,
  requests: readonly MetadataRequest[],
  accessToken: string,
  params: Readonly<ConnectionParams> | null,
): Promise<Metadata> {
  const values: Metadata = {};
  for (const request of requests) {
    const url = resolveUrl(request.url, params ?? {});
    const where = URL.canParse(url) ? new URL(url).host : 'the provider';
    const headers: Record<string, string> = {
      authorization: `Bearer ${accessToken}`,
      accept: 'application/json',
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let json: unknown;
    try {
      const response = await fetch(url, { method: request.method ?? 'GET', headers, body: request.body });
      if (!response.ok) throw failed(`${where} answered HTTP ${response.status}`);
      json = await response.json();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw failed(`${where} did not answer JSON`, error);
    }
    const read = readPointers(json, request.metadata);
    const missing = Object.keys(request.metadata).filter((name) => !(name in read));
    if (missing.length > 0) throw failed(`${where} answered without ${missing.join(', ')}`);
    Object.assign(values, read);
  }
  return values;
}
