/**
 * What a provider is, as plain types. Everything that differs between
 * providers is data here, so the connect and refresh flows never branch on a
 * provider's name.
 */

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** How to read the connected account from the provider's userinfo answer. */
export interface UserinfoSettings {
  /** Dropbox answers userinfo on POST only. */
  method: 'GET' | 'POST';
  /**
   * Raw request body for a POST userinfo call, sent as JSON. Dropbox wants the
   * literal `null`; `undefined` sends no body at all.
   */
  body?: string;
  /** RFC 6901 JSON Pointers into the userinfo JSON, tried in order. */
  user_id: string[];
  email: string[];
  display_name: string[];
}

/** The part of a provider a preset can fill: everything but the client credentials. */
export interface ProviderTemplate {
  display_name: string;
  authorization_url: string;
  token_url: string;
  userinfo_url: string | null;
  revocation_url: string | null;
  /** RFC 9207: the `iss` the provider sends on its authorization response, if it does. */
  issuer: string | null;
  client_auth_method: ClientAuthMethod;
  /** Off only for providers that cannot do PKCE (S256). */
  pkce: boolean;
  scopes: string[];
  scope_separator: ' ' | ',';
  authorization_params: Record<string, string>;
  token_params: Record<string, string>;
  userinfo: UserinfoSettings;
  /** Refresh this many seconds before the access token expires. */
  expiry_buffer_seconds: number;
  /**
   * Lifetime to assume when a token answer has no `expires_in` (Salesforce,
   * Zendesk). `null` means such tokens do not expire (GitHub OAuth apps).
   */
  default_token_lifetime_seconds: number | null;
  /**
   * A refresh token unused this long dies (Microsoft 90 days, Xero and Box 60):
   * idle grants are renewed before that. Null: it does not die of inactivity.
   */
  refresh_token_idle_seconds: number | null;
  /** A grant dies this long after the user granted it, whatever its use (Atlassian 365 days). Null: no such end. */
  refresh_token_max_seconds: number | null;
  /** GitHub answers some token errors with status 200 and an `error` field. */
  token_errors_with_200: boolean;
}

export interface Preset extends ProviderTemplate {
  /** Stable slug used as `preset` on create and as the default `provider_id`. */
  id: string;
  /** One line for the admin: what the preset connects to and what to register. */
  description: string;
  /** Where the admin registers an app to get client credentials. */
  docs_url: string;
}
