import { DAY, definePreset } from './define.js';

export const gitlab = definePreset({
  id: 'gitlab',
  display_name: 'GitLab',
  description: 'GitLab.com as the signed-in user; add an application under User settings > Applications.',
  docs_url: 'https://docs.gitlab.com/api/oauth2/',
  authorization_url: 'https://gitlab.com/oauth/authorize',
  token_url: 'https://gitlab.com/oauth/token',
  userinfo_url: 'https://gitlab.com/api/v4/user',
  revocation_url: 'https://gitlab.com/oauth/revoke',
  client_auth_method: 'client_secret_post',
  scopes: ['read_user'],
  userinfo: { user_id: ['/id'], email: ['/email'], display_name: ['/name', '/username'] },
  default_token_lifetime_seconds: 7200,
  // Not documented to die of inactivity; rotated on every refresh. Assume a day, the unknown provider's default.
  refresh_token_idle_seconds: DAY,
});
