import type { AuditLog } from '../audit/audit-log.js';
import type { Random } from '../crypto/random.js';
import type { Logger } from '../log/logger.js';
import type { Metrics, WebhookAttemptOutcome } from '../metrics/metrics.js';
import type { UpstreamFetch } from '../upstream/http-client.js';
import type { Vault } from '../vault/vault.js';
import { sendAttempt } from './attempt.js';
import type { DeliveryRecord, DeliveryStore } from './delivery-store.js';
import { applyVerdict } from './endpoint-health.js';
import type { EndpointStore } from './endpoint-store.js';
import { judgeAttempt, type Outcome } from './outcome.js';
import { endpointSecrets } from './secrets.js';

export interface SenderDeps {
  deliveries: DeliveryStore;
  endpoints: EndpointStore;
  vault: Vault;
  fetch: UpstreamFetch;
  audit: AuditLog;
  log: Logger;
  metrics: Metrics;
  now: () => number;
  random: Random;
  /** This replica's name on delivery leases. */
  owner: string;
  /** Per attempt: connect, send, answer. */
  timeoutMs: number;
  /** How often due deliveries are looked for when nothing wakes the sender (retries, other replicas' events). */
  pollMs?: number;
  /** Deliveries in flight per endpoint on this replica, so one slow receiver cannot take every slot. */
  perEndpoint?: number;
  /** Deliveries in flight on this replica. */
  maxInFlight?: number;
}

const ATTEMPT_OUTCOME: Record<Outcome['status'], WebhookAttemptOutcome> = {
  succeeded: 'succeeded',
  pending: 'retrying',
  failed: 'failed',
};

/**
 * Sends due deliveries, on every replica. Each is leased before it is sent
 * (no two replicas send the same attempt); a lease outlives the attempt's
 * timeout, so a replica that died mid-send (SIGKILL) leaves a lease that
 * expires, and the delivery is sent again, with the same `webhook-id`.
 */
export function createWebhookSender(deps: SenderDeps) {
  const pollMs = deps.pollMs ?? 1000;
  const perEndpoint = deps.perEndpoint ?? 4;
  const maxInFlight = deps.maxInFlight ?? 32;
  const leaseMs = deps.timeoutMs * 2 + 5000;
  /** Slots taken per endpoint and in all: reserved before a claim is sent, so concurrent claims cannot overfill. */
  const busy = new Map<string, number>();
  let active = 0;
  const inFlight = new Set<Promise<void>>();
  const jitter = () => new DataView(deps.random(4).buffer).getUint32(0) / 2 ** 32;
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  const wake = () => {
    woken = true;
    wakeUp?.();
  };

  async function sleep() {
    if (woken) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wakeUp = undefined;
  }

  const take = (endpointId: string, slots: number) => {
    busy.set(endpointId, (busy.get(endpointId) ?? 0) + slots);
    active += slots;
  };

  /** Claims what this replica has room for at one endpoint and starts sending; answers how many. */
  async function fill(endpointId: string): Promise<number> {
    const room = Math.min(perEndpoint - (busy.get(endpointId) ?? 0), maxInFlight - active);
    if (room <= 0 || !running) return 0;
    take(endpointId, room);
    let claimed: DeliveryRecord[] = [];
    try {
      claimed = await deps.deliveries.claim(endpointId, deps.owner, deps.now(), leaseMs, room);
    } finally {
      take(endpointId, claimed.length - room); // the slots of the ones claimed stay taken until each ends
    }
    for (const delivery of claimed) {
      const task = deliver(delivery)
        .catch((error: unknown) =>
          deps.log.error('webhook delivery failed', { delivery_id: delivery.id, error }),
        )
        .finally(() => {
          inFlight.delete(task);
          take(endpointId, -1);
          // The freed slot goes to the same endpoint's next due delivery at once; others wait for the loop.
          fill(endpointId).catch((error: unknown) =>
            deps.log.error('webhook sender could not claim deliveries', { error }),
          );
        });
      inFlight.add(task);
    }
    return claimed.length;
  }

  async function claimAndSend(): Promise<number> {
    let started = 0;
    for (const endpointId of await deps.deliveries.endpointsDue(deps.now(), 50)) {
      if (maxInFlight - active <= 0) break;
      started += await fill(endpointId);
    }
    return started;
  }

  async function deliver(delivery: DeliveryRecord): Promise<void> {
    const endpoint = await deps.endpoints.get(delivery.endpoint_id);
    if (!endpoint) return; // deleted with its deliveries
    let secrets: string[] | null = null;
    try {
      secrets = endpointSecrets(deps.vault, endpoint, deps.now());
    } catch (error) {
      // A vault key removed too early: recorded as a failed attempt (retried on schedule), never sent unsigned.
      deps.log.error('webhook secret cannot be decrypted', { endpoint_id: endpoint.id, error });
    }
    const attempt =
      secrets === null
        ? {
            at: deps.now(),
            status_code: null,
            error_code: 'secret_unreadable',
            duration_ms: 0,
            response_excerpt: null,
          }
        : await sendAttempt(
            { fetch: deps.fetch, now: deps.now, timeoutMs: deps.timeoutMs },
            { url: endpoint.url, eventId: delivery.event_id, body: delivery.payload, secrets },
          );
    const attempts = [...delivery.attempts, attempt];
    const outcome = judgeAttempt(attempt, attempts.length, endpoint.failing_since, jitter);
    deps.log.info('webhook attempt', {
      delivery_id: delivery.id,
      endpoint_id: endpoint.id,
      event_type: delivery.event_type,
      status_code: attempt.status_code,
      error_code: attempt.error_code,
      duration_ms: attempt.duration_ms,
      outcome: outcome.status,
    });
    deps.metrics.webhookAttempt(
      delivery.event_type,
      ATTEMPT_OUTCOME[outcome.status],
      attempt.duration_ms / 1000,
    );
    await deps.deliveries.finishAttempt(delivery.id, deps.owner, { ...outcome, attempts }, deps.now());
    await applyVerdict(deps, endpoint, outcome.endpoint, attempt.at);
  }

  async function run() {
    while (running) {
      woken = false;
      let started = 0;
      try {
        started = await claimAndSend();
      } catch (error) {
        deps.log.error('webhook sender could not claim deliveries', { error });
      }
      if (started === 0 || active >= maxInFlight) await sleep();
    }
  }

  return {
    wake,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    /** Stops claiming; attempts in flight finish and are recorded. */
    async stop() {
      running = false;
      wake();
      await loop;
      await Promise.all(inFlight);
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
