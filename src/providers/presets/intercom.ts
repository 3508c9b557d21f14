import { definePreset } from './define.js';

export const intercom = definePreset({
  id: 'intercom',
  display_name: 'Intercom',
  description:
    'An Intercom workspace as the installing admin; enable OAuth in the Developer Hub and pick permissions.',
  docs_url:
    'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth',
  authorization_url: 'https://app.intercom.com/oauth',
  token_url: 'https://api.intercom.io/auth/eagle/token',
  userinfo_url: 'https://api.intercom.io/me',
  // Access is revoked by uninstalling the app; there is no RFC 7009 endpoint.
  revocation_url: null,
  client_auth_method: 'client_secret_post',
  // Intercom documents no PKCE. No scopes: permissions are set in the Developer Hub.
  pkce: false,
  userinfo: { user_id: ['/id'], email: ['/email'], display_name: ['/name'] },
  // Access tokens do not expire and come without a refresh token.
  default_token_lifetime_seconds: null,
  refresh_token_idle_seconds: null,
});
