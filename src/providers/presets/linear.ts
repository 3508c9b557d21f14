import { DAY, definePreset } from './define.js';

export const linear = definePreset({
  id: 'linear',
  display_name: 'Linear',
  description: 'Linear as the signed-in user; create an OAuth2 application in the workspace settings.',
  docs_url: 'https://linear.app/developers/oauth-2-0-authentication',
  authorization_url: 'https://linear.app/oauth/authorize',
  token_url: 'https://api.linear.app/oauth/token',
  // Linear has no REST userinfo: ask the GraphQL API for the viewer.
  userinfo_url: 'https://api.linear.app/graphql',
  // Clients disagree on whether Linear's /oauth/revoke takes the token as a form
  // field (RFC 7009) or as a bearer credential; not relied on until confirmed.
  revocation_url: null,
  client_auth_method: 'client_secret_post',
  scopes: ['read'],
  // Linear documents its scope list as comma separated.
  scope_separator: ',',
  userinfo: {
    method: 'POST',
    body: '{"query":"query { viewer { id name email } }"}',
    user_id: ['/data/viewer/id'],
    email: ['/data/viewer/email'],
    display_name: ['/data/viewer/name'],
  },
  default_token_lifetime_seconds: 86400,
  // Not documented: assume a day, the unknown provider's default.
  refresh_token_idle_seconds: DAY,
});
