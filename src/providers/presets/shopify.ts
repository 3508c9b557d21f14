import { DAY, definePreset } from './define.js';

// {shop}: the store's myshopify.com name, a per-connection parameter.
export const shopify = definePreset({
  id: 'shopify',
  display_name: 'Shopify',
  description:
    'A Shopify store (offline access); create an app in the Dev Dashboard with the Admin API scopes.',
  docs_url:
    'https://shopify.dev/docs/apps/build/authentication-authorization/access-token-types/offline-access-tokens',
  connection_params: {
    shop: {
      // Shopify's store names: lowercase letters, digits and dashes.
      pattern: '[a-z0-9][a-z0-9-]{0,59}',
      description: "the store's myshopify.com name: acme for acme.myshopify.com",
    },
  },
  authorization_url: 'https://{shop}.myshopify.com/admin/oauth/authorize',
  token_url: 'https://{shop}.myshopify.com/admin/oauth/access_token',
  // 2026-10: a supported Admin API version when this was written (Shopify retires each after a year).
  userinfo_url: 'https://{shop}.myshopify.com/admin/api/2026-10/graphql.json',
  revocation_url: null,
  client_auth_method: 'client_secret_post',
  // Shopify documents no PKCE for its authorization code grant.
  pkce: false,
  scopes: ['read_products'],
  scope_separator: ',',
  // Expiring offline tokens (1 hour, with a refresh token): required of public apps from January 2027.
  token_params: { expiring: '1' },
  userinfo: {
    method: 'POST',
    body: '{"query":"{ shop { id name email } }"}',
    // The Admin API takes the token in its own header only.
    token_header: 'X-Shopify-Access-Token',
    user_id: ['/data/shop/id'],
    email: ['/data/shop/email'],
    display_name: ['/data/shop/name'],
  },
  // Refresh tokens: 90 days, replaced on every refresh (each answer states `refresh_token_expires_in`), so
  // unused for 90 days the grant dies. Only one expiring token lives per app and store: a new grant revokes
  // the one before.
  refresh_token_idle_seconds: 90 * DAY,
});
