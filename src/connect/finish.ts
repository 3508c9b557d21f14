import { readConnectionMetadata } from '../connections/metadata.js';
import { tokenLocation } from '../connections/token-location.js';
import { randomId } from '../crypto/random.js';
import { AppError } from '../http/errors.js';
import { type Account, accountFrom, fetchAccount, readsIdToken } from '../oauth/account.js';
import { validateIdToken } from '../oauth/id-token.js';
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
 * `provider` is already resolved with the session's connection_params (callback.ts, complete.ts).
 *
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
  /** The provider's redirect back, for `callback_metadata`. */
  callbackQuery: URLSearchParams = new URLSearchParams(),
): Promise<FinishOutcome> {
  const log = deps.log.child({ connect_session_id: session.id, provider_id: provider.provider_id });
  let outcome: FinishOutcome;
  try {
    const codeVerifier =
      session.code_verifier_ciphertext === null
        ? null
        : deps.vault.decrypt(session.code_verifier_ciphertext, verifierLocation(session.id));
    const { tokens, answer, idToken } = await exchangeCode(
      deps.client,
      withClientSecret(deps.vault, provider),
      { code, redirectUri: session.redirect_uri, codeVerifier },
    );
    const account = readsIdToken(provider)
      ? await accountFromIdToken(deps, session, provider, idToken)
      : await fetchAccount(deps.fetch, provider, tokens.accessToken, answer);
    // The tokens' issue time as far as the schedule is concerned (the exchange just answered).
    const now = deps.now();
    await checkUpgrade(deps, session, account.user_id);
    const metadata = await readConnectionMetadata(deps.fetch, provider, {
      callbackQuery,
      answer,
      tokens,
      idToken,
      params: session.connection_params,
    });
    const connectionId = await deps.connections.saveGrant(
      {
        tenant: session.tenant,
        provider_id: provider.provider_id,
        end_user: session.end_user,
        account,
        scopes: tokens.scopes ?? session.scopes,
        token_type: tokens.tokenType,
        expires_at: tokens.expiresAt,
        connection_params: session.connection_params,
        metadata,
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
    // The broker's own refusals (a metadata request that failed) keep their code.
    outcome = { ok: false, error: error instanceof AppError ? error.code : failureCode(error), cause: error };
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

/** The account from the claims of the checked ID token, through the provider's userinfo pointers. */
async function accountFromIdToken(
  deps: ConnectDeps,
  session: ConnectSession,
  provider: ProviderRecord,
  idToken: string | null,
): Promise<Account> {
  const claims = await validateIdToken(
    deps.idTokenKeys.keyFor,
    idToken,
    {
      issuer: provider.issuer!,
      clientId: provider.client_id,
      jwksUri: provider.jwks_uri!,
      providerId: provider.provider_id,
      nonceHash: session.nonce_hash,
    },
    deps.now(),
  );
  const account = accountFrom(claims, provider.userinfo);
  if (account === null) {
    throw new AppError(
      'id_token_invalid',
      'the provider’s ID token has no account id at the configured pointers',
    );
  }
  return account;
}

/**
 * A scope upgrade must come back with the account it upgrades: another account would otherwise
 * become a second connection the service did not ask for. And the connection must still be the
 * session's end user's (a reconnect by someone else may have moved it since the session started):
 * saving the grant would move it back. Nothing is stored then.
 */
async function checkUpgrade(deps: ConnectDeps, session: ConnectSession, userId: string): Promise<void> {
  if (session.upgrade_connection_id === null) return;
  const target = await deps.connections.get(session.upgrade_connection_id);
  if (!target) throw new AppError('connection_not_found', 'the connection to upgrade was deleted');
  if (target.end_user !== session.end_user) {
    throw new AppError('end_user_mismatch', 'the connection to upgrade went to another end user');
  }
  if (target.account.user_id !== userId) {
    throw new AppError('account_mismatch', 'the user signed in with another account than the connection’s');
  }
}
