import type { AuditEventInput, AuditLog } from '../audit/audit-log.js';
import { tokenLocation } from '../connect/finish.js';
import type { Caller } from '../http/caller.js';
import { AppError } from '../http/errors.js';
import type { ProviderCache } from '../providers/cache.js';
import type { Refresher } from '../refresh/refresher.js';
import type { TokenRows } from '../refresh/token-rows.js';
import type { Vault } from '../vault/vault.js';
import type { CachedConnection, HandOutCache, HandOutRow } from './cache.js';

export interface HandOutDeps {
  rows: TokenRows;
  providers: ProviderCache;
  refresher: Refresher;
  vault: Vault;
  audit: AuditLog;
  cache: HandOutCache;
  now: () => number;
}

export interface HandedOut {
  access_token: string;
  token_type: string;
  expires_at: string | null;
  expires_in: number | null;
  scope: string;
  connection_id: string;
  provider_id: string;
  account: { user_id: string; email: string | null; display_name: string | null };
}

/**
 * A valid access token for a connection, refreshed first when it expires
 * within the provider's buffer (or the caller's `min_validity_seconds`).
 * The refresh token never leaves.
 */
export async function handOutAccessToken(
  deps: HandOutDeps,
  caller: Caller,
  connectionId: string,
  options: { forceRefresh?: boolean; minValiditySeconds?: number },
): Promise<HandedOut> {
  // One clock reading serves a hand-out from memory: the lookup, the freshness check and the answer.
  const now = deps.now();
  const cached = options.forceRefresh ? undefined : deps.cache.get(connectionId, now);
  if (cached !== undefined) {
    authorize(caller, cached.row);
    // Only active connections are stored; a stale one goes to the database below.
    if (!(await isStale(deps, cached.row, options, now))) {
      return handedOut(deps, caller, cached, options, now);
    }
  }

  const ticket = deps.cache.ticket();
  const readAt = deps.now();
  let row = await deps.rows.read(connectionId);
  authorize(caller, row);
  if (row.status !== 'active') throw needsReauth();

  const checkedAt = deps.now();
  if (await isStale(deps, row, options, checkedAt)) {
    const expired = row.expiresAt !== null && row.expiresAt <= checkedAt;
    // After a failed refresh the provider is not called again before the backoff ends.
    const backoffUntil = row.refreshFailures > 0 ? (row.nextRefreshAt ?? 0) : 0;
    if (row.refreshToken === null) {
      if (expired) throw needsReauth();
    } else if (backoffUntil > checkedAt) {
      if (expired) throw unavailable(Math.ceil((backoffUntil - checkedAt) / 1000));
    } else {
      const outcome = await deps.refresher.refresh(row, 'on_demand');
      if (outcome.kind === 'needs_reauth') throw needsReauth();
      if (
        outcome.kind === 'unavailable' &&
        (outcome.row.expiresAt ?? Number.POSITIVE_INFINITY) <= deps.now()
      ) {
        throw unavailable(outcome.retryAfterSeconds);
      }
      row = outcome.row;
    }
  }

  const entry: CachedConnection = {
    // Only what an answer needs: there are thousands of entries, and none holds a ciphertext.
    row: {
      id: row.id,
      tokenVersion: row.tokenVersion,
      tenant: row.tenant,
      providerId: row.providerId,
      tokenType: row.tokenType,
      expiresAt: row.expiresAt,
      accountId: row.accountId,
      accountEmail: row.accountEmail,
      accountDisplayName: row.accountDisplayName,
    },
    accessToken: deps.vault.decrypt(row.accessToken, tokenLocation(row.id, 'access_token')),
    scope: (JSON.parse(row.scopes) as string[]).join(' '),
    storedAt: readAt,
    used: false,
  };
  // A refresh above forgot the connection, so its result waits for the next read.
  deps.cache.put(entry, ticket);
  return handedOut(deps, caller, entry, options, deps.now());
}

/** Outside the caller's tenants and providers, the connection does not exist. */
function authorize<R extends HandOutRow>(caller: Caller, row: R | null): asserts row is R {
  if (!row || !caller.seesTenant(row.tenant) || !caller.seesProvider(row.providerId)) {
    throw new AppError('connection_not_found', 'no such connection');
  }
  if (!caller.can('get_access_token'))
    throw new AppError('forbidden', 'this client may not get access tokens');
}

/** True when the token must be renewed first: forced, or expiring within the buffer the provider or caller wants. */
async function isStale(
  deps: HandOutDeps,
  row: HandOutRow,
  options: { forceRefresh?: boolean; minValiditySeconds?: number },
  now: number,
): Promise<boolean> {
  if (options.forceRefresh === true) return true;
  if (row.expiresAt === null) return false;
  const provider = await deps.providers.get(row.providerId);
  const wanted = Math.max(provider?.expiry_buffer_seconds ?? 0, options.minValiditySeconds ?? 0) * 1000;
  return row.expiresAt - now < wanted;
}

function handedOut(
  deps: HandOutDeps,
  caller: Caller,
  { row, accessToken, scope }: CachedConnection,
  options: { forceRefresh?: boolean },
  now: number,
): HandedOut {
  // Counted, not one row each: a busy service asks thousands of times a second. The key holds all
  // that varies: a connection's tenant and provider never change.
  const forced = options.forceRefresh === true;
  deps.audit.tally(`${caller.id}\0${row.id}\0${forced}`, () => tokenIssued(caller, row, forced));
  return {
    access_token: accessToken,
    token_type: row.tokenType,
    expires_at: row.expiresAt === null ? null : new Date(row.expiresAt).toISOString(),
    expires_in: row.expiresAt === null ? null : Math.max(0, Math.floor((row.expiresAt - now) / 1000)),
    scope,
    connection_id: row.id,
    provider_id: row.providerId,
    account: { user_id: row.accountId, email: row.accountEmail, display_name: row.accountDisplayName },
  };
}

const tokenIssued = (caller: Caller, row: HandOutRow, forced: boolean): AuditEventInput => ({
  actor: { type: 'service', id: caller.id },
  action: 'connection.token_issued',
  target: { type: 'connection', id: row.id },
  tenant: row.tenant,
  outcome: 'success',
  details: { provider_id: row.providerId, forced },
});

const unavailable = (retryAfterSeconds: number) =>
  new AppError('provider_unavailable', 'the provider could not renew the token; try again later', {
    headers: { 'retry-after': String(Math.max(1, retryAfterSeconds)) },
  });

const needsReauth = () =>
  new AppError('connection_needs_reauth', 'the grant is no longer valid; connect the account again');
