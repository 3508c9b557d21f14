import type { Vault } from '../vault/vault.js';
import type { EndpointRecord } from './endpoint-store.js';

/** Where an endpoint's secrets live in the vault: bound to the row and the column. */
export const secretLocation = (id: string, column: 'secret' | 'previous_secret') => ({
  table: 'webhook_endpoints',
  column,
  rowId: id,
});

/** The secrets that sign now: the current one, and the one before it while the rotation overlap lasts. */
export function endpointSecrets(vault: Vault, endpoint: EndpointRecord, now: number): string[] {
  const secrets = [vault.decrypt(endpoint.secret_ciphertext, secretLocation(endpoint.id, 'secret'))];
  if (
    endpoint.previous_secret_ciphertext !== null &&
    endpoint.previous_secret_until !== null &&
    endpoint.previous_secret_until > now
  )
    secrets.push(
      vault.decrypt(endpoint.previous_secret_ciphertext, secretLocation(endpoint.id, 'previous_secret')),
    );
  return secrets;
}
