import type { Preset } from '../model.js';

const DAY = 86_400;

export const zoom: Preset = {
  id: 'zoom',
  display_name: 'Zoom',
  description: 'Zoom as the signed-in user; create a user-managed General app with the user:read:user scope.',
  docs_url: 'https://marketplace.zoom.us/develop/create',
  authorization_url: 'https://zoom.us/oauth/authorize',
  token_url: 'https://zoom.us/oauth/token',
  userinfo_url: 'https://api.zoom.us/v2/users/me',
  revocation_url: 'https://zoom.us/oauth/revoke',
  issuer: null,
  client_auth_method: 'client_secret_basic',
  pkce: true,
  // Zoom grants the scopes chosen in the app's Marketplace configuration.
  scopes: [],
  scope_separator: ' ',
  authorization_params: {},
  token_params: {},
  userinfo: {
    method: 'GET',
    user_id: ['/id'],
    email: ['/email'],
    display_name: ['/display_name', '/first_name'],
  },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 3600,
  // 90 days, rotated on every refresh.
  refresh_token_idle_seconds: 90 * DAY,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
