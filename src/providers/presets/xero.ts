import type { Preset } from '../model.js';

const DAY = 86_400;

export const xero: Preset = {
  id: 'xero',
  display_name: 'Xero',
  description: 'Xero as the signed-in user; create a Web app and add the accounting scopes it needs.',
  docs_url: 'https://developer.xero.com/app/manage',
  authorization_url: 'https://login.xero.com/identity/connect/authorize',
  token_url: 'https://identity.xero.com/connect/token',
  userinfo_url: 'https://identity.xero.com/connect/userinfo',
  revocation_url: 'https://identity.xero.com/connect/revocation',
  issuer: null,
  client_auth_method: 'client_secret_basic',
  pkce: true,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  scope_separator: ' ',
  authorization_params: {},
  token_params: {},
  userinfo: {
    method: 'GET',
    user_id: ['/xero_userid', '/sub'],
    email: ['/email'],
    display_name: ['/name', '/given_name', '/preferred_username'],
  },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 1800,
  // 60 days, rotating (the old one stays usable 30 minutes after rotation).
  refresh_token_idle_seconds: 60 * DAY,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
