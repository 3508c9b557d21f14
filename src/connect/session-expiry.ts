import type { Random } from '../crypto/random.js';
import type { Logger } from '../log/logger.js';
import { fraction } from '../refresh/schedule.js';
import type { SessionStore } from './session-store.js';

export interface SessionExpiryDeps {
  sessions: Pick<SessionStore, 'expire'>;
  now: () => number;
  random: Random;
  log: Logger;
  /** Pause between sweeps, jittered ±33 % (30-60 s by default) so replicas do not sweep in step. */
  intervalMs?: number;
  /** Sessions per statement: each holds the event loop (SQLite runs synchronously), so it stays short. */
  batchSize?: number;
}

/**
 * How long after `expires_at` an `exchanging` session is left alone. A claim
 * happens before expiry, and the exchange after it is a fixed chain of
 * provider calls (token, account or JWKS, at most five metadata requests),
 * each cut off at CUSTODIAN_UPSTREAM_TIMEOUT_MS (at most 120 s): under
 * 17 minutes in the worst configuration. An hour later only a replica that
 * died mid-exchange can have left it; failing it earlier could report a
 * failure for a connect that then succeeds.
 */
export const EXCHANGE_GRACE_MS = 60 * 60 * 1000;

/**
 * Tells the webhooks about connect sessions the end user abandoned: every
 * replica sweeps now and then, failing expired sessions with
 * `session_expired` (one `connect_session.failed` each, see
 * `SessionStore.expire`). A later callback or complete on such a session
 * still gets the expired answer, and emits nothing more.
 */
export function createSessionExpiry(deps: SessionExpiryDeps) {
  const intervalMs = deps.intervalMs ?? 45_000;
  const batchSize = deps.batchSize ?? 200;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function sweep(): Promise<number> {
    let failed = 0;
    for (;;) {
      const ended = await deps.sessions.expire(deps.now(), EXCHANGE_GRACE_MS, batchSize);
      failed += ended;
      if (ended < batchSize || stopped) return failed;
      // Let requests in between batches of a large backlog.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** One sweep until nothing expired is left (a sweep under way is joined, not doubled); answers how many it failed. */
  function runOnce(): Promise<number> {
    running ??= sweep()
      .then((failed) => {
        if (failed > 0) deps.log.info('expired connect sessions failed', { count: failed });
        return failed;
      })
      .catch((error: unknown) => {
        // The next sweep tries again: nothing is lost, only told later.
        deps.log.error('connect session expiry sweep failed', { error });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(
      () => {
        void runOnce().then(schedule);
      },
      intervalMs * (0.67 + 0.66 * fraction(deps.random)),
    );
    timer.unref();
  }

  return {
    runOnce,
    start() {
      if (timer !== undefined || stopped) return;
      schedule();
    },
    /** Stops the timer; a sweep in progress finishes its batch and commits. */
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}

export type SessionExpiry = ReturnType<typeof createSessionExpiry>;
