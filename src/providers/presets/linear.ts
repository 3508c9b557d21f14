import type { Preset } from '../model.js';

const DAY = 86_400;

export const linear: Preset = {
  id: 'linear',
  display_name: 'Linear',
  description: 'Linear as the signed-in user; create an OAuth2 application in the workspace settings.',
  docs_url: 'https://linear.app/settings/api/applications/new',
  authorization_url: 'https://linear.app/oauth/authorize',
  token_url: 'https://api.linear.app/oauth/token',
  // Linear has no REST userinfo: ask the GraphQL API for the viewer.
  userinfo_url: 'https://api.linear.app/graphql',
  // Clients disagree on whether Linear's /oauth/revoke takes the token as a form
  // field (RFC 7009) or as a bearer credential; not relied on until confirmed.
  revocation_url: null,
  issuer: null,
  client_auth_method: 'client_secret_post',
  pkce: true,
  scopes: ['read'],
  // Linear documents its scope list as comma separated.
  scope_separator: ',',
  authorization_params: {},
  token_params: {},
  userinfo: {
    method: 'POST',
    body: '{"query":"query { viewer { id name email } }"}',
    user_id: ['/data/viewer/id'],
    email: ['/data/viewer/email'],
    display_name: ['/data/viewer/name'],
  },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 86400,
  // Not documented: assume a day, the unknown provider's default.
  refresh_token_idle_seconds: DAY,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
