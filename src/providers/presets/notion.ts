import { definePreset } from './define.js';

export const notion = definePreset({
  id: 'notion',
  display_name: 'Notion',
  description: 'Pages a Notion user shares with a public connection; create a public integration (OAuth).',
  docs_url: 'https://developers.notion.com/docs/authorization',
  authorization_url: 'https://api.notion.com/v1/oauth/authorize',
  token_url: 'https://api.notion.com/v1/oauth/token',
  // Notion's API (userinfo included) wants a Notion-Version header a provider cannot set; the token answer
  // itself names the authorization, the workspace and the user who granted it.
  userinfo_url: null,
  // Notion's revocation takes a JSON body, not RFC 7009's form.
  revocation_url: null,
  // Notion documents HTTP Basic for its OAuth endpoints and no PKCE.
  pkce: false,
  // Required by Notion: the grant belongs to the user, not to the workspace.
  authorization_params: { owner: 'user' },
  // bot_id is "an identifier for this authorization": one per workspace the user connects.
  userinfo: {
    user_id: ['/bot_id'],
    email: ['/owner/user/person/email'],
    display_name: ['/owner/user/name', '/workspace_name'],
  },
  // The documented answer has no expires_in; tokens answered without one are taken as not expiring. Refresh
  // tokens rotate on every refresh; no lifetime is documented on the pages checked (a day assumed).
  default_token_lifetime_seconds: null,
});
