import { DAY, DNS_NAME_PATTERN, definePreset } from './define.js';

// {domain}: the Okta org's domain (example.okta.com or a custom domain), a per-connection parameter.
// The `default` custom authorization server: the org server gives no refresh tokens for its own API.
const SERVER = 'https://{domain}/oauth2/default';

export const okta = definePreset({
  id: 'okta',
  display_name: 'Okta',
  description:
    "An Okta org's users; create an OIDC Web Application with the Authorization Code and Refresh Token grants.",
  docs_url: 'https://developer.okta.com/docs/guides/implement-grant-type/authcode/main/',
  connection_params: {
    domain: {
      // A DNS name, lowercase, no port: the org's okta.com domain or its custom domain.
      pattern: DNS_NAME_PATTERN,
      description: "the Okta org's domain: example.okta.com, or the org's custom domain",
    },
  },
  authorization_url: `${SERVER}/v1/authorize`,
  token_url: `${SERVER}/v1/token`,
  userinfo_url: `${SERVER}/v1/userinfo`,
  revocation_url: `${SERVER}/v1/revoke`,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  userinfo: { user_id: ['/sub'], email: ['/email'], display_name: ['/name', '/preferred_username'] },
  // The default access policy: access tokens 1 hour; refresh tokens unlimited but dead after 7 days unused.
  refresh_token_idle_seconds: 7 * DAY,
});
