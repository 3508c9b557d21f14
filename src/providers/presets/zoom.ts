import { DAY, definePreset } from './define.js';

export const zoom = definePreset({
  id: 'zoom',
  display_name: 'Zoom',
  description: 'Zoom as the signed-in user; create a user-managed General app with the user:read:user scope.',
  docs_url: 'https://developers.zoom.us/docs/integrations/oauth/',
  authorization_url: 'https://zoom.us/oauth/authorize',
  token_url: 'https://zoom.us/oauth/token',
  userinfo_url: 'https://api.zoom.us/v2/users/me',
  revocation_url: 'https://zoom.us/oauth/revoke',
  // Zoom grants the scopes chosen in the app's Marketplace configuration.
  userinfo: { user_id: ['/id'], email: ['/email'], display_name: ['/display_name', '/first_name'] },
  // 90 days, rotated on every refresh.
  refresh_token_idle_seconds: 90 * DAY,
});
