import type { TokenEndpointResponse } from 'oauth4webapi';
import type { ProviderTemplate } from '../providers/model.js';

/** What the broker keeps of a token answer. */
export interface TokenSet {
  accessToken: string;
  /** Null when the answer had none: a refresh keeps the stored one. */
  refreshToken: string | null;
  tokenType: string;
  /** Epoch ms; null when the token does not expire. */
  expiresAt: number | null;
  /** Null when the provider did not say which scopes it granted. */
  scopes: string[] | null;
  /** Epoch ms; when the answer stated the refresh token's lifetime (`refresh_token_expires_in`: GitHub Apps, an IETF draft). */
  refreshTokenExpiresAt: number | null;
}

export function toTokenSet(
  answer: TokenEndpointResponse,
  provider: Pick<ProviderTemplate, 'default_token_lifetime_seconds' | 'scope_separator'>,
  now: number,
): TokenSet {
  // No expires_in is not "never expires": assume the provider's configured
  // lifetime, so the token is refreshed (or checked) before it silently dies.
  const lifetime =
    typeof answer.expires_in === 'number' ? answer.expires_in : provider.default_token_lifetime_seconds;
  return {
    accessToken: answer.access_token,
    refreshToken: typeof answer.refresh_token === 'string' ? answer.refresh_token : null,
    tokenType: answer.token_type === 'bearer' ? 'Bearer' : answer.token_type,
    expiresAt: lifetime === null ? null : now + Math.max(0, lifetime) * 1000,
    scopes: typeof answer.scope === 'string' ? splitScopes(answer.scope) : null,
    refreshTokenExpiresAt:
      typeof answer.refresh_token_expires_in === 'number' && answer.refresh_token_expires_in > 0
        ? now + answer.refresh_token_expires_in * 1000
        : null,
  };
}

// Providers answer with spaces even when they take commas (and vice versa).
function splitScopes(scope: string): string[] {
  return scope.split(/[\s,]+/).filter(Boolean);
}
