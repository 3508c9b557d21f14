import type { Attempt, DeliveryStatus } from './delivery-store.js';
import { DISABLE_AFTER_MS, retryDelayMs } from './schedule.js';

/** What an attempt means for its delivery and its endpoint. */
export interface Outcome {
  status: DeliveryStatus;
  nextAttemptAt: number | null;
  endpoint: 'answered' | 'failing' | 'disable_gone' | 'disable_failing';
}

/**
 * A 2xx is success; a 410 means "stop sending" (the endpoint is disabled at
 * once); anything else, a redirect and a network error included, is tried
 * again on the schedule, and an endpoint with no success for three days is
 * disabled.
 */
export function judgeAttempt(
  attempt: Attempt,
  attempts: number,
  failingSince: number | null,
  jitter: () => number,
): Outcome {
  const code = attempt.status_code;
  if (code !== null && code >= 200 && code < 300)
    return { status: 'succeeded', nextAttemptAt: null, endpoint: 'answered' };
  if (code === 410) return { status: 'failed', nextAttemptAt: null, endpoint: 'disable_gone' };
  if (failingSince !== null && attempt.at - failingSince >= DISABLE_AFTER_MS)
    return { status: 'failed', nextAttemptAt: null, endpoint: 'disable_failing' };
  const delay = retryDelayMs(attempts, jitter);
  return delay === null
    ? { status: 'failed', nextAttemptAt: null, endpoint: 'failing' }
    : { status: 'pending', nextAttemptAt: attempt.at + delay, endpoint: 'failing' };
}
