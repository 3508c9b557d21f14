import { DAY, definePreset } from './define.js';

export const quickbooks = definePreset({
  id: 'quickbooks',
  display_name: 'QuickBooks Online',
  description:
    'A QuickBooks Online company; create an app on the Intuit Developer Platform with the accounting scope.',
  docs_url:
    'https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0',
  authorization_url: 'https://appcenter.intuit.com/connect/oauth2',
  token_url: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  userinfo_url: 'https://accounts.platform.intuit.com/v1/openid_connect/userinfo',
  // Intuit's revoke endpoint takes a JSON body, not RFC 7009's form.
  revocation_url: null,
  // Intuit documents no PKCE.
  pkce: false,
  // The company every accounting call names comes back only on the redirect, as `realmId`.
  callback_metadata: { realm_id: 'realmId' },
  scopes: ['com.intuit.quickbooks.accounting', 'openid', 'profile', 'email'],
  userinfo: { user_id: ['/sub'], email: ['/email'], display_name: ['/givenName'] },
  // Access tokens: 1 hour. Refresh tokens: 100 days rolling (renewed by use, sometimes rotated) and at most
  // five years (the answer's `x_refresh_token_expires_in` is Intuit's own name, not read).
  refresh_token_idle_seconds: 100 * DAY,
  refresh_token_max_seconds: 5 * 365 * DAY,
});
