import type { Preset } from '../model.js';

export const dropbox: Preset = {
  id: 'dropbox',
  display_name: 'Dropbox',
  description: 'Dropbox files; register a scoped app with the scopes it needs, including account_info.read.',
  docs_url: 'https://www.dropbox.com/developers/apps',
  authorization_url: 'https://www.dropbox.com/oauth2/authorize',
  token_url: 'https://api.dropboxapi.com/oauth2/token',
  userinfo_url: 'https://api.dropboxapi.com/2/users/get_current_account',
  // Dropbox's /2/auth/token/revoke is not RFC 7009: it takes the access token
  // as a bearer credential instead of a `token` form field.
  revocation_url: null,
  issuer: null,
  client_auth_method: 'client_secret_basic',
  pkce: true,
  // With no scope parameter Dropbox grants the scopes ticked in the App Console.
  scopes: [],
  scope_separator: ' ',
  // Without it Dropbox issues no refresh token at all.
  authorization_params: { token_access_type: 'offline' },
  token_params: {},
  // RPC endpoint: POST only, and the body must be the JSON literal `null`.
  userinfo: {
    method: 'POST',
    body: 'null',
    user_id: ['/account_id'],
    email: ['/email'],
    display_name: ['/name/display_name'],
  },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 14400,
  // Long-lived: only revocation ends it, and refresh answers carry no new one.
  refresh_token_idle_seconds: null,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
