import { DAY, definePreset } from './define.js';

export const google = definePreset({
  id: 'google',
  display_name: 'Google Drive',
  description:
    'Google Drive files the app creates or opens (drive.file); create an OAuth client of type Web application.',
  docs_url: 'https://developers.google.com/identity/protocols/oauth2/web-server',
  authorization_url: 'https://accounts.google.com/o/oauth2/v2/auth',
  token_url: 'https://oauth2.googleapis.com/token',
  userinfo_url: 'https://openidconnect.googleapis.com/v1/userinfo',
  revocation_url: 'https://oauth2.googleapis.com/revoke',
  // Revocation takes the token alone: the secret is not sent where it is not asked for.
  revocation_auth_method: 'none',
  // Google sends `iss` on the authorization response, though its discovery
  // document does not advertise authorization_response_iss_parameter_supported.
  issuer: 'https://accounts.google.com',
  client_auth_method: 'client_secret_post',
  scopes: ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/drive.file'],
  // A refresh token comes back only with access_type=offline, and only on the
  // first consent unless the consent screen is shown again. include_granted_scopes
  // makes a scope upgrade (connect session with connection_id) keep the scopes granted before.
  authorization_params: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  userinfo: { user_id: ['/sub'], email: ['/email'], display_name: ['/name'] },
  // Unused for six months, a refresh token dies; for apps in "testing" publishing status it dies after 7 days
  // whatever its use: set both fields to 7 * DAY for such an app.
  refresh_token_idle_seconds: 180 * DAY,
});
