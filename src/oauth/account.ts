import type { ProviderRecord } from '../providers/store.js';
import { UnexpectedResponseError } from '../upstream/errors.js';
import type { UpstreamFetch } from '../upstream/http-client.js';

/** The connected account, as the provider describes it. */
export interface Account {
  user_id: string;
  email: string | null;
  display_name: string | null;
}

const MAX_FIELD = 512;

/**
 * Whether the account is read from the ID token: an OpenID Connect provider
 * (an issuer and its keys) that offers no userinfo endpoint. Its connect flow
 * then asks for `openid` with a nonce, and the token is checked (id-token.ts).
 */
export function readsIdToken(
  provider: Pick<ProviderRecord, 'issuer' | 'jwks_uri' | 'userinfo_url'>,
): boolean {
  return provider.issuer !== null && provider.jwks_uri !== null && provider.userinfo_url === null;
}

/**
 * Reads the account through the provider's userinfo settings: GET or POST
 * (with a JSON body, as Dropbox wants), then JSON Pointers into the answer.
 * A provider without a userinfo URL is read from its token answer instead
 * (or from its checked ID token's claims: `accountFrom`, see finish.ts).
 */
export async function fetchAccount(
  fetch: UpstreamFetch,
  provider: ProviderRecord,
  accessToken: string,
  tokenAnswer: Record<string, unknown>,
): Promise<Account> {
  const source = provider.userinfo_url ? await requestUserinfo(fetch, provider, accessToken) : tokenAnswer;
  const account = accountFrom(source, provider.userinfo);
  if (account === null) {
    throw new UnexpectedResponseError('the account has no id at the configured pointers', undefined);
  }
  return account;
}

/**
 * The account at the userinfo settings' pointers into `source` (a userinfo answer, a token answer or an
 * ID token's claims); null when no pointer finds its id.
 */
export function accountFrom(source: unknown, settings: ProviderRecord['userinfo']): Account | null {
  const userId = firstValue(source, settings.user_id);
  if (userId === null) return null;
  return {
    user_id: userId,
    email: firstValue(source, settings.email),
    display_name: firstValue(source, settings.display_name),
  };
}

async function requestUserinfo(fetch: UpstreamFetch, provider: ProviderRecord, accessToken: string) {
  const { method, body, token_header } = provider.userinfo;
  const headers: Record<string, string> = { accept: 'application/json' };
  // A bearer token, unless the provider names its own header (Shopify's Admin API takes no other).
  if (token_header === undefined) headers.authorization = `Bearer ${accessToken}`;
  else headers[token_header.toLowerCase()] = accessToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(
    provider.userinfo_url!,
    { method, headers, body },
    { provider: provider.provider_id, operation: 'userinfo' },
  );
  if (!response.ok) {
    throw new UnexpectedResponseError(`userinfo answered HTTP ${response.status}`, response.status);
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch (cause) {
    throw new UnexpectedResponseError('userinfo did not answer JSON', response.status, { cause });
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new UnexpectedResponseError('userinfo did not answer a JSON object', response.status);
  }
  return json as Record<string, unknown>;
}

function firstValue(source: unknown, pointers: readonly string[]): string | null {
  for (const pointer of pointers) {
    const value = resolvePointer(source, pointer);
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
      return String(value).slice(0, MAX_FIELD);
    }
  }
  return null;
}

/** RFC 6901. Returns undefined where the path does not exist. */
export function resolvePointer(source: unknown, pointer: string): unknown {
  if (pointer === '') return source;
  let current: unknown = source;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (current === null || typeof current !== 'object') return undefined;
    // §4: an array is indexed by digits only (no leading zeros), never by `length` or the like.
    if (Array.isArray(current) && !/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
