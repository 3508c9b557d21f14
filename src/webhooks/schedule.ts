/**
 * When a failed delivery is tried again: the Standard Webhooks schedule
 * (5 s, 5 min, 30 min, 2 h, 5 h, then 10 h), extended with 10-hour steps so
 * the last attempt comes more than three days after the first (about 3.2
 * days, 3.9 with jitter). Jitter adds up to half the step, so receivers
 * that came back together are not hit together.
 */

const SECOND = 1000;
const HOUR = 3_600_000;
export const RETRY_STEPS_MS: readonly number[] = [
  5 * SECOND,
  5 * 60 * SECOND,
  30 * 60 * SECOND,
  2 * HOUR,
  5 * HOUR,
  ...Array.from({ length: 7 }, () => 10 * HOUR),
];

/** An endpoint failing this long (no success since) is disabled. */
export const DISABLE_AFTER_MS = 3 * 24 * HOUR;

/** Delay before attempt number `failedAttempts + 1`, or null when the schedule is spent. */
export function retryDelayMs(failedAttempts: number, random: () => number): number | null {
  const step = RETRY_STEPS_MS[failedAttempts - 1];
  if (step === undefined) return null;
  return Math.round(step + random() * (step / 2));
}
