import { DAY, DNS_NAME_PATTERN, definePreset } from './define.js';

// {host} and {realm}: the server's host name (and port) and the realm, per-connection parameters.
const REALM = 'https://{host}/realms/{realm}';

export const keycloak = definePreset({
  id: 'keycloak',
  display_name: 'Keycloak',
  description:
    'A self-hosted Keycloak realm; create a confidential OpenID Connect client with the standard flow.',
  docs_url: 'https://www.keycloak.org/securing-apps/oidc-layers',
  connection_params: {
    host: {
      // A DNS name, lowercase, with an optional port.
      pattern: `${DNS_NAME_PATTERN}(?::[0-9]{1,5})?`,
      description: "the Keycloak server's host name, with its port if not 443: sso.example.com",
    },
    realm: {
      pattern: '[A-Za-z0-9][A-Za-z0-9_.-]{0,63}',
      description: 'the realm name, as in /realms/<realm>: acme',
    },
  },
  authorization_url: `${REALM}/protocol/openid-connect/auth`,
  token_url: `${REALM}/protocol/openid-connect/token`,
  userinfo_url: `${REALM}/protocol/openid-connect/userinfo`,
  revocation_url: `${REALM}/protocol/openid-connect/revoke`,
  // Keycloak sends `iss` on the authorization response (RFC 9207); the issuer has the realm's path.
  issuer: REALM,
  // offline_access: an offline token, which outlives the SSO session (30 minutes idle by default).
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  userinfo: { user_id: ['/sub'], email: ['/email'], display_name: ['/name', '/preferred_username'] },
  // Access tokens: 5 minutes by default (the answer carries expires_in; the refresh rule caps the buffer).
  default_token_lifetime_seconds: 300,
  // Offline session idle: 30 days by default; no maximum unless the realm limits offline sessions.
  refresh_token_idle_seconds: 30 * DAY,
});
