import { DAY, definePreset } from './define.js';

export const github = definePreset({
  id: 'github',
  display_name: 'GitHub',
  description: 'GitHub as the signed-in user; register an OAuth app (or a GitHub App with expiring tokens).',
  docs_url: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
  authorization_url: 'https://github.com/login/oauth/authorize',
  token_url: 'https://github.com/login/oauth/access_token',
  userinfo_url: 'https://api.github.com/user',
  // GitHub revokes through DELETE /applications/{client_id}/grant, not RFC 7009.
  revocation_url: null,
  client_auth_method: 'client_secret_post',
  scopes: ['read:user', 'user:email'],
  // `email` is null when the user keeps it private; `name` may be unset.
  userinfo: { user_id: ['/id'], email: ['/email'], display_name: ['/name', '/login'] },
  // OAuth-app tokens carry no expires_in and live until revoked.
  default_token_lifetime_seconds: null,
  // OAuth apps have no refresh token. GitHub Apps' user tokens: 6 months, stated in each answer's
  // `refresh_token_expires_in` and renewed by a refresh.
  refresh_token_idle_seconds: 180 * DAY,
  // Bad codes and refresh tokens come back as 200 with an `error` field.
  token_errors_with_200: true,
  // A GitHub App's expired, used or revoked refresh token: `bad_refresh_token`.
  refresh_grant_dead_errors: [{ error: 'bad_refresh_token' }],
});
