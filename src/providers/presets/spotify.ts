import type { Preset } from '../model.js';

const DAY = 86_400;

export const spotify: Preset = {
  id: 'spotify',
  display_name: 'Spotify',
  description: 'Spotify Web API as the signed-in user; create an app in the Spotify developer dashboard.',
  docs_url: 'https://developer.spotify.com/dashboard',
  authorization_url: 'https://accounts.spotify.com/authorize',
  token_url: 'https://accounts.spotify.com/api/token',
  userinfo_url: 'https://api.spotify.com/v1/me',
  revocation_url: null,
  issuer: null,
  client_auth_method: 'client_secret_basic',
  // Spotify offers PKCE only as the flow for clients without a secret.
  pkce: false,
  scopes: ['user-read-email', 'user-read-private'],
  scope_separator: ' ',
  authorization_params: {},
  token_params: {},
  userinfo: { method: 'GET', user_id: ['/id'], email: ['/email'], display_name: ['/display_name', '/id'] },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 3600,
  // Not documented to expire; assume a day, the unknown provider's default, rather than lose a grant.
  refresh_token_idle_seconds: DAY,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
