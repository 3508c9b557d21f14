import type { ProviderWithSecret } from '../oauth/provider-client.js';
import type { Vault } from '../vault/vault.js';
import type { ProviderRecord } from './store.js';

/** Where a provider's client secret is stored: its ciphertext is bound to this place. */
export const clientSecretLocation = (providerId: string) => ({
  table: 'providers',
  column: 'client_secret',
  rowId: providerId,
});

/** The provider with its client secret decrypted, for the length of one provider call. */
export function withClientSecret(vault: Vault, provider: ProviderRecord): ProviderWithSecret {
  const ciphertext = provider.client_secret_ciphertext;
  return {
    ...provider,
    client_secret:
      ciphertext === null ? null : vault.decrypt(ciphertext, clientSecretLocation(provider.provider_id)),
  };
}
