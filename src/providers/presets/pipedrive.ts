import { DAY, definePreset } from './define.js';

export const pipedrive = definePreset({
  id: 'pipedrive',
  display_name: 'Pipedrive',
  description:
    'Pipedrive as the installing user; register an app in the Developer Hub and pick its scopes there.',
  docs_url: 'https://pipedrive.readme.io/docs/marketplace-oauth-authorization',
  authorization_url: 'https://oauth.pipedrive.com/oauth/authorize',
  token_url: 'https://oauth.pipedrive.com/oauth/token',
  // The token answer names the company's `api_domain`; the generic API host answers for any company (not
  // checked against a live answer).
  userinfo_url: 'https://api.pipedrive.com/v1/users/me',
  revocation_url: 'https://oauth.pipedrive.com/oauth/revoke',
  // Pipedrive documents HTTP Basic for its token endpoint and no PKCE. No scopes: set in the Developer Hub.
  pkce: false,
  userinfo: { user_id: ['/data/id'], email: ['/data/email'], display_name: ['/data/name'] },
  // Access tokens: about an hour. Refresh tokens die after 60 days unused, and every use renews that (the
  // token endpoint's reference, on its `refresh_token` answer field).
  refresh_token_idle_seconds: 60 * DAY,
});
