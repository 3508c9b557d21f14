import type { AuditLog } from '../audit/audit-log.js';
import { capMetadata, readPointers } from '../connections/metadata.js';
import { jsonOrNull, parseJson } from '../connections/store.js';
import { tokenLocation } from '../connections/token-location.js';
import type { Random } from '../crypto/random.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { type ProviderClientDeps, refreshTokens } from '../oauth/provider-client.js';
import type { TokenSet } from '../oauth/token-set.js';
import type { ProviderCache } from '../providers/cache.js';
import { withClientSecret } from '../providers/client-secret.js';
import { resolveProvider } from '../providers/connection-params.js';
import type { Vault } from '../vault/vault.js';
import { classifyRefreshFailure } from './classify-failure.js';
import { grantTimesOf, planRenewal, retryDelayMs } from './schedule.js';
import type { TokenRow, TokenRows } from './token-rows.js';

export interface RefresherDeps {
  rows: TokenRows;
  providers: ProviderCache;
  vault: Vault;
  client: ProviderClientDeps;
  audit: AuditLog;
  log: Logger;
  random: Random;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** This replica's name on the leases it takes. */
  owner: string;
  /** Longer than any refresh can take (the upstream timeout), so a live lease is never taken over. */
  leaseMs: number;
  metrics?: Metrics;
}

type Row = NonNullable<TokenRow>;
export type RefreshOutcome =
  | { kind: 'fresh'; row: Row }
  | { kind: 'needs_reauth' }
  | { kind: 'unavailable'; row: Row; retryAfterSeconds: number };

const POLL_MS = 25;

/**
 * Refreshes a connection's tokens with at most one refresh in flight per
 * connection: in this process, callers share one promise; across replicas,
 * a lease on the row decides who calls the provider and the others wait for
 * the new token version. No transaction is open while the provider is
 * called, and new tokens are committed before anyone is answered.
 */
export function createRefresher(deps: RefresherDeps) {
  const inFlight = new Map<string, Promise<RefreshOutcome>>();

  /**
   * `log`: the logger of the request asking (its request id on the refresh's lines); a refresh
   * already in flight keeps the one that started it.
   */
  function refresh(row: Row, reason: 'on_demand' | 'background', log = deps.log): Promise<RefreshOutcome> {
    let running = inFlight.get(row.id);
    if (!running) {
      running = coordinate(row, reason, log).finally(() => inFlight.delete(row.id));
      inFlight.set(row.id, running);
    }
    return running;
  }

  /** For the background refresher: refresh if this replica can take the lease now, else leave it. */
  async function refreshIfFree(row: Row): Promise<RefreshOutcome | 'skipped'> {
    if (inFlight.has(row.id)) return 'skipped';
    if (!(await deps.rows.acquireLease(row.id, row.tokenVersion, deps.owner, deps.now(), deps.leaseMs)))
      return 'skipped';
    const running = refreshHoldingLease(row, 'background', deps.log).finally(() => inFlight.delete(row.id));
    inFlight.set(row.id, running);
    return running;
  }

  async function coordinate(seen: Row, reason: string, log: Logger): Promise<RefreshOutcome> {
    let row = seen;
    const deadline = deps.now() + deps.leaseMs + 5_000;
    for (;;) {
      if (await deps.rows.acquireLease(row.id, row.tokenVersion, deps.owner, deps.now(), deps.leaseMs)) {
        return refreshHoldingLease(row, reason, log);
      }
      // Someone else holds the lease (or already refreshed): wait for their result.
      for (;;) {
        const latest = await deps.rows.read(row.id);
        if (latest?.status !== 'active') return { kind: 'needs_reauth' };
        if (latest.tokenVersion !== row.tokenVersion) return { kind: 'fresh', row: latest };
        const leaseFree = latest.refreshLeaseUntil === null || latest.refreshLeaseUntil < deps.now();
        if (leaseFree) {
          row = latest;
          break;
        }
        if (deps.now() > deadline) return { kind: 'unavailable', row: latest, retryAfterSeconds: 1 };
        await deps.sleep(POLL_MS);
      }
    }
  }

  async function refreshHoldingLease(row: Row, reason: string, requestLog: Logger): Promise<RefreshOutcome> {
    const now = deps.now();
    const provider = await deps.providers.get(row.providerId);
    const log = requestLog.child({ connection_id: row.id, provider_id: row.providerId, reason });
    const audit = (outcome: 'success' | 'failure', details: Record<string, string | number | null>) => {
      deps.metrics?.refresh(
        row.providerId,
        reason,
        details.status === 'needs_reauth' ? 'needs_reauth' : outcome,
      );
      deps.audit.record({
        actor: { type: 'broker', id: deps.owner },
        action: 'connection.refreshed',
        target: { type: 'connection', id: row.id },
        tenant: row.tenant,
        outcome,
        details: { reason, ...details },
      });
    };
    if (!provider || row.refreshToken === null) {
      // Nothing can renew it: only a new connect flow helps.
      await deps.rows.markNeedsReauth(row.id, row.tokenVersion, 'no_refresh_possible', now);
      return { kind: 'needs_reauth' };
    }
    try {
      const refreshToken = deps.vault.decrypt(row.refreshToken, tokenLocation(row.id, 'refresh_token'));
      // This connection's URLs: a provider with `{name}` parameters is refreshed where the grant lives.
      const own = resolveProvider(provider, parseJson(row.connectionParams));
      let answer: Record<string, unknown> = {};
      let idToken: string | null = null;
      const tokens = await refreshTokens(
        deps.client,
        withClientSecret(deps.vault, own),
        refreshToken,
        (a, id) => {
          [answer, idToken] = [a, id];
        },
      );
      const metadata = refreshedMetadata(row, provider.token_response_metadata, answer, tokens, idToken);
      const issuedAt = deps.now();
      const usedAt = reason === 'on_demand' ? issuedAt : null;
      const refreshTokenExpiresAt = tokens.refreshTokenExpiresAt ?? row.refreshTokenExpiresAt;
      const next = planRenewal(
        grantTimesOf({
          ...row,
          expiresAt: tokens.expiresAt,
          tokenIssuedAt: issuedAt,
          refreshTokenExpiresAt,
          lastUsedAt: usedAt ?? row.lastUsedAt,
        }),
        provider,
        issuedAt,
      );
      const committed = await deps.rows.commitRefresh(
        row.id,
        row.tokenVersion,
        {
          accessToken: deps.vault.encrypt(tokens.accessToken, tokenLocation(row.id, 'access_token')),
          refreshToken:
            tokens.refreshToken === null
              ? null
              : deps.vault.encrypt(tokens.refreshToken, tokenLocation(row.id, 'refresh_token')),
          tokenType: tokens.tokenType,
          expiresAt: tokens.expiresAt,
          scopes: tokens.scopes,
          issuedAt,
          refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
          usedAt,
          nextRefreshAt: next?.at ?? null,
          metadata,
        },
        deps.now(),
      );
      if (!committed) log.error('refreshed tokens could not be committed: the row changed under the lease');
      audit(committed ? 'success' : 'failure', { expires_at: tokens.expiresAt });
      const latest = await deps.rows.read(row.id);
      return latest && latest.status === 'active' ? { kind: 'fresh', row: latest } : { kind: 'needs_reauth' };
    } catch (error) {
      const failure = classifyRefreshFailure(error, provider.refresh_grant_dead_errors);
      if (failure.kind === 'grant_rejected') {
        // Another replica may have refreshed just before us: then its tokens are good.
        const latest = await deps.rows.read(row.id);
        if (latest && latest.tokenVersion !== row.tokenVersion) return { kind: 'fresh', row: latest };
        await deps.rows.markNeedsReauth(row.id, row.tokenVersion, failure.code, deps.now());
        log.warn('refresh token rejected: connection needs re-authorization', { error_code: failure.code });
        audit('failure', { error: failure.code, status: 'needs_reauth' });
        return { kind: 'needs_reauth' };
      }
      const delay = retryDelayMs(row.refreshFailures, failure.retryAfterSeconds, deps.random);
      await deps.rows.recordTransientFailure(
        row.id,
        deps.owner,
        failure.code,
        deps.now() + delay,
        deps.now(),
      );
      log.warn('refresh failed; tokens kept, will retry', {
        error_code: failure.code,
        retry_in_ms: delay,
        error,
      });
      audit('failure', { error: failure.code, retry_in_ms: delay });
      return { kind: 'unavailable', row, retryAfterSeconds: Math.ceil(delay / 1000) };
    }
  }

  return { refresh, refreshIfFree };
}

export type Refresher = ReturnType<typeof createRefresher>;

/**
 * The connection's metadata with the values `token_response_metadata` reads from a refresh answer
 * over the stored ones (Salesforce may move an org to another instance_url); undefined (keep the
 * stored) when the provider reads nothing from its token answers.
 */
function refreshedMetadata(
  row: Row,
  pointers: Readonly<Record<string, string>>,
  answer: Record<string, unknown>,
  tokens: TokenSet,
  idToken: string | null,
): string | null | undefined {
  if (Object.keys(pointers).length === 0) return undefined;
  const merged = { ...(parseJson(row.metadata) ?? {}), ...readPointers(answer, pointers) };
  return jsonOrNull(capMetadata(merged, [tokens.accessToken, tokens.refreshToken, idToken]));
}
