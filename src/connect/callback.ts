import { hashSecret, sameHash } from '../crypto/random.js';
import { resolveProvider } from '../providers/connection-params.js';
import type { ConnectDeps } from './deps.js';
import { bindingCookieName } from './enter.js';
import { exchangeAndStore } from './finish.js';
import { type ConnectSession, endedByExpiry, SESSION_EXPIRED } from './session-store.js';

export type CallbackResult =
  /** No session matches this callback: show a plain page, touch nothing. */
  | { kind: 'unmatched' }
  | { kind: 'finished'; session: ConnectSession; connectionId: string | null; error: string | null };

// An error the provider sent back is shown only if it looks like an OAuth error code.
const oauthErrorCode = /^[a-z_]{1,64}$/;

/**
 * `GET /oauth/callback/{provider_id}`. The state must name a pending session
 * of this provider, finished in a browser, and this must be the browser bound
 * to it; anything else is unmatched. A matched session then ends exactly once:
 * expired, wrong `iss` (RFC 9207), an error from the provider, or the exchange.
 */
export async function handleCallback(
  deps: ConnectDeps,
  providerId: string,
  params: URLSearchParams,
  readCookie: (name: string) => string | undefined,
): Promise<CallbackResult> {
  const state = params.get('state');
  if (!state) return { kind: 'unmatched' };
  const session = await deps.sessions.byStateHash(hashSecret(state));
  if (!session || session.provider_id !== providerId || session.completion !== 'browser')
    return { kind: 'unmatched' };
  const cookie = readCookie(bindingCookieName(session.id));
  if (
    !cookie ||
    !session.browser_binding_hash ||
    !sameHash(hashSecret(cookie), session.browser_binding_hash)
  ) {
    return { kind: 'unmatched' };
  }
  // One the expiry sweep already failed gets the same expired answer as a pending one past its time.
  if (session.status !== 'pending' && !endedByExpiry(session)) return { kind: 'unmatched' };

  const now = deps.now();
  const fail = async (error: string): Promise<CallbackResult> => {
    await deps.sessions.finish(session.id, { status: 'failed', error }, now);
    return { kind: 'finished', session, connectionId: null, error };
  };
  // finish changes only a pending session: one the sweep ended is not reported twice.
  if (session.expires_at <= now) return fail(SESSION_EXPIRED);
  // From here on this request owns the session: a replay finds it taken.
  if (!(await deps.sessions.claim(session.id, now))) return { kind: 'unmatched' };

  const stored = await deps.providers.get(providerId);
  if (!stored) return fail('provider_not_found');
  // The issuer, like every URL, is this connection's (a Keycloak realm's issuer names the realm).
  const provider = resolveProvider(stored, session.connection_params);
  if (provider.issuer !== null && params.get('iss') !== provider.issuer) return fail('issuer_mismatch');
  const providerError = params.get('error');
  if (providerError !== null)
    return fail(oauthErrorCode.test(providerError) ? providerError : 'provider_error');
  const code = params.get('code');
  if (!code) return fail('invalid_callback');

  const outcome = await exchangeAndStore(deps, session, provider, code, params);
  return outcome.ok
    ? { kind: 'finished', session, connectionId: outcome.connectionId, error: null }
    : { kind: 'finished', session, connectionId: null, error: outcome.error };
}
