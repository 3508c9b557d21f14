import { hashSecret, randomId, randomToken } from '../crypto/random.js';
import type { Caller } from '../http/caller.js';
import { AppError, type FieldIssue } from '../http/errors.js';
import { readsIdToken } from '../oauth/account.js';
import {
  checkConnectionParams,
  placeholdersToBlame,
  resolveProvider,
  resolveUrl,
} from '../providers/connection-params.js';
import { endpointFields } from '../providers/definition.js';
import type { ProviderRecord } from '../providers/store.js';
import { buildAuthorizationUrl, callbackUrl } from './authorization-url.js';
import { type ConnectDeps, SESSION_LIFETIME_MS, verifierLocation } from './deps.js';
import type { ConnectSession } from './session-store.js';

export interface StartInput {
  provider: string;
  tenant: string;
  end_user: string;
  scopes?: string[];
  return_to?: string;
  redirect_uri?: string;
  connection_params?: Record<string, string>;
  connection_id?: string;
}

/**
 * Creates a connect session. The browser enters through `connect_url`; a
 * caller that names its own `redirect_uri` also gets the authorization URL
 * and finishes the flow with `POST /v1/connect-sessions/{id}/complete`.
 */
export async function startConnectSession(deps: ConnectDeps, caller: Caller, input: StartInput) {
  if (!caller.seesTenant(input.tenant)) throw new AppError('tenant_not_found', 'no such tenant');
  if (!caller.can('connect')) throw new AppError('forbidden', 'this client may not start connect flows');
  const provider = caller.seesProvider(input.provider) ? await deps.providers.get(input.provider) : null;
  if (!provider?.is_enabled) {
    throw new AppError('provider_not_found', `no enabled provider "${input.provider}"`);
  }
  if (input.return_to !== undefined && !caller.mayReturnTo(input.return_to)) {
    throw new AppError('return_to_not_allowed', 'return_to is not on an origin this client may use', {
      issues: [{ pointer: '/return_to', message: 'not allowed' }],
    });
  }
  // Exact matches only: no prefix, no normalisation, so no lookalike can pass.
  if (input.redirect_uri !== undefined && !caller.mayRedirectTo(input.redirect_uri)) {
    throw new AppError('redirect_uri_not_allowed', 'redirect_uri is not one this caller may use', {
      issues: [{ pointer: '/redirect_uri', message: 'not allowed' }],
    });
  }

  const upgrade = input.connection_id === undefined ? null : await upgradeTarget(deps, caller, input);
  // An upgrade asks for the scopes it has and the new ones, at the connection's own URLs.
  const connectionParams = upgrade
    ? upgrade.connection_params
    : await checkParams(deps, provider, input.connection_params);
  const scopes = upgrade
    ? [...new Set([...upgrade.scopes, ...(input.scopes ?? [])])]
    : (input.scopes ?? provider.scopes);
  const now = deps.now();
  const id = randomId(deps.random, 'cs');
  const connectToken = randomToken(deps.random);
  const codeVerifier = provider.pkce ? randomToken(deps.random) : null;
  const ownRedirect = input.redirect_uri !== undefined;
  // A service-completed session gets its state now, since its URL is handed out now.
  const state = ownRedirect ? randomToken(deps.random) : null;
  const resolved = resolveProvider(provider, connectionParams);
  const nonce = state !== null && readsIdToken(resolved) ? randomToken(deps.random) : null;
  const session: ConnectSession = {
    id,
    provider_id: provider.provider_id,
    tenant: input.tenant,
    end_user: input.end_user,
    scopes,
    return_to: input.return_to ?? null,
    redirect_uri: input.redirect_uri ?? callbackUrl(deps.publicUrl, provider.provider_id),
    completion: ownRedirect ? 'service' : 'browser',
    created_by: caller.id,
    state_hash: state === null ? null : hashSecret(state),
    connect_token_hash: hashSecret(connectToken),
    browser_binding_hash: null,
    code_verifier_ciphertext:
      codeVerifier === null ? null : deps.vault.encrypt(codeVerifier, verifierLocation(id)),
    nonce_hash: nonce === null ? null : hashSecret(nonce),
    status: 'pending',
    error: null,
    connection_id: null,
    connection_params: connectionParams,
    upgrade_connection_id: upgrade?.id ?? null,
    created_at: now,
    expires_at: now + SESSION_LIFETIME_MS,
    updated_at: now,
  };
  await deps.sessions.insert(session);
  // Sessions are kept a day after they expire, for status reads, then dropped.
  await deps.sessions.prune(now - 24 * 60 * 60 * 1000);

  const authorizationUrl =
    state === null
      ? undefined
      : await buildAuthorizationUrl(resolved, {
          redirectUri: session.redirect_uri,
          scopes: session.scopes,
          state,
          codeVerifier,
          nonce,
        });
  return { session, connectUrl: `${deps.publicUrl}/connect/${connectToken}`, authorizationUrl };
}

/**
 * The session's values for the provider's `{name}` URL parameters, or null when it declares none.
 * Each value must pass its pattern and the structure rules, and every URL it fills (the endpoints and
 * the metadata requests, which would otherwise fail only after the user consented) must pass the URL
 * safety rules: refused with 400 and one `errors` entry per refused value, at that value, before
 * anything is stored.
 */
async function checkParams(
  deps: ConnectDeps,
  provider: ProviderRecord,
  given: Record<string, string> | undefined,
): Promise<Record<string, string> | null> {
  const declared = provider.connection_params;
  const refuse = (issues: FieldIssue[]) =>
    new AppError('invalid_connection_params', `connection_params refused: ${issues[0]!.message}`, {
      issues,
    });
  const issues = checkConnectionParams(declared, given);
  if (issues.length > 0) throw refuse(issues);
  if (Object.keys(declared).length === 0) return null;
  const values = given ?? {};
  const urls: Array<[where: string, template: string | null]> = [
    ...endpointFields.map((field) => [field, provider[field]] as [string, string | null]),
    ...provider.metadata_requests.map((r, i) => [`metadata_requests/${i}/url`, r.url] as [string, string]),
  ];
  const blamed = new Set<string>();
  for (const [where, template] of urls) {
    if (template === null) continue;
    const url = resolveUrl(template, values);
    if (url === template) continue;
    const verdict = await deps.checkUrl(url);
    if (verdict.ok) continue;
    // One entry per value, at the value that made the URL fail (the host's, not the realm's beside it).
    for (const name of placeholdersToBlame(template).filter((n) => !blamed.has(n))) {
      blamed.add(name);
      issues.push({ pointer: `/connection_params/${name}`, message: `${where}: ${verdict.reason}` });
    }
  }
  if (issues.length > 0) throw refuse(issues);
  return { ...values };
}

/**
 * The connection a scope upgrade names: the caller's to see, of this session's tenant and provider, and
 * of its end user (the upgraded grant is saved under the session's end user, which would otherwise move
 * someone else's connection to this one).
 */
async function upgradeTarget(deps: ConnectDeps, caller: Caller, input: StartInput) {
  const connection = await deps.connections.get(input.connection_id!);
  if (
    !connection ||
    !caller.seesTenant(connection.tenant) ||
    connection.tenant !== input.tenant ||
    connection.provider_id !== input.provider
  ) {
    throw new AppError('connection_not_found', 'no such connection of this tenant and provider', {
      issues: [{ pointer: '/connection_id', message: 'not found' }],
    });
  }
  if (connection.end_user !== input.end_user) {
    throw new AppError('end_user_mismatch', 'the connection to upgrade belongs to another end user', {
      issues: [{ pointer: '/end_user', message: 'not the end user of connection_id' }],
    });
  }
  if (input.connection_params !== undefined) {
    throw new AppError('invalid_connection_params', 'an upgrade keeps the connection’s own parameters', {
      issues: [{ pointer: '/connection_params', message: 'not allowed with connection_id' }],
    });
  }
  return connection;
}
