import type { Random } from '../crypto/random.js';
import type { Logger } from '../log/logger.js';
import type { ProviderCache } from '../providers/cache.js';
import type { Refresher } from './refresher.js';
import { fraction, grantTimesOf, planRenewal, type Renewal } from './schedule.js';
import type { TokenRow, TokenRows } from './token-rows.js';
import type { UsageRecorder } from './usage.js';

export interface BackgroundDeps {
  rows: TokenRows;
  providers: ProviderCache;
  refresher: Refresher;
  usage: UsageRecorder;
  log: Logger;
  random: Random;
  now: () => number;
  /** Pause between rounds when nothing is due (jittered ±20 %). */
  intervalMs?: number;
  batchSize?: number;
  /** Provider calls in flight at once, per replica. */
  concurrency?: number;
}

/** Error code stored when a grant reached its absolute end (`refresh_token_max_seconds`). */
export const GRANT_ENDED = 'refresh_token_expired';

/**
 * Acts on connections whose `next_refresh_at` has come. Every replica runs
 * one; the lease on each row makes sure a connection is refreshed once, by
 * whichever replica takes it first. A due connection is planned again first
 * (schedule.ts): one that went idle is moved to its keep-alive time without a
 * provider call, a grant at its absolute end is marked `needs_reauth`, and
 * only the rest is refreshed. Failures back off per connection, so a failing
 * provider is not hammered. Each round first writes which connections were
 * handed out (usage.ts).
 */
export function createBackgroundRefresher(deps: BackgroundDeps) {
  const intervalMs = deps.intervalMs ?? 5_000;
  const batchSize = deps.batchSize ?? 200;
  const concurrency = deps.concurrency ?? 8;
  let stopped = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  /** One round: acts on what is due now; answers how many were due and how many it refreshed. */
  async function runOnce(): Promise<{ due: number; refreshed: number; rescheduled: number; ended: number }> {
    await deps.usage.write(deps.now());
    const due = await deps.rows.due(deps.now(), batchSize);
    const counts = { due: due.length, refreshed: 0, rescheduled: 0, ended: 0 };
    let next = 0;
    const worker = async () => {
      while (!stopped && next < due.length) {
        const item = due[next++]!;
        const row = await deps.rows.read(item.id);
        if (row?.status !== 'active' || row.tokenVersion !== item.tokenVersion) continue;
        const done = await act(row);
        if (done !== 'skipped') counts[done]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    return counts;
  }

  async function act(row: NonNullable<TokenRow>): Promise<'refreshed' | 'rescheduled' | 'ended' | 'skipped'> {
    const now = deps.now();
    const provider = await deps.providers.get(row.providerId);
    // Without a provider the refresher marks the connection (nothing can renew it).
    const plan: Renewal = provider
      ? planRenewal(grantTimesOf(row), provider, now)
      : { action: 'refresh', at: now };
    if (plan?.action === 'expire' && plan.at <= now) {
      await deps.rows.markNeedsReauth(row.id, row.tokenVersion, GRANT_ENDED, now);
      deps.log.warn('grant reached its end: connection needs re-authorization', { connection_id: row.id });
      return 'ended';
    }
    // A row with failures is due for its retry: the backoff already decided when.
    if (row.refreshFailures === 0 && (plan === null || plan.at > now)) {
      await deps.rows.reschedule(row.id, row.tokenVersion, plan?.at ?? null, now);
      return 'rescheduled';
    }
    const outcome = await deps.refresher.refreshIfFree(row);
    return outcome !== 'skipped' && outcome.kind === 'fresh' ? 'refreshed' : 'skipped';
  }

  async function run() {
    while (!stopped) {
      let full = false;
      try {
        const round = await runOnce();
        full = round.due === batchSize;
        if (round.due > 0) deps.log.debug('background refresh round', round);
      } catch (error) {
        deps.log.error('background refresh round failed', { error });
      }
      if (full || stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs * (0.8 + 0.4 * fraction(deps.random)));
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  return {
    runOnce,
    start() {
      loop ??= run();
    },
    /** Stops after the round in progress; refreshes already running finish and commit. */
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
