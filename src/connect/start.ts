import { hashSecret, randomId, randomToken } from '../crypto/random.js';
import type { Caller } from '../http/caller.js';
import { AppError } from '../http/errors.js';
import { buildAuthorizationUrl, callbackUrl } from './authorization-url.js';
import { type ConnectDeps, SESSION_LIFETIME_MS, verifierLocation } from './deps.js';
import type { ConnectSession } from './session-store.js';

export interface StartInput {
  provider: string;
  tenant: string;
  end_user: string;
  scopes?: string[];
  return_to?: string;
  redirect_uri?: string;
}

/**
 * Creates a connect session. The browser enters through `connect_url`; a
 * caller that names its own `redirect_uri` also gets the authorization URL
 * and finishes the flow with `POST /v1/connect-sessions/{id}/complete`.
 */
export async function startConnectSession(deps: ConnectDeps, caller: Caller, input: StartInput) {
  if (!caller.seesTenant(input.tenant)) throw new AppError('tenant_not_found', 'no such tenant');
  if (!caller.can('connect')) throw new AppError('forbidden', 'this client may not start connect flows');
  const provider = caller.seesProvider(input.provider) ? await deps.providers.get(input.provider) : null;
  if (!provider?.is_enabled) {
    throw new AppError('provider_not_found', `no enabled provider "${input.provider}"`);
  }
  if (input.return_to !== undefined && !caller.mayReturnTo(input.return_to)) {
    throw new AppError('return_to_not_allowed', 'return_to is not on an origin this client may use', {
      issues: [{ pointer: '/return_to', message: 'not allowed' }],
    });
  }
  // Exact matches only: no prefix, no normalisation, so no lookalike can pass.
  if (input.redirect_uri !== undefined && !caller.mayRedirectTo(input.redirect_uri)) {
    throw new AppError('redirect_uri_not_allowed', 'redirect_uri is not one this caller may use', {
      issues: [{ pointer: '/redirect_uri', message: 'not allowed' }],
    });
  }

  const now = deps.now();
  const id = randomId(deps.random, 'cs');
  const connectToken = randomToken(deps.random);
  const codeVerifier = provider.pkce ? randomToken(deps.random) : null;
  const ownRedirect = input.redirect_uri !== undefined;
  // A service-completed session gets its state now, since its URL is handed out now.
  const state = ownRedirect ? randomToken(deps.random) : null;
  const session: ConnectSession = {
    id,
    provider_id: provider.provider_id,
    tenant: input.tenant,
    end_user: input.end_user,
    scopes: input.scopes ?? provider.scopes,
    return_to: input.return_to ?? null,
    redirect_uri: input.redirect_uri ?? callbackUrl(deps.publicUrl, provider.provider_id),
    completion: ownRedirect ? 'service' : 'browser',
    created_by: caller.id,
    state_hash: state === null ? null : hashSecret(state),
    connect_token_hash: hashSecret(connectToken),
    browser_binding_hash: null,
    code_verifier_ciphertext:
      codeVerifier === null ? null : deps.vault.encrypt(codeVerifier, verifierLocation(id)),
    status: 'pending',
    error: null,
    connection_id: null,
    created_at: now,
    expires_at: now + SESSION_LIFETIME_MS,
    updated_at: now,
  };
  await deps.sessions.insert(session);
  // Sessions are kept a day after they expire, for status reads, then dropped.
  await deps.sessions.prune(now - 24 * 60 * 60 * 1000);

  const authorizationUrl =
    state === null
      ? undefined
      : await buildAuthorizationUrl(provider, {
          redirectUri: session.redirect_uri,
          scopes: session.scopes,
          state,
          codeVerifier,
        });
  return { session, connectUrl: `${deps.publicUrl}/connect/${connectToken}`, authorizationUrl };
}
