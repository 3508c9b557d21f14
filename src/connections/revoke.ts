import { AppError } from '../http/errors.js';
import type { Logger } from '../log/logger.js';
import { type ProviderClientDeps, revokeToken } from '../oauth/provider-client.js';
import { withClientSecret } from '../providers/client-secret.js';
import { resolveProvider } from '../providers/connection-params.js';
import type { ProviderStore } from '../providers/store.js';
import { ProviderError, UnexpectedResponseError } from '../upstream/errors.js';
import type { Vault } from '../vault/vault.js';
import type { ConnectionRecord, ConnectionStore } from './store.js';
import { tokenLocation } from './token-location.js';

export interface RevokeDeps {
  connections: ConnectionStore;
  providers: ProviderStore;
  vault: Vault;
  client: ProviderClientDeps;
  log: Logger;
  sleep: (ms: number) => Promise<void>;
}

const ATTEMPTS = 3;
const MAX_WAIT_MS = 5000;

/**
 * Revokes the grant at the provider (RFC 7009) where it has an endpoint, then
 * deletes the stored tokens. The refresh token is revoked when there is one:
 * that ends the whole grant at most providers. A 503 is retried, honouring
 * Retry-After; if the provider still refuses, nothing is deleted, so the
 * caller can try again (or delete with `revoke=false`).
 */
export async function revokeAndDelete(deps: RevokeDeps, connection: ConnectionRecord, revoke: boolean) {
  const stored = await deps.providers.get(connection.provider_id);
  const provider = stored && resolveProvider(stored, connection.connection_params);
  if (revoke && provider?.revocation_url) {
    const refresh = connection.refresh_token_ciphertext;
    const [token, hint] =
      refresh === null
        ? [
            deps.vault.decrypt(
              connection.access_token_ciphertext,
              tokenLocation(connection.id, 'access_token'),
            ),
            'access_token' as const,
          ]
        : [
            deps.vault.decrypt(refresh, tokenLocation(connection.id, 'refresh_token')),
            'refresh_token' as const,
          ];
    for (let attempt = 1; ; attempt++) {
      try {
        await revokeToken(deps.client, withClientSecret(deps.vault, provider), token, hint);
        break;
      } catch (error) {
        const wait = retryableWait(error);
        if (wait === undefined || attempt >= ATTEMPTS) {
          deps.log.warn('revocation failed', { connection_id: connection.id, error });
          throw new AppError(
            'revocation_failed',
            'the provider did not confirm the revocation; nothing was deleted',
            {
              cause: error,
            },
          );
        }
        await deps.sleep(wait);
      }
    }
  }
  await deps.connections.delete(connection.id);
}

/** How long to wait before retrying, for a 503; undefined when not worth retrying. */
function retryableWait(error: unknown): number | undefined {
  const status =
    error instanceof ProviderError || error instanceof UnexpectedResponseError ? error.status : undefined;
  if (status !== 503) return undefined;
  const seconds = (error as ProviderError | UnexpectedResponseError).retryAfterSeconds ?? 1;
  return Math.min(seconds * 1000, MAX_WAIT_MS);
}
