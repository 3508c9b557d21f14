import { DAY, definePreset } from './define.js';

export const spotify = definePreset({
  id: 'spotify',
  display_name: 'Spotify',
  description: 'Spotify Web API as the signed-in user; create an app in the Spotify developer dashboard.',
  docs_url: 'https://developer.spotify.com/documentation/web-api/tutorials/code-flow',
  authorization_url: 'https://accounts.spotify.com/authorize',
  token_url: 'https://accounts.spotify.com/api/token',
  userinfo_url: 'https://api.spotify.com/v1/me',
  // Spotify offers PKCE only as the flow for clients without a secret.
  pkce: false,
  scopes: ['user-read-email', 'user-read-private'],
  userinfo: { user_id: ['/id'], email: ['/email'], display_name: ['/display_name', '/id'] },
  // Not documented to expire; assume a day, the unknown provider's default, rather than lose a grant.
  refresh_token_idle_seconds: DAY,
});
