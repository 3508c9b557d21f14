import { DAY, definePreset } from './define.js';

const DOCS = 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm&type=5';

/** Salesforce production orgs and sandboxes differ only in their login host. */
function salesforceAt(id: string, host: string, which: string) {
  return definePreset({
    id,
    display_name: id === 'salesforce' ? 'Salesforce' : 'Salesforce (sandbox)',
    description: `Salesforce ${which}; create a connected app with the api, refresh_token and openid scopes.`,
    docs_url: DOCS,
    authorization_url: `https://${host}/services/oauth2/authorize`,
    token_url: `https://${host}/services/oauth2/token`,
    userinfo_url: `https://${host}/services/oauth2/userinfo`,
    revocation_url: `https://${host}/services/oauth2/revoke`,
    // Revocation takes the token alone: the secret is not sent where it is not asked for.
    revocation_auth_method: 'none',
    client_auth_method: 'client_secret_post',
    scopes: ['api', 'refresh_token', 'openid', 'email', 'profile'],
    userinfo: {
      user_id: ['/user_id', '/sub'],
      email: ['/email'],
      display_name: ['/name', '/preferred_username'],
    },
    // Token answers carry no expires_in: the lifetime is the org's session timeout (15 minutes to 24 hours,
    // 2 hours by default). Assume one hour.
    default_token_lifetime_seconds: 3600,
    // Every API call goes to the org's own host, in every token answer (refreshes too: an org can move).
    token_response_metadata: { instance_url: '/instance_url' },
    // Valid until revoked, unless the org sets an idle policy the broker cannot see: assume a day.
    refresh_token_idle_seconds: DAY,
  });
}

export const salesforce = salesforceAt('salesforce', 'login.salesforce.com', 'production orgs');
export const salesforceSandbox = salesforceAt('salesforce-sandbox', 'test.salesforce.com', 'sandboxes');
