import { definePreset } from './define.js';

export const dropbox = definePreset({
  id: 'dropbox',
  display_name: 'Dropbox',
  description: 'Dropbox files; register a scoped app with the scopes it needs, including account_info.read.',
  docs_url: 'https://developers.dropbox.com/oauth-guide',
  authorization_url: 'https://www.dropbox.com/oauth2/authorize',
  token_url: 'https://api.dropboxapi.com/oauth2/token',
  userinfo_url: 'https://api.dropboxapi.com/2/users/get_current_account',
  // Dropbox's /2/auth/token/revoke is not RFC 7009: it takes the access token
  // as a bearer credential instead of a `token` form field.
  revocation_url: null,
  // No scopes: with no scope parameter Dropbox grants the scopes ticked in the App Console.
  // Without token_access_type Dropbox issues no refresh token at all.
  authorization_params: { token_access_type: 'offline' },
  // RPC endpoint: POST only, and the body must be the JSON literal `null`.
  userinfo: {
    method: 'POST',
    body: 'null',
    user_id: ['/account_id'],
    email: ['/email'],
    display_name: ['/name/display_name'],
  },
  default_token_lifetime_seconds: 14400,
  // Long-lived: only revocation ends it, and refresh answers carry no new one.
  refresh_token_idle_seconds: null,
});
