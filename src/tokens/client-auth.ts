import type { SecretHasher } from '../clients/secret-hasher.js';
import type { ClientRecord, ClientStore } from '../clients/store.js';
import { AppError } from '../http/errors.js';
import type { RateLimits } from '../rate-limit/limits.js';
import { OAuthError } from './oauth-error.js';

interface ClientAuthDeps {
  clients: ClientStore;
  hasher: SecretHasher;
  now: () => number;
  limits?: RateLimits['clientAuth'];
}

/**
 * Authenticates as below, within the failed-authentication limits: a client
 * id or source address over its limit is answered 429 before its secret is
 * looked at (the right secret too, so a 429 says nothing about a guess), and
 * every invalid_client counts against both.
 */
export async function authenticateClientLimited(
  deps: ClientAuthDeps,
  authorization: string | undefined,
  form: URLSearchParams,
  address: string,
): Promise<ClientRecord> {
  const claimed = claimedClientId(authorization, form);
  const refusal = deps.limits?.blocked(claimed, address);
  if (refusal) {
    // Answered as every rate limit on /oauth/* is: 429 temporarily_unavailable (oauthAnswerFor).
    const after = refusal.headers['retry-after'];
    throw new AppError('rate_limited', `too many failed client authentications; retry after ${after} s`, {
      headers: refusal.headers,
    });
  }
  try {
    return await authenticateClient(deps, authorization, form);
  } catch (error) {
    if (error instanceof OAuthError && error.error === 'invalid_client')
      deps.limits?.failed(claimed, address);
    throw error;
  }
}

/** The client id a request claims, before anything is checked; null if none or implausible. */
function claimedClientId(authorization: string | undefined, form: URLSearchParams): string | null {
  let id: string | null = form.get('client_id');
  if (authorization !== undefined) {
    try {
      id = parseBasic(authorization)?.id ?? id;
    } catch {
      // Malformed: counted against the address only.
    }
  }
  return id !== null && id.length > 0 && id.length <= 64 ? id : null;
}

/**
 * Authenticates a service client at the token endpoint: client_secret_basic
 * (id and secret form-urlencoded before base64, RFC 6749 §2.3.1) or
 * client_secret_post, never both in one request.
 */
export async function authenticateClient(
  deps: ClientAuthDeps,
  authorization: string | undefined,
  form: URLSearchParams,
): Promise<ClientRecord> {
  const basic = authorization === undefined ? null : parseBasic(authorization);
  const postedId = form.get('client_id');
  const postedSecret = form.get('client_secret');
  if (basic && postedSecret !== null) {
    throw new OAuthError('invalid_request', 'use one client authentication method, not both');
  }
  const challenge: Record<string, string> = basic ? { 'www-authenticate': 'Basic realm="custodian"' } : {};
  const credentials =
    basic ?? (postedId !== null && postedSecret !== null ? { id: postedId, secret: postedSecret } : null);
  if (!credentials) throw new OAuthError('invalid_client', 'client authentication is required', challenge);
  if (basic && postedId !== null && postedId !== basic.id) {
    throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
  }

  const client = credentials.id.length <= 64 ? await deps.clients.get(credentials.id) : null;
  const now = deps.now();
  const hashes = client
    ? (await deps.clients.secrets(client.client_id))
        .filter((s) => s.expires_at === null || s.expires_at > now)
        .map((s) => s.hash)
    : [];
  // Hash even for an unknown client, so the answer takes as long either way.
  const matched = await deps.hasher.matches(credentials.secret.slice(0, 512), hashes);
  if (!client || !matched || !client.is_enabled) {
    throw new OAuthError('invalid_client', 'client authentication failed', challenge);
  }
  return client;
}

function parseBasic(header: string): { id: string; secret: string } | null {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!match)
    throw new OAuthError('invalid_client', 'malformed Basic credentials', {
      'www-authenticate': 'Basic realm="custodian"',
    });
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0)
    throw new OAuthError('invalid_client', 'malformed Basic credentials', {
      'www-authenticate': 'Basic realm="custodian"',
    });
  try {
    const formDecode = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_request', 'Basic credentials must be form-urlencoded (RFC 6749 §2.3.1)');
  }
}
