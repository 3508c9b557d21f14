import type { Preset } from '../model.js';

const DAY = 86_400;

export const microsoft: Preset = {
  id: 'microsoft',
  display_name: 'Microsoft OneDrive',
  description: 'OneDrive through Microsoft Graph, for work, school and personal accounts (multi-tenant app).',
  docs_url: 'https://learn.microsoft.com/en-us/entra/identity-platform/quickstart-register-app',
  authorization_url: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  token_url: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  userinfo_url: 'https://graph.microsoft.com/v1.0/me',
  // The identity platform has no RFC 7009 revocation endpoint.
  revocation_url: null,
  issuer: null,
  client_auth_method: 'client_secret_post',
  pkce: true,
  scopes: ['offline_access', 'Files.ReadWrite', 'User.Read'],
  scope_separator: ' ',
  authorization_params: {},
  token_params: {},
  // Personal accounts often have no `mail`; `userPrincipalName` is always set.
  userinfo: {
    method: 'GET',
    user_id: ['/id'],
    email: ['/mail', '/userPrincipalName'],
    display_name: ['/displayName'],
  },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 3600,
  // Entra: 90 days, renewed on every use (24 hours for single-page apps); AADSTS700082 when one idled out.
  refresh_token_idle_seconds: 90 * DAY,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
