import type { Preset } from '../model.js';

const DAY = 86_400;

export const google: Preset = {
  id: 'google',
  display_name: 'Google Drive',
  description:
    'Google Drive files the app creates or opens (drive.file); create an OAuth client of type Web application.',
  docs_url: 'https://console.cloud.google.com/apis/credentials',
  authorization_url: 'https://accounts.google.com/o/oauth2/v2/auth',
  token_url: 'https://oauth2.googleapis.com/token',
  userinfo_url: 'https://openidconnect.googleapis.com/v1/userinfo',
  revocation_url: 'https://oauth2.googleapis.com/revoke',
  // Google sends `iss` on the authorization response, though its discovery
  // document does not advertise authorization_response_iss_parameter_supported.
  issuer: 'https://accounts.google.com',
  client_auth_method: 'client_secret_post',
  pkce: true,
  scopes: ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/drive.file'],
  scope_separator: ' ',
  // A refresh token comes back only with access_type=offline, and only on the
  // first consent unless the consent screen is shown again.
  authorization_params: { access_type: 'offline', prompt: 'consent' },
  token_params: {},
  userinfo: { method: 'GET', user_id: ['/sub'], email: ['/email'], display_name: ['/name'] },
  expiry_buffer_seconds: 300,
  default_token_lifetime_seconds: 3600,
  // Unused for six months, a refresh token dies; for apps in "testing" publishing status it dies after 7 days
  // whatever its use: set both fields to 7 * DAY for such an app.
  refresh_token_idle_seconds: 180 * DAY,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
