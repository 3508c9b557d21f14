import { DAY, definePreset } from './define.js';

export const atlassian = definePreset({
  id: 'atlassian',
  display_name: 'Atlassian (Jira, Confluence)',
  description:
    'Atlassian Cloud as the signed-in user; create an OAuth 2.0 (3LO) integration and add product scopes.',
  docs_url: 'https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/',
  authorization_url: 'https://auth.atlassian.com/authorize',
  token_url: 'https://auth.atlassian.com/oauth/token',
  userinfo_url: 'https://api.atlassian.com/me',
  client_auth_method: 'client_secret_post',
  // Atlassian's 3LO documents no code_challenge parameter.
  pkce: false,
  scopes: ['read:me', 'offline_access'],
  // Both are required by Atlassian's 3LO authorization request.
  authorization_params: { audience: 'api.atlassian.com', prompt: 'consent' },
  userinfo: { user_id: ['/account_id'], email: ['/email'], display_name: ['/name', '/nickname'] },
  // Every product API call names the site's cloud id: the first site the grant reaches (a grant
  // reaching several sites gives the first one the list names).
  metadata_requests: [
    {
      url: 'https://api.atlassian.com/oauth/token/accessible-resources',
      metadata: { cloud_id: '/0/id', site_url: '/0/url' },
    },
  ],
  // Rotating: dies after 90 days unused, and 365 days after the grant whatever its use.
  refresh_token_idle_seconds: 90 * DAY,
  refresh_token_max_seconds: 365 * DAY,
});
