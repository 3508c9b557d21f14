import type { Preset } from '../model.js';

const DAY = 86_400;

export const box: Preset = {
  id: 'box',
  display_name: 'Box',
  description: 'Box files; create a Platform App with User Authentication (OAuth 2.0).',
  docs_url: 'https://account.box.com/developers/console',
  authorization_url: 'https://account.box.com/api/oauth2/authorize',
  token_url: 'https://api.box.com/oauth2/token',
  userinfo_url: 'https://api.box.com/2.0/users/me',
  revocation_url: 'https://api.box.com/oauth2/revoke',
  issuer: null,
  client_auth_method: 'client_secret_post',
  // Box documents no code_challenge on its authorize endpoint.
  pkce: false,
  // With no scope parameter Box grants the scopes set in the Developer Console.
  scopes: [],
  scope_separator: ' ',
  authorization_params: {},
  token_params: {},
  userinfo: { method: 'GET', user_id: ['/id'], email: ['/login'], display_name: ['/name'] },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 3600,
  // 60 days, single use: every refresh rotates it, which also renews it.
  refresh_token_idle_seconds: 60 * DAY,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
