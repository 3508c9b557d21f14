import { createLocalJWKSet, type JSONWebKeySet, type JWTHeaderParameters } from 'jose';
import { UnexpectedResponseError } from '../upstream/errors.js';
import type { UpstreamFetch } from '../upstream/http-client.js';

/**
 * Issuers' signing keys (their `jwks_uri`), fetched through the upstream
 * client like every other provider call (address checks, timeout, size cap,
 * metrics), never by jose's own remote key set. Kept briefly and refetched
 * rarely: a key set is reused for 10 minutes, and a token signed with a key
 * it lacks (the issuer rotated) refetches it, at most once per 30 seconds
 * per issuer, so a stream of tokens with made-up `kid`s cannot turn the
 * broker into a load generator against the issuer.
 */

export const JWKS_MAX_AGE_MS = 10 * 60 * 1000;
export const JWKS_UNKNOWN_KID_COOLDOWN_MS = 30 * 1000;
const DEFAULT_MAX_ENTRIES = 100;

export interface JwksCacheDeps {
  fetch: UpstreamFetch;
  now: () => number;
  /** Key sets kept at once; the least recently fetched goes first. */
  maxEntries?: number;
}

interface Entry {
  fetchedAt: number;
  select: ReturnType<typeof createLocalJWKSet>;
}

/** The key a token's header names, from the issuer's key set at `uri`. */
export type KeyLookup = (
  uri: string,
  providerId: string,
  header: JWTHeaderParameters,
) => Promise<Awaited<ReturnType<ReturnType<typeof createLocalJWKSet>>>>;

export function createJwksCache(deps: JwksCacheDeps) {
  const maxEntries = deps.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const entries = new Map<string, Entry>();
  // Concurrent validations for one issuer share one request.
  const loading = new Map<string, Promise<Entry>>();

  function load(uri: string, providerId: string): Promise<Entry> {
    let pending = loading.get(uri);
    if (!pending) {
      pending = fetchKeySet(deps.fetch, uri, providerId)
        .then((jwks) => {
          const entry = { fetchedAt: deps.now(), select: createLocalJWKSet(jwks) };
          entries.delete(uri);
          entries.set(uri, entry);
          // Map order is insertion order: the first entry is the one fetched longest ago.
          while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
          return entry;
        })
        .finally(() => loading.delete(uri));
      loading.set(uri, pending);
    }
    return pending;
  }

  const keyFor: KeyLookup = async (uri, providerId, header) => {
    const cached = entries.get(uri);
    const fresh = cached && deps.now() - cached.fetchedAt < JWKS_MAX_AGE_MS ? cached : undefined;
    const entry = fresh ?? (await load(uri, providerId));
    try {
      return await entry.select(header);
    } catch (error) {
      const unknownKey = (error as { code?: unknown }).code === 'ERR_JWKS_NO_MATCHING_KEY';
      if (!unknownKey || deps.now() - entry.fetchedAt < JWKS_UNKNOWN_KID_COOLDOWN_MS) throw error;
      return (await load(uri, providerId)).select(header);
    }
  };

  return { keyFor, size: () => entries.size };
}

export type JwksCache = ReturnType<typeof createJwksCache>;

async function fetchKeySet(fetch: UpstreamFetch, uri: string, providerId: string): Promise<JSONWebKeySet> {
  const response = await fetch(
    uri,
    { headers: { accept: 'application/jwk-set+json, application/json' } },
    { provider: providerId, operation: 'jwks' },
  );
  if (!response.ok) {
    throw new UnexpectedResponseError(`the key set answered HTTP ${response.status}`, response.status);
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch (cause) {
    throw new UnexpectedResponseError('the key set is not JSON', response.status, { cause });
  }
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((k) => k !== null && typeof k === 'object' && !Array.isArray(k))) {
    throw new UnexpectedResponseError('the key set has no `keys` array of objects', response.status);
  }
  return { keys } as JSONWebKeySet;
}
