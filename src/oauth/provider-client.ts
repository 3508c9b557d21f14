import * as oauth from 'oauth4webapi';
import type { ClientAuthMethod } from '../providers/model.js';
import type { ProviderRecord } from '../providers/store.js';
import { ProviderError, UnexpectedResponseError, UpstreamNetworkError } from '../upstream/errors.js';
import type { UpstreamCall, UpstreamFetch } from '../upstream/http-client.js';
import {
  memberCodesOf,
  readErrorBody,
  type WantedMemberCodes,
  wantedMemberCodes,
} from './error-member-codes.js';
import { normaliseTokenResponse } from './token-response.js';
import { type TokenSet, toTokenSet } from './token-set.js';

/**
 * The broker as an OAuth client of one provider, on oauth4webapi. Every
 * request goes through the upstream fetch (address checks, timeout, size cap,
 * no redirects); every failure comes out as one of the upstream errors.
 */

export interface ProviderClientDeps {
  fetch: UpstreamFetch;
  now: () => number;
  /** Development only: lets oauth4webapi talk to http://127.0.0.1 test servers. */
  allowInsecureRequests: boolean;
}

/** A provider with its client secret decrypted, for the length of one call. */
export type ProviderWithSecret = ProviderRecord & { client_secret: string | null };

function metadata(provider: ProviderRecord): oauth.AuthorizationServer {
  return {
    // oauth4webapi needs an issuer; the broker checks `iss` itself (see callback).
    issuer: provider.issuer ?? new URL(provider.token_url).origin,
    authorization_endpoint: provider.authorization_url,
    token_endpoint: provider.token_url,
    revocation_endpoint: provider.revocation_url ?? undefined,
  };
}

function clientAuth(
  provider: ProviderWithSecret,
  method: ClientAuthMethod = provider.client_auth_method,
): oauth.ClientAuth {
  const secret = provider.client_secret ?? '';
  switch (method) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(secret);
    case 'client_secret_post':
      return oauth.ClientSecretPost(secret);
    case 'none':
      return oauth.None();
  }
}

function requestOptions(
  deps: ProviderClientDeps,
  provider: ProviderRecord,
  operation: UpstreamCall['operation'],
  onIdToken?: (idToken: string) => void,
) {
  const call: UpstreamCall = { provider: provider.provider_id, operation };
  return {
    [oauth.allowInsecureRequests]: deps.allowInsecureRequests,
    [oauth.customFetch]: async (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      headers.set('accept', 'application/json');
      // oauth4webapi sets its own user-agent, which would win over the broker's (the upstream fetch keeps a given one).
      headers.delete('user-agent');
      return normaliseTokenResponse(provider, await deps.fetch(url, { ...init, headers }, call), onIdToken);
    },
    additionalParameters: provider.token_params,
  };
}

export async function exchangeCode(
  deps: ProviderClientDeps,
  provider: ProviderWithSecret,
  grant: { code: string; redirectUri: string; codeVerifier: string | null },
): Promise<{ tokens: TokenSet; answer: Record<string, unknown>; idToken: string | null }> {
  const as = metadata(provider);
  const client = { client_id: provider.client_id };
  let idToken: string | null = null;
  return translateErrors(async () => {
    // State and iss were checked by the caller; this only brands the parameters.
    const parameters = oauth.validateAuthResponse(
      as,
      client,
      new URLSearchParams({ code: grant.code }),
      oauth.skipStateCheck,
    );
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth(provider),
      parameters,
      grant.redirectUri,
      grant.codeVerifier ?? oauth.nopkce,
      requestOptions(deps, provider, 'token', (token) => {
        idToken = token;
      }),
    );
    const answer = await oauth.processAuthorizationCodeResponse(as, client, response);
    // The whole answer too: some providers name the account in it (userinfo_url null). The ID token
    // apart, unchecked: the caller checks it when the account is read from it (id-token.ts).
    return {
      tokens: toTokenSet(answer, provider, deps.now()),
      answer: answer as Record<string, unknown>,
      idToken,
    };
  });
}

export async function refreshTokens(
  deps: ProviderClientDeps,
  provider: ProviderWithSecret,
  refreshToken: string,
  /**
   * Hears the whole answer: `token_response_metadata` is read again on every refresh. The ID token, taken
   * out of the answer, comes apart (null when there is none) so that no metadata value can keep it.
   */
  onAnswer?: (answer: Record<string, unknown>, idToken: string | null) => void,
): Promise<TokenSet> {
  const as = metadata(provider);
  const client = { client_id: provider.client_id };
  let idToken: string | null = null;
  // HubSpot-like providers name a dead refresh token outside `error`: those members are read for the classifier.
  const wanted = wantedMemberCodes(provider.refresh_grant_dead_errors);
  return translateErrors(async () => {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth(provider),
      refreshToken,
      requestOptions(deps, provider, 'refresh', (token) => {
        idToken = token;
      }),
    );
    const answer = await oauth.processRefreshTokenResponse(as, client, response);
    onAnswer?.(answer as Record<string, unknown>, idToken);
    return toTokenSet(answer, provider, deps.now());
  }, wanted);
}

/** RFC 7009. Resolves when the provider confirmed; throws an upstream error otherwise. */
export async function revokeToken(
  deps: ProviderClientDeps,
  provider: ProviderWithSecret,
  token: string,
  hint: 'refresh_token' | 'access_token',
): Promise<void> {
  const as = metadata(provider);
  const client = { client_id: provider.client_id };
  // Some providers authenticate clients differently here than at their token endpoint (Calendly).
  const auth = clientAuth(provider, provider.revocation_auth_method ?? provider.client_auth_method);
  await translateErrors(async () => {
    const response = await oauth.revocationRequest(as, client, auth, token, {
      ...requestOptions(deps, provider, 'revoke'),
      additionalParameters: { token_type_hint: hint },
    });
    await oauth.processRevocationResponse(response);
  });
}

const oauthErrorCode = /^[\x21-\x7e]{1,64}$/;

/**
 * Maps oauth4webapi's errors onto the upstream ones, keeping no response body (it may hold tokens): only
 * the OAuth `error` and the `wanted` codes found in other members (ProviderError's memberCodes).
 */
async function translateErrors<T>(fn: () => Promise<T>, wanted: WantedMemberCodes = {}): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof UpstreamNetworkError) throw error;
    if (error instanceof oauth.ResponseBodyError) {
      const code = oauthErrorCode.test(error.error) ? error.error : 'invalid_response';
      throw new ProviderError(code, error.status, `the provider answered ${code} (HTTP ${error.status})`, {
        retryAfterSeconds: retryAfter(error.response),
        memberCodes: memberCodesOf(error.cause, wanted),
      });
    }
    if (error instanceof oauth.WWWAuthenticateChallengeError) {
      const challenge = error.cause[0]?.parameters.error;
      const code = challenge && oauthErrorCode.test(challenge) ? challenge : 'invalid_client';
      throw new ProviderError(code, error.status, `the provider refused the request (HTTP ${error.status})`);
    }
    const refusal = await refusalWithoutOAuthError(error, wanted);
    if (refusal) throw refusal;
    const status = error instanceof oauth.OperationProcessingError ? statusOf(error) : undefined;
    const reason = error instanceof Error ? error.message : 'unknown failure';
    throw new UnexpectedResponseError(`unexpected answer from the provider: ${reason}`, status, {
      retryAfterSeconds: status === undefined ? undefined : retryAfterOf(error),
    });
  }
}

/**
 * A 4xx with no OAuth `error` (oauth4webapi calls it unexpected) that carries a `wanted` code in another
 * member: the provider refused, in its own format. Like oauth4webapi with `error`, a 5xx body is never read.
 */
async function refusalWithoutOAuthError(
  error: unknown,
  wanted: WantedMemberCodes,
): Promise<ProviderError | undefined> {
  if (Object.keys(wanted).length === 0 || !(error instanceof oauth.OperationProcessingError))
    return undefined;
  const response = error.cause;
  if (!(response instanceof Response) || response.status < 400 || response.status > 499) return undefined;
  const memberCodes = memberCodesOf(await readErrorBody(response), wanted);
  if (Object.keys(memberCodes).length === 0) return undefined;
  return new ProviderError(
    null,
    response.status,
    `the provider refused the request (HTTP ${response.status})`,
    {
      retryAfterSeconds: retryAfter(response),
      memberCodes,
    },
  );
}

function statusOf(error: oauth.OperationProcessingError): number | undefined {
  const cause = error.cause;
  return cause instanceof Response ? cause.status : undefined;
}

function retryAfterOf(error: unknown): number | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Response ? retryAfter(cause) : undefined;
}

/** Retry-After in seconds, from either of its two forms (RFC 9110 §10.2.3). */
export function retryAfter(response: Response | undefined, now = Date.now()): number | undefined {
  const value = response?.headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
