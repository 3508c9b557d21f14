import { DAY, definePreset } from './define.js';

export const xero = definePreset({
  id: 'xero',
  display_name: 'Xero',
  description: 'Xero as the signed-in user; create a Web app and add the accounting scopes it needs.',
  docs_url: 'https://developer.xero.com/documentation/guides/oauth2/auth-flow/',
  authorization_url: 'https://login.xero.com/identity/connect/authorize',
  token_url: 'https://identity.xero.com/connect/token',
  userinfo_url: 'https://identity.xero.com/connect/userinfo',
  revocation_url: 'https://identity.xero.com/connect/revocation',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  userinfo: {
    user_id: ['/xero_userid', '/sub'],
    email: ['/email'],
    display_name: ['/name', '/given_name', '/preferred_username'],
  },
  default_token_lifetime_seconds: 1800,
  // Every accounting call carries the organisation in a xero-tenant-id header: the first one the user
  // connected (a user connecting several organisations gives the first one the list names).
  metadata_requests: [
    {
      url: 'https://api.xero.com/connections',
      metadata: { tenant_id: '/0/tenantId', tenant_name: '/0/tenantName' },
    },
  ],
  // 60 days, rotating (the old one stays usable 30 minutes after rotation).
  refresh_token_idle_seconds: 60 * DAY,
});
