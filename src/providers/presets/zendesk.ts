import { DAY, definePreset } from './define.js';

// {subdomain}: the account's zendesk.com subdomain, a per-connection parameter.
export const zendesk = definePreset({
  id: 'zendesk',
  display_name: 'Zendesk',
  description:
    'A Zendesk Support account as the signed-in user; register a global OAuth client for other accounts.',
  docs_url: 'https://developer.zendesk.com/documentation/api-basics/authentication/refresh-token',
  connection_params: {
    subdomain: {
      pattern: '[a-z0-9][a-z0-9-]{0,62}',
      description: "the account's zendesk.com subdomain: acme for acme.zendesk.com",
    },
  },
  authorization_url: 'https://{subdomain}.zendesk.com/oauth/authorizations/new',
  token_url: 'https://{subdomain}.zendesk.com/oauth/tokens',
  userinfo_url: 'https://{subdomain}.zendesk.com/api/v2/users/me.json',
  // Zendesk revokes with DELETE /api/v2/oauth/tokens/current.json: not RFC 7009.
  revocation_url: null,
  client_auth_method: 'client_secret_post',
  scopes: ['read'],
  // Clients made before Zendesk's refresh tokens get a never-expiring token and no refresh token unless the
  // token request names the lifetimes (Zendesk's default TTLs: 30 minutes and 30 days), on both grants.
  token_params: { expires_in: '1800', refresh_token_expires_in: String(30 * DAY) },
  userinfo: { user_id: ['/user/id'], email: ['/user/email'], display_name: ['/user/name'] },
  // Older answers carry no expires_in: assume Zendesk's default access-token lifetime rather than "never".
  default_token_lifetime_seconds: 1800,
  // Rotated on every refresh, each new one valid 30 days.
  refresh_token_idle_seconds: 30 * DAY,
});
