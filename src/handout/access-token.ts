import type { AuditEventInput, AuditLog } from '../audit/audit-log.js';
import { parseJson } from '../connections/store.js';
import { tokenLocation } from '../connections/token-location.js';
import type { Caller } from '../http/caller.js';
import { AppError } from '../http/errors.js';
import type { Logger } from '../log/logger.js';
import type { HandOutOutcome, Metrics } from '../metrics/metrics.js';
import type { ProviderCache } from '../providers/cache.js';
import type { ProviderRecord } from '../providers/store.js';
import type { RateLimits } from '../rate-limit/limits.js';
import { needsRefresh } from '../refresh/freshness.js';
import { answersStoredAfterFailure, renewalStep } from '../refresh/hand-out-renewal.js';
import type { Refresher } from '../refresh/refresher.js';
import type { TokenRow, TokenRows } from '../refresh/token-rows.js';
import type { UsageRecorder } from '../refresh/usage.js';
import type { Vault } from '../vault/vault.js';
import type { CachedConnection, HandOutCache, HandOutRow } from './cache.js';

export interface HandOutDeps {
  rows: TokenRows;
  providers: ProviderCache;
  refresher: Refresher;
  vault: Vault;
  audit: AuditLog;
  cache: HandOutCache;
  usage: UsageRecorder;
  now: () => number;
  metrics?: Metrics;
  /** Hand-outs per service client (see rate-limit/limits.ts). */
  limits?: RateLimits;
}

type Row = NonNullable<TokenRow>;

export interface HandOutOptions {
  forceRefresh?: boolean;
  minValiditySeconds?: number;
  /** The request's logger: a refresh this hand-out starts logs with its request id. */
  log?: Logger;
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
  metadata: Readonly<Record<string, string>>;
}

/**
 * A valid access token for a connection, refreshed first when the freshness
 * rule says so (refresh/freshness.ts: the provider's buffer or the caller's
 * `min_validity_seconds`, capped at half the token's lifetime) or the caller
 * forces it. The refresh token never leaves.
 */
export async function handOutAccessToken(
  deps: HandOutDeps,
  caller: Caller,
  connectionId: string,
  options: HandOutOptions,
): Promise<HandedOut> {
  try {
    deps.limits?.handOut(caller.id);
    // Most hand-outs are answered from memory without awaiting anything: each await is a trip
    // through the microtask queue, on the path services call thousands of times a second.
    const answer =
      fromMemory(deps, caller, connectionId, options) ?? (await handOut(deps, caller, connectionId, options));
    deps.metrics?.handOut('served');
    return answer;
  } catch (error) {
    deps.metrics?.handOut(outcomeOf(error));
    throw error;
  }
}

const outcomes: Partial<Record<string, HandOutOutcome>> = {
  connection_not_found: 'not_found',
  forbidden: 'forbidden',
  connection_needs_reauth: 'needs_reauth',
  provider_unavailable: 'unavailable',
  rate_limited: 'rate_limited',
};
const outcomeOf = (error: unknown): HandOutOutcome =>
  (error instanceof AppError ? outcomes[error.code] : undefined) ?? 'error';

/**
 * `handOut`'s first step without a promise: the answer from the hand-out cache when the connection
 * and its provider are both in memory and the token is fresh; `undefined` leaves it to `handOut`.
 */
function fromMemory(
  deps: HandOutDeps,
  caller: Caller,
  connectionId: string,
  options: HandOutOptions,
): HandedOut | undefined {
  if (options.forceRefresh === true) return undefined;
  // One clock reading serves a hand-out from memory: the lookup, the freshness check and the answer.
  const now = deps.now();
  const cached = deps.cache.get(connectionId, now);
  if (cached === undefined) return undefined;
  authorize(caller, cached.row);
  const provider = deps.providers.peek(cached.row.providerId);
  if (provider === undefined || isStale(cached.row, provider, options, now)) return undefined;
  return handedOut(deps, caller, cached, options, now);
}

async function handOut(
  deps: HandOutDeps,
  caller: Caller,
  connectionId: string,
  options: HandOutOptions,
): Promise<HandedOut> {
  const now = deps.now();
  const cached = options.forceRefresh === true ? undefined : deps.cache.get(connectionId, now);
  if (cached !== undefined) {
    authorize(caller, cached.row);
    // Only active connections are stored; a stale one goes to the database below.
    if (!isStale(cached.row, await deps.providers.get(cached.row.providerId), options, now)) {
      return handedOut(deps, caller, cached, options, now);
    }
  }

  const ticket = deps.cache.ticket();
  const readAt = deps.now();
  let row = await deps.rows.read(connectionId);
  authorize(caller, row);
  if (row.status !== 'active') throw needsReauth();

  const checkedAt = deps.now();
  if (
    options.forceRefresh === true ||
    isStale(row, await deps.providers.get(row.providerId), options, checkedAt)
  ) {
    row = await renew(deps, row, options, checkedAt);
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
      tokenIssuedAt: row.tokenIssuedAt,
      accountId: row.accountId,
      accountEmail: row.accountEmail,
      accountDisplayName: row.accountDisplayName,
    },
    accessToken: deps.vault.decrypt(row.accessToken, tokenLocation(row.id, 'access_token')),
    scope: (JSON.parse(row.scopes) as string[]).join(' '),
    metadata: parseJson(row.metadata) ?? {},
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

/** The freshness rule of refresh/freshness.ts with the provider's buffer: the same for memory and database. */
const isStale = (
  row: HandOutRow,
  provider: ProviderRecord | null,
  options: { minValiditySeconds?: number },
  now: number,
): boolean =>
  needsRefresh(
    row,
    { bufferSeconds: provider?.expiry_buffer_seconds ?? 0, minValiditySeconds: options.minValiditySeconds },
    now,
  );

/** The row to answer from after a renewal, as refresh/hand-out-renewal.ts decides. */
async function renew(deps: HandOutDeps, row: Row, options: HandOutOptions, now: number): Promise<Row> {
  const forced = options.forceRefresh === true;
  const step = renewalStep({ ...row, hasRefreshToken: row.refreshToken !== null }, forced, now);
  if (step.kind === 'answer_stored') return row;
  if (step.kind === 'needs_reauth') throw needsReauth();
  if (step.kind === 'unavailable') throw unavailable(step.retryAfterSeconds);
  const outcome = await deps.refresher.refresh(row, 'on_demand', options.log);
  if (outcome.kind === 'needs_reauth') throw needsReauth();
  if (outcome.kind === 'unavailable' && !answersStoredAfterFailure(outcome.row.expiresAt, forced, deps.now()))
    throw unavailable(outcome.retryAfterSeconds);
  return outcome.row;
}

function handedOut(
  deps: HandOutDeps,
  caller: Caller,
  { row, accessToken, scope, metadata }: CachedConnection,
  options: { forceRefresh?: boolean },
  now: number,
): HandedOut {
  // Counted, not one row each: a busy service asks thousands of times a second. The key holds all
  // that varies: a connection's tenant and provider never change.
  const forced = options.forceRefresh === true;
  deps.usage.noteHandOut(row.id, now);
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
    metadata,
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
