import { hashSecret, sameHash } from '../crypto/random.js';
import type { Caller } from '../http/caller.js';
import { AppError } from '../http/errors.js';
import { resolveProvider } from '../providers/connection-params.js';
import type { ConnectDeps } from './deps.js';
import { exchangeAndStore } from './finish.js';
import { type ConnectSession, endedByExpiry, SESSION_EXPIRED } from './session-store.js';

/**
 * `POST /v1/connect-sessions/{id}/complete`, for a service whose own page
 * received the provider's redirect. The same checks as the browser callback,
 * except that the caller (who created the session) stands in for the cookie.
 */
export async function completeFromService(
  deps: ConnectDeps,
  caller: Caller,
  sessionId: string,
  input: { code: string; state: string; iss?: string; callback_params?: Record<string, string> },
  /** Told the session once the caller may see it, so a failure after that is audited under its tenant. */
  found: (session: ConnectSession) => void = () => {},
): Promise<ConnectSession> {
  const session = await deps.sessions.get(sessionId);
  if (!session || session.created_by !== caller.id || !caller.seesTenant(session.tenant)) {
    throw new AppError('connect_session_not_found', 'no such connect session');
  }
  found(session);
  if (session.completion !== 'service') {
    throw new AppError('conflict', 'this session finishes in the browser, at the broker callback');
  }
  // One the expiry sweep already failed still answers connect_session_expired, below.
  if (session.status !== 'pending' && !endedByExpiry(session))
    throw new AppError('connect_session_used', 'this session has already ended');
  // A wrong state is refused without ending the session: it is someone else's request.
  if (session.state_hash === null || !sameHash(hashSecret(input.state), session.state_hash)) {
    throw new AppError('state_mismatch', 'state does not belong to this session');
  }
  const now = deps.now();
  if (session.expires_at <= now) {
    // finish changes only a pending session: one the sweep ended is not reported twice.
    await deps.sessions.finish(session.id, { status: 'failed', error: SESSION_EXPIRED }, now);
    throw new AppError('connect_session_expired', 'this session expired');
  }
  if (!(await deps.sessions.claim(session.id, now))) {
    throw new AppError('connect_session_used', 'this session has already ended');
  }
  const stored = await deps.providers.get(session.provider_id);
  const provider = stored && resolveProvider(stored, session.connection_params);
  const fail = async (error: string, appError: AppError) => {
    await deps.sessions.finish(session.id, { status: 'failed', error }, now);
    throw appError;
  };
  if (!provider)
    return fail('provider_not_found', new AppError('provider_not_found', 'the provider was deleted'));
  if (provider.issuer !== null && input.iss !== provider.issuer) {
    return fail(
      'issuer_mismatch',
      new AppError('issuer_mismatch', 'iss does not name the provider (RFC 9207)'),
    );
  }
  const outcome = await exchangeAndStore(
    deps,
    session,
    provider,
    input.code,
    new URLSearchParams(input.callback_params ?? {}),
  );
  // The upstream error itself becomes the answer; the session already records the failure.
  if (!outcome.ok) throw outcome.cause;
  return (await deps.sessions.get(session.id))!;
}
