import { definePreset } from './define.js';

export const discord = definePreset({
  id: 'discord',
  display_name: 'Discord',
  description: 'Discord as the signed-in user; create an application and add the redirect under OAuth2.',
  docs_url: 'https://discord.com/developers/docs/topics/oauth2',
  authorization_url: 'https://discord.com/oauth2/authorize',
  token_url: 'https://discord.com/api/oauth2/token',
  userinfo_url: 'https://discord.com/api/users/@me',
  revocation_url: 'https://discord.com/api/oauth2/token/revoke',
  // Discord's authorization server metadata (/.well-known/oauth-authorization-server) lists S256 PKCE and
  // client_secret_basic, client_secret_post and none at the token endpoint: PKCE with the secret as Basic.
  scopes: ['identify', 'email'],
  // `global_name` is the display name; it is null for users who never set one.
  userinfo: { user_id: ['/id'], email: ['/email'], display_name: ['/global_name', '/username'] },
  // Access tokens: 7 days (expires_in 604800). Refresh tokens end only when the user removes the app
  // (community answers; Discord's page states no lifetime).
  default_token_lifetime_seconds: 604800,
  refresh_token_idle_seconds: null,
});
