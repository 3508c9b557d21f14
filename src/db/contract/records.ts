import type { GrantToSave } from '../../connections/store.js';
import { templateDefaults } from '../../providers/definition.js';
import type { ProviderRecord } from '../../providers/store.js';

/** The contract suites' "now": any fixed epoch-millisecond time. */
export const NOW = 1_718_000_000_000;

/** A complete provider record; every field can be overridden. */
export function providerRecord(id: string, overrides: Partial<ProviderRecord> = {}): ProviderRecord {
  return {
    // A field added later keeps its default here; every field known now is set to a non-default value.
    ...templateDefaults(),
    provider_id: id,
    display_name: `Provider ${id}`,
    preset: 'dropbox',
    is_enabled: true,
    client_id: `client-${id}`,
    client_secret_ciphertext: `v1.k.nonce-${id}.body-${id}`,
    client_auth_method: 'client_secret_post',
    revocation_auth_method: 'client_secret_basic',
    authorization_url: `https://${id}.example/oauth2/authorize`,
    token_url: `https://${id}.example/oauth2/token`,
    userinfo_url: `https://api.${id}.example/2/users/get_current_account`,
    revocation_url: `https://api.${id}.example/2/auth/token/revoke`,
    issuer: `https://${id}.example`,
    pkce: true,
    scopes: ['account_info.read', 'files.content.read'],
    scope_separator: ' ',
    authorization_params: { token_access_type: 'offline', prompt: 'consent' },
    token_params: { audience: 'https://api.example' },
    userinfo: {
      method: 'POST',
      body: 'null',
      user_id: ['/account_id', '/uid'],
      email: ['/email'],
      display_name: ['/name/display_name', '/name/familiar_name'],
    },
    expiry_buffer_seconds: 120,
    default_token_lifetime_seconds: 14_400,
    refresh_token_idle_seconds: 5_184_000,
    refresh_token_max_seconds: 31_536_000,
    token_errors_with_200: false,
    connection_params: { realm: { pattern: '[a-z]{1,40}', description: 'Ünïcode realm' } },
    token_response_metadata: { instance_url: '/instance_url' },
    callback_metadata: { realm_id: 'realmId' },
    metadata_requests: [
      {
        url: 'https://api.example/{realm}/resources',
        method: 'POST',
        body: '{}',
        metadata: { cloud_id: '/0/id' },
      },
    ],
    created_at: 1_718_000_000_123,
    updated_at: 1_718_000_000_456,
    ...overrides,
  };
}

/** The opposite of every default: falsy booleans, nulls, empty collections, a GET userinfo without body. */
export function sparseRecord(id: string): ProviderRecord {
  return providerRecord(id, {
    display_name: 'Ünïcode “name” 🚀',
    preset: null,
    is_enabled: false,
    client_secret_ciphertext: null,
    client_auth_method: 'none',
    userinfo_url: null,
    revocation_url: null,
    issuer: null,
    pkce: false,
    scopes: [],
    scope_separator: ',',
    connection_params: {},
    token_response_metadata: {},
    callback_metadata: {},
    metadata_requests: [],
    authorization_params: {},
    token_params: {},
    userinfo: { method: 'GET', user_id: ['/id'], email: [], display_name: [] },
    expiry_buffer_seconds: 0,
    default_token_lifetime_seconds: null,
    token_errors_with_200: true,
    created_at: 0,
    updated_at: 1,
  });
}

/** A grant whose "ciphertexts" name the row they were sealed for, so binding to the id is visible. */
export function grant(tenant: string, accountId: string, overrides: Partial<GrantToSave> = {}): GrantToSave {
  return {
    tenant,
    provider_id: 'dropbox',
    end_user: 'user-1',
    account: { user_id: accountId, email: `${accountId}@example.com`, display_name: 'Zoë 🚀' },
    scopes: ['files.read'],
    token_type: 'Bearer',
    expires_at: NOW + 3_600_000,
    refresh_token_expires_at: null,
    seal: (rowId) => ({ access: `sealed(${rowId}, access-1)`, refresh: `sealed(${rowId}, refresh-1)` }),
    // The first renewal the schedule would plan: visible in the row, so a test can tell it was kept.
    plan: (rowId, hasRefreshToken) => (hasRefreshToken ? NOW + 1_000 + rowId.length : null),
    ...overrides,
  };
}
