import { DAY, DNS_NAME_PATTERN, definePreset } from './define.js';

// {domain}: the tenant's domain (tenant.eu.auth0.com or a custom domain), a per-connection parameter.
export const auth0 = definePreset({
  id: 'auth0',
  display_name: 'Auth0',
  description:
    "An Auth0 tenant's users; create a Regular Web Application and allow offline access on the API.",
  docs_url:
    'https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow',
  connection_params: {
    domain: {
      // A DNS name, lowercase, no port: the tenant's auth0.com domain or its custom domain.
      pattern: DNS_NAME_PATTERN,
      description: "the Auth0 tenant's domain: acme.eu.auth0.com, or the tenant's custom domain",
    },
  },
  authorization_url: 'https://{domain}/authorize',
  token_url: 'https://{domain}/oauth/token',
  userinfo_url: 'https://{domain}/userinfo',
  // Revokes a refresh token (and the grant's other refresh tokens); RFC 7009 form fields.
  revocation_url: 'https://{domain}/oauth/revoke',
  // Regular Web Applications default to client_secret_post in Auth0's dashboard.
  client_auth_method: 'client_secret_post',
  // offline_access gives a refresh token only when the API allows offline access.
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  userinfo: { user_id: ['/sub'], email: ['/email'], display_name: ['/name', '/nickname'] },
  // Access tokens for the userinfo audience: 86400 s by default (the answer carries expires_in).
  default_token_lifetime_seconds: 86400,
  // Non-rotating refresh tokens live until revoked; with rotation, Auth0's defaults are 15 days of inactivity
  // and 30 days in all: renew within the inactivity limit, and set refresh_token_max_seconds (2592000) for a
  // tenant with an absolute lifetime.
  refresh_token_idle_seconds: 15 * DAY,
});
