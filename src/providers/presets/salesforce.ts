import type { Preset } from '../model.js';

const DAY = 86_400;

export const salesforce: Preset = {
  id: 'salesforce',
  display_name: 'Salesforce',
  description:
    'Salesforce production orgs; create a connected app with the api, refresh_token and openid scopes.',
  docs_url:
    'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_defining_remote_access_applications.htm',
  // Sandboxes use test.salesforce.com in place of login.salesforce.com.
  authorization_url: 'https://login.salesforce.com/services/oauth2/authorize',
  token_url: 'https://login.salesforce.com/services/oauth2/token',
  userinfo_url: 'https://login.salesforce.com/services/oauth2/userinfo',
  revocation_url: 'https://login.salesforce.com/services/oauth2/revoke',
  issuer: null,
  client_auth_method: 'client_secret_post',
  pkce: true,
  scopes: ['api', 'refresh_token', 'openid', 'email', 'profile'],
  scope_separator: ' ',
  authorization_params: {},
  token_params: {},
  userinfo: {
    method: 'GET',
    user_id: ['/user_id', '/sub'],
    email: ['/email'],
    display_name: ['/name', '/preferred_username'],
  },
  expiry_buffer_seconds: 300,
  // Token answers carry no expires_in: the lifetime is the org's session
  // timeout (15 minutes to 24 hours, 2 hours by default). Assume one hour.
  default_token_lifetime_seconds: 3600,
  // Valid until revoked, unless the org sets an idle policy the broker cannot see: assume a day.
  refresh_token_idle_seconds: DAY,
  refresh_token_max_seconds: null,
  token_errors_with_200: false,
};
