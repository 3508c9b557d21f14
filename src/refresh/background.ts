import type { Random } from '../crypto/random.js';
import type { Logger } from '../log/logger.js';
import type { Refresher } from './refresher.js';
import { fraction } from './schedule.js';
import type { TokenRows } from './token-rows.js';

export interface BackgroundDeps {
  rows: TokenRows;
  refresher: Refresher;
  log: Logger;
  random: Random;
  now: () => number;
  /** Pause between rounds when nothing is due (jittered ±20 %). */
  intervalMs?: number;
  batchSize?: number;
  /** Provider calls in flight at once, per replica. */
  concurrency?: number;
}

/**
 * Renews tokens ahead of expiry, from `next_refresh_at`. Every replica runs
 * one; the lease on each row makes sure a connection is refreshed once, by
 * whichever replica takes it first. Failures back off per connection (see
 * schedule.ts), so a failing provider is not hammered.
 */
export function createBackgroundRefresher(deps: BackgroundDeps) {
  const intervalMs = deps.intervalMs ?? 5_000;
  const batchSize = deps.batchSize ?? 200;
  const concurrency = deps.concurrency ?? 8;
  let stopped = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  /** One round: refreshes what is due now; answers how many it refreshed. */
  async function runOnce(): Promise<{ due: number; refreshed: number }> {
    const due = await deps.rows.due(deps.now(), batchSize);
    let refreshed = 0;
    let next = 0;
    const worker = async () => {
      while (!stopped && next < due.length) {
        const item = due[next++]!;
        const row = await deps.rows.read(item.id);
        if (row?.status !== 'active' || row.tokenVersion !== item.tokenVersion) continue;
        const outcome = await deps.refresher.refreshIfFree(row);
        if (outcome !== 'skipped' && outcome.kind === 'fresh') refreshed++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    return { due: due.length, refreshed };
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
