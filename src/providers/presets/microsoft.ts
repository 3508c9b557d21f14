import { DAY, definePreset } from './define.js';

export const microsoft = definePreset({
  id: 'microsoft',
  display_name: 'Microsoft OneDrive',
  description: 'OneDrive through Microsoft Graph, for work, school and personal accounts (multi-tenant app).',
  docs_url: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow',
  authorization_url: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  token_url: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  userinfo_url: 'https://graph.microsoft.com/v1.0/me',
  // The identity platform has no RFC 7009 revocation endpoint.
  revocation_url: null,
  client_auth_method: 'client_secret_post',
  scopes: ['offline_access', 'Files.ReadWrite', 'User.Read'],
  // Personal accounts often have no `mail`; `userPrincipalName` is always set.
  userinfo: { user_id: ['/id'], email: ['/mail', '/userPrincipalName'], display_name: ['/displayName'] },
  // Entra: 90 days, renewed on every use (24 hours for single-page apps); AADSTS700082 when one idled out.
  refresh_token_idle_seconds: 90 * DAY,
  // MFA or a Conditional Access policy now wants the user (AADSTS50076, AADSTS50079): a silent refresh
  // cannot succeed until they sign in again.
  refresh_grant_dead_errors: [{ error: 'interaction_required' }],
});
