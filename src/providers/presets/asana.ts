import { definePreset } from './define.js';

export const asana = definePreset({
  id: 'asana',
  display_name: 'Asana',
  description:
    'Asana as the signed-in user; create an app in the developer console and pick its OAuth scopes.',
  docs_url: 'https://developers.asana.com/docs/oauth',
  authorization_url: 'https://app.asana.com/-/oauth_authorize',
  token_url: 'https://app.asana.com/-/oauth_token',
  userinfo_url: 'https://app.asana.com/api/1.0/users/me',
  // Form fields token, client_id and client_secret, as RFC 7009 with client_secret_post.
  revocation_url: 'https://app.asana.com/-/oauth_revoke',
  client_auth_method: 'client_secret_post',
  // No scopes: Asana grants what the app is configured for (or full access for apps created before scopes).
  // Asana's REST answers wrap every object in `data`.
  userinfo: { user_id: ['/data/gid'], email: ['/data/email'], display_name: ['/data/name'] },
  // Access tokens: one hour (expires_in 3600, the default). Refresh tokens: no lifetime documented on the pages
  // checked; kept alive as an unknown provider's (a day).
});
