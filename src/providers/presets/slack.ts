import { definePreset } from './define.js';

export const slack = definePreset({
  id: 'slack',
  display_name: 'Slack',
  description:
    'A Slack workspace (bot token); create an app with the bot scopes it needs and turn on token rotation.',
  docs_url: 'https://docs.slack.dev/authentication/installing-with-oauth',
  authorization_url: 'https://slack.com/oauth/v2/authorize',
  token_url: 'https://slack.com/api/oauth.v2.access',
  // The bot token names the workspace in the token answer (`team`, or `enterprise` for an org-wide install);
  // the installing user's own token would come nested under `authed_user`, which the broker does not read.
  userinfo_url: null,
  // auth.revoke takes the token as its bearer credential: not RFC 7009.
  revocation_url: null,
  // Slack asks for HTTP Basic over client_id/client_secret fields; it documents no PKCE for this flow.
  pkce: false,
  scopes: ['users:read'],
  scope_separator: ',',
  userinfo: { user_id: ['/team/id', '/enterprise/id'], display_name: ['/team/name', '/enterprise/name'] },
  // The workspace (and, for an org-wide install, the enterprise) the bot token acts in; the bot's own user.
  token_response_metadata: {
    team_id: '/team/id',
    team_name: '/team/name',
    enterprise_id: '/enterprise/id',
    bot_user_id: '/bot_user_id',
  },
  // Without token rotation, tokens never expire and carry no expires_in; with it, 12 hours (stated) and
  // single-use refresh tokens, whose idle lifetime is not documented (a day assumed).
  default_token_lifetime_seconds: null,
  // Errors come as HTTP 200 with {"ok": false, "error": "invalid_code"}.
  token_errors_with_200: true,
  // oauth.v2.access names a dead (used, revoked or uninstalled) refresh token `invalid_refresh_token`.
  refresh_grant_dead_errors: [{ error: 'invalid_refresh_token' }],
});
