import type { Preset } from '../model.js';

const DAY = 86_400;

export const gitlab: Preset = {
  id: 'gitlab',
  display_name: 'GitLab',
  description: 'GitLab.com as the signed-in user; add an application under User settings > Applications.',
  docs_url: 'https://docs.gitlab.com/integration/oauth_provider/',
  authorization_url: 'https://gitlab.com/oauth/authorize',
  token_url: 'https://gitlab.com/oauth/token',
  userinfo_url: 'https://gitlab.com/api/v4/user',
  revocation_url: 'https://gitlab.com/oauth/revoke',
  issuer: null,
  client_auth_method: 'client_secret_post',
  pkce: true,
  scopes: ['read_user'],
  scope_separator: ' ',
  authorization_params: {},
  token_params: {},
  userinfo: { method: 'GET', user_id: ['/id'], email: ['/email'], display_name: ['/name', '/username'] },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 7200,
  // Not documented to die of inactivity; rotated on every refresh. Assume a day, the unknown provider's default.
  refresh_token_idle_seconds: DAY,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
