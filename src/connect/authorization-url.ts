import { calculatePKCECodeChallenge } from 'oauth4webapi';
import { readsIdToken } from '../oauth/account.js';
import type { ProviderRecord } from '../providers/store.js';

/** The broker's own callback for a provider: one per provider, against mix-up attacks (RFC 9700 §4.4). */
export function callbackUrl(publicUrl: string, providerId: string): string {
  return `${publicUrl}/oauth/callback/${providerId}`;
}

/** The provider's authorization URL for one request of a connect session. */
export async function buildAuthorizationUrl(
  provider: ProviderRecord,
  request: {
    redirectUri: string;
    scopes: string[];
    state: string;
    codeVerifier: string | null;
    /** Sent when the account is read from the ID token, which must echo it. */
    nonce: string | null;
  },
): Promise<string> {
  const url = new URL(provider.authorization_url);
  // The provider's own extra parameters first; the flow's parameters win (they
  // are also refused when a provider is saved).
  for (const [name, value] of Object.entries(provider.authorization_params))
    url.searchParams.set(name, value);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', provider.client_id);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('state', request.state);
  // An ID token comes only with `openid`, whatever scopes the session asked for.
  const scopes =
    readsIdToken(provider) && !request.scopes.includes('openid')
      ? ['openid', ...request.scopes]
      : request.scopes;
  // Some providers grant what the app is configured for and take no scope at all.
  if (scopes.length > 0) url.searchParams.set('scope', scopes.join(provider.scope_separator));
  if (request.nonce !== null) url.searchParams.set('nonce', request.nonce);
  if (request.codeVerifier !== null) {
    url.searchParams.set('code_challenge', await calculatePKCECodeChallenge(request.codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}
