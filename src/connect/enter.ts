import { hashSecret, randomToken, sameHash } from '../crypto/random.js';
import { readsIdToken } from '../oauth/account.js';
import { resolveProvider } from '../providers/connection-params.js';
import { buildAuthorizationUrl } from './authorization-url.js';
import { type ConnectDeps, verifierLocation } from './deps.js';
import { endedByExpiry } from './session-store.js';

export type EntryResult =
  | {
      ok: true;
      location: string;
      cookie: { name: string; value: string; path: string; maxAgeSeconds: number };
    }
  | { ok: false; reason: 'unknown' | 'expired' | 'used' | 'other_browser' };

/** One cookie per session, so a user can run two connect flows side by side. */
export const bindingCookieName = (sessionId: string) => `custodian_connect_${sessionId}`;

/**
 * `GET /connect/{connect_token}`: binds this browser to the session with a
 * cookie (the first browser to open the link owns it), starts a fresh
 * authorization request (new state, and new nonce when the account is read
 * from the ID token) and sends the browser to the provider.
 */
export async function enterConnectSession(
  deps: ConnectDeps,
  connectToken: string,
  readCookie: (name: string) => string | undefined,
): Promise<EntryResult> {
  const session = await deps.sessions.byConnectTokenHash(hashSecret(connectToken));
  if (!session) return { ok: false, reason: 'unknown' };
  const now = deps.now();
  if (endedByExpiry(session)) return { ok: false, reason: 'expired' };
  if (session.status !== 'pending') return { ok: false, reason: 'used' };
  if (session.expires_at <= now) return { ok: false, reason: 'expired' };
  const provider = await deps.providers.get(session.provider_id);
  if (!provider?.is_enabled) return { ok: false, reason: 'unknown' };

  const name = bindingCookieName(session.id);
  const presented = readCookie(name);
  let cookieValue: string;
  let newBinding: string | null = null;
  if (session.browser_binding_hash !== null) {
    if (presented === undefined || !sameHash(hashSecret(presented), session.browser_binding_hash)) {
      return { ok: false, reason: 'other_browser' };
    }
    cookieValue = presented;
  } else {
    cookieValue = randomToken(deps.random);
    newBinding = hashSecret(cookieValue);
  }

  const resolved = resolveProvider(provider, session.connection_params);
  const state = randomToken(deps.random);
  const nonce = readsIdToken(resolved) ? randomToken(deps.random) : null;
  const request = { stateHash: hashSecret(state), nonceHash: nonce === null ? null : hashSecret(nonce) };
  if (!(await deps.sessions.beginAuthorization(session.id, request, newBinding, now))) {
    // Another browser bound it, or it ended, between the read and the write.
    return { ok: false, reason: 'other_browser' };
  }
  const codeVerifier =
    session.code_verifier_ciphertext === null
      ? null
      : deps.vault.decrypt(session.code_verifier_ciphertext, verifierLocation(session.id));
  const location = await buildAuthorizationUrl(resolved, {
    redirectUri: session.redirect_uri,
    scopes: session.scopes,
    state,
    codeVerifier,
    nonce,
  });
  return {
    ok: true,
    location,
    cookie: {
      name,
      value: cookieValue,
      path: `/oauth/callback/${session.provider_id}`,
      maxAgeSeconds: Math.max(1, Math.ceil((session.expires_at - now) / 1000)),
    },
  };
}
