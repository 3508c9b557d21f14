import { definePreset } from './define.js';

export const hubspot = definePreset({
  id: 'hubspot',
  display_name: 'HubSpot',
  description: 'A HubSpot account (portal); create a public app and copy its required scopes here.',
  docs_url: 'https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide',
  authorization_url: 'https://app.hubspot.com/oauth/authorize',
  // The v3 endpoints take every parameter in the form body (v1 is deprecated from February 2027). The answer's
  // shape is documented as v1's (access_token, refresh_token, expires_in), not checked against a live v3 answer.
  token_url: 'https://api.hubapi.com/oauth/v3/token',
  // HubSpot's token metadata endpoints put the token in the URL path (v1) or need the client secret (v3
  // introspection); the account details endpoint takes the access token as a bearer credential. It names the
  // portal, not the user: a HubSpot connection is an app installed in one portal. Needs no extra scope
  // (not checked).
  userinfo_url: 'https://api.hubapi.com/account-info/v3/details',
  // HubSpot deletes refresh tokens with DELETE /oauth/v1/refresh-tokens/{token}: not RFC 7009.
  revocation_url: null,
  client_auth_method: 'client_secret_post',
  // The token answer and the authorization form both accept code_verifier / code_challenge.
  scopes: ['oauth'],
  userinfo: { user_id: ['/portalId'], display_name: ['/uiDomain'] },
  // Access tokens: 30 minutes. Refresh tokens are long-lived (until the app is uninstalled).
  default_token_lifetime_seconds: 1800,
  refresh_token_idle_seconds: null,
  // A dead refresh token (app uninstalled, access revoked) is answered with HTTP 400 and no OAuth `error`:
  // `{"status": "BAD_REFRESH_TOKEN", "message": "missing or invalid refresh token", ...}` (reported by
  // integrators, not on HubSpot's reference pages).
  refresh_grant_dead_errors: [{ error: 'BAD_REFRESH_TOKEN', field: 'status', status: 400 }],
});
