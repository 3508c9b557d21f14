import type { Preset } from '../model.js';

const DAY = 86_400;

export const atlassian: Preset = {
  id: 'atlassian',
  display_name: 'Atlassian (Jira, Confluence)',
  description:
    'Atlassian Cloud as the signed-in user; create an OAuth 2.0 (3LO) integration and add product scopes.',
  docs_url: 'https://developer.atlassian.com/console/myapps/',
  authorization_url: 'https://auth.atlassian.com/authorize',
  token_url: 'https://auth.atlassian.com/oauth/token',
  userinfo_url: 'https://api.atlassian.com/me',
  revocation_url: null,
  issuer: null,
  client_auth_method: 'client_secret_post',
  // Atlassian's 3LO documents no code_challenge parameter.
  pkce: false,
  scopes: ['read:me', 'offline_access'],
  scope_separator: ' ',
  // Both are required by Atlassian's 3LO authorization request.
  authorization_params: { audience: 'api.atlassian.com', prompt: 'consent' },
  token_params: {},
  userinfo: {
    method: 'GET',
    user_id: ['/account_id'],
    email: ['/email'],
    display_name: ['/name', '/nickname'],
  },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 3600,
  // Rotating: dies after 90 days unused, and 365 days after the grant whatever its use.
  refresh_token_idle_seconds: 90 * DAY,
  refresh_token_max_seconds: 365 * DAY,
  token_errors_with_200: false,
};
