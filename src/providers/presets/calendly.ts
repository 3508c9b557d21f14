import { definePreset } from './define.js';

export const calendly = definePreset({
  id: 'calendly',
  display_name: 'Calendly',
  description: 'Calendly as the signed-in user; create an OAuth app (web) in the Calendly developer portal.',
  docs_url: 'https://developer.calendly.com/how-to-access-calendly-data-on-behalf-of-authenticated-users',
  authorization_url: 'https://auth.calendly.com/oauth/authorize',
  token_url: 'https://auth.calendly.com/oauth/token',
  userinfo_url: 'https://api.calendly.com/users/me',
  revocation_url: 'https://auth.calendly.com/oauth/revoke',
  // The token endpoint's reference: web clients send client_id and client_secret as HTTP Basic (native
  // clients, without a secret, send client_id in the body).
  client_auth_method: 'client_secret_basic',
  // POST /oauth/revoke's reference: client_id, client_secret and token, all form fields.
  revocation_auth_method: 'client_secret_post',
  // Calendly asks every OAuth app to use PKCE with S256. No scopes: the app's configured ones.
  // The user is a resource named by its URI; `uri` is its stable id.
  userinfo: { user_id: ['/resource/uri'], email: ['/resource/email'], display_name: ['/resource/name'] },
  // Access tokens: 2 hours. Refresh tokens do not expire until used, and are single use (rotated).
  default_token_lifetime_seconds: 7200,
  refresh_token_idle_seconds: null,
});
