import { z } from 'zod';
import { AppError, type FieldIssue } from '../http/errors.js';
import type { UpstreamFetch } from '../upstream/http-client.js';
import type { ClientAuthMethod, ProviderTemplate } from './model.js';
import type { UrlVerdict } from './url-safety.js';

/**
 * OpenID Connect Discovery 1.0: a custom provider given only an `issuer` is
 * filled from `{issuer}/.well-known/openid-configuration`. The document is
 * the provider's word about itself, so it is held to the same rules as an
 * admin's: its `issuer` must be the configured one exactly (§4.3, against a
 * document served for another issuer) and every URL in it must pass the URL
 * safety rules. Its `jwks_uri` is kept even when userinfo is offered: it is
 * what an ID token is checked with once an admin drops the userinfo URL.
 */

export interface DiscoveryDeps {
  fetch: UpstreamFetch;
  checkUrl: (url: string) => Promise<UrlVerdict>;
}

const documentSchema = z.looseObject({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  userinfo_endpoint: z.string().optional(),
  revocation_endpoint: z.string().optional(),
  jwks_uri: z.string().optional(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  authorization_response_iss_parameter_supported: z.boolean().optional(),
});

export type DiscoveredEndpoints = Pick<
  ProviderTemplate,
  | 'authorization_url'
  | 'token_url'
  | 'userinfo_url'
  | 'revocation_url'
  | 'jwks_uri'
  | 'client_auth_method'
  | 'pkce'
>;

/** The well-known address: a trailing `/` of the issuer is dropped before appending (§4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

export async function discoverProvider(deps: DiscoveryDeps, issuer: string): Promise<DiscoveredEndpoints> {
  const fail = (message: string, cause?: unknown) =>
    new AppError('discovery_failed', `OIDC discovery for the issuer failed: ${message}`, {
      issues: [{ pointer: '/issuer', message }],
      cause,
    });
  const verdict = await deps.checkUrl(discoveryUrl(issuer));
  if (!verdict.ok) {
    throw new AppError('url_not_allowed', `issuer URL not allowed: ${verdict.reason}`, {
      issues: [{ pointer: '/issuer', message: verdict.reason }],
    });
  }
  let json: unknown;
  try {
    const response = await deps.fetch(discoveryUrl(issuer), { headers: { accept: 'application/json' } });
    if (!response.ok) throw fail(`the discovery document answered HTTP ${response.status}`);
    json = await response.json();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw fail(error instanceof Error ? error.message : 'the discovery document could not be read', error);
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) throw fail('the discovery document lacks authorization_endpoint or token_endpoint');
  const document = parsed.data;
  if (document.issuer !== issuer) throw fail('the discovery document names another issuer');
  // The account comes from userinfo, or else from an ID token checked against the issuer's keys.
  if (document.userinfo_endpoint === undefined && document.jwks_uri === undefined) {
    throw fail('the discovery document has neither userinfo_endpoint nor jwks_uri');
  }

  const urls = {
    authorization_url: document.authorization_endpoint,
    token_url: document.token_endpoint,
    userinfo_url: document.userinfo_endpoint ?? null,
    revocation_url: document.revocation_endpoint ?? null,
    jwks_uri: document.jwks_uri ?? null,
  };
  const issues: FieldIssue[] = [];
  for (const [field, url] of Object.entries(urls)) {
    if (url === null) continue;
    const checked = await deps.checkUrl(url);
    if (!checked.ok) issues.push({ pointer: `/${field}`, message: `discovered URL: ${checked.reason}` });
  }
  if (issues.length > 0) {
    throw new AppError('url_not_allowed', `a discovered endpoint URL is not allowed: ${issues[0]!.message}`, {
      issues,
    });
  }
  const clientAuth = chooseClientAuth(document.token_endpoint_auth_methods_supported);
  if (clientAuth === null) {
    throw fail('the provider supports none of client_secret_basic, client_secret_post or none');
  }
  return {
    ...urls,
    client_auth_method: clientAuth,
    // Off only when the document lists methods without S256. RFC 8414 §2 reads an absent list as "no
    // PKCE", but many servers that do PKCE leave it out (Microsoft Entra ID), and one that does not
    // ignores the extra parameters (RFC 6749 §3.1, §3.2): sending them costs nothing, omitting them
    // gives up the protection against a stolen code.
    pkce: document.code_challenge_methods_supported?.includes('S256') ?? true,
  };
}

/**
 * The first of basic, post and none that the provider lists (its list has no order of preference;
 * basic is the one RFC 6749 §2.3.1 makes every server support). Absent means basic (OIDC Discovery §3).
 */
export function chooseClientAuth(supported: string[] | undefined): ClientAuthMethod | null {
  const offered = supported ?? ['client_secret_basic'];
  const usable: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
  return usable.find((method) => offered.includes(method)) ?? null;
}
