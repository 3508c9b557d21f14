import { DAY, definePreset } from './define.js';

export const box = definePreset({
  id: 'box',
  display_name: 'Box',
  description: 'Box files; create a Platform App with User Authentication (OAuth 2.0).',
  docs_url: 'https://developer.box.com/guides/authentication/oauth2/',
  authorization_url: 'https://account.box.com/api/oauth2/authorize',
  token_url: 'https://api.box.com/oauth2/token',
  userinfo_url: 'https://api.box.com/2.0/users/me',
  revocation_url: 'https://api.box.com/oauth2/revoke',
  client_auth_method: 'client_secret_post',
  // Box documents no code_challenge on its authorize endpoint.
  pkce: false,
  // With no scope parameter Box grants the scopes set in the Developer Console.
  userinfo: { user_id: ['/id'], email: ['/login'], display_name: ['/name'] },
  // 60 days, single use: every refresh rotates it, which also renews it.
  refresh_token_idle_seconds: 60 * DAY,
});
