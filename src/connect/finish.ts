import { tokenLocation } from '../connections/token-location.js';
import { randomId } from '../crypto/random.js';
import { fetchAccount } from '../oauth/account.js';
import { exchangeCode } from '../oauth/provider-client.js';
import { withClientSecret } from '../providers/client-secret.js';
import type { ProviderRecord } from '../providers/store.js';
import { planRenewal } from '../refresh/schedule.js';
import { failureCode } from '../upstream/failure-code.js';
import { type ConnectDeps, verifierLocation } from './deps.js';
import type { ConnectSession } from './session-store.js';

export type FinishOutcome =
  | { ok: true; connectionId: string }
  | { ok: false; error: string; cause?: unknown };

/**
 * The one code exchange of a session the caller has already claimed: trade
 * the code (with the stored verifier), read the account, store the grant
 * encrypted, and record the outcome on the session. Nothing is stored unless
 * every step succeeded.
 */
export async function exchangeAndStore(
  deps: ConnectDeps,
  session: ConnectSession,
  provider: ProviderRecord,
  code: string,
): Promise<FinishOutcome> {
  const log = deps.log.child({ connect_session_id: session.id, provider_id: provider.provider_id });
  let outcome: FinishOutcome;
  try {
    const codeVerifier =
      session.code_verifier_ciphertext === null
        ? null
        : deps.vault.decrypt(session.code_verifier_ciphertext, verifierLocation(session.id));
    const { tokens, answer } = await exchangeCode(deps.client, withClientSecret(deps.vault, provider), {
      code,
      redirectUri: session.redirect_uri,
      codeVerifier,
    });
    const account = await fetchAccount(deps.fetch, provider, tokens.accessToken, answer);
    // The tokens' issue time as far as the schedule is concerned (the exchange just answered).
    const now = deps.now();
    const connectionId = await deps.connections.saveGrant(
      {
        tenant: session.tenant,
        provider_id: provider.provider_id,
        end_user: session.end_user,
        account,
        scopes: tokens.scopes ?? session.scopes,
        token_type: tokens.tokenType,
        expires_at: tokens.expiresAt,
        refresh_token_expires_at: tokens.refreshTokenExpiresAt,
        plan: (rowId, hasRefreshToken) =>
          planRenewal(
            {
              id: rowId,
              expiresAt: tokens.expiresAt,
              tokenIssuedAt: now,
              grantedAt: now,
              refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
              hasRefreshToken,
              lastUsedAt: null,
            },
            provider,
            now,
          )?.at ?? null,
        seal: (rowId) => ({
          access: deps.vault.encrypt(tokens.accessToken, tokenLocation(rowId, 'access_token')),
          refresh:
            tokens.refreshToken === null
              ? null
              : deps.vault.encrypt(tokens.refreshToken, tokenLocation(rowId, 'refresh_token')),
        }),
      },
      randomId(deps.random, 'conn'),
      now,
    );
    outcome = { ok: true, connectionId };
    log.info('account connected', { connection_id: connectionId, tenant: session.tenant });
  } catch (error) {
    outcome = { ok: false, error: failureCode(error), cause: error };
    log.warn('connect failed', { error_code: outcome.error, error });
  }
  await deps.sessions.finish(
    session.id,
    outcome.ok
      ? { status: 'completed', connectionId: outcome.connectionId }
      : { status: 'failed', error: outcome.error },
    deps.now(),
  );
  return outcome;
}
