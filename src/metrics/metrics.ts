import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { HotHistogram, type HotHistogramChild } from './hot-histogram.js';

/**
 * The broker's Prometheus metrics, one Registry per app instance (tests make
 * many apps in one process). What every request or hand-out updates costs a
 * Map lookup and a few additions: the request histogram is our own
 * (hot-histogram.ts) and hand-outs are counted in an array that the counter
 * takes in when scraped. The rest is prom-client's, resolved per call: it
 * runs once per refresh or provider call.
 */

export type HandOutOutcome =
  | 'served'
  | 'not_found'
  | 'forbidden'
  | 'needs_reauth'
  | 'unavailable'
  | 'rate_limited'
  | 'error';
export type RefreshOutcome = 'success' | 'failure' | 'needs_reauth';
/** A webhook attempt: `succeeded` and `failed` end its delivery, `retrying` schedules another. */
export type WebhookAttemptOutcome = 'succeeded' | 'retrying' | 'failed';

export interface Metrics {
  readonly registry: Registry | null;
  /** One answered HTTP request: `route` is the matched pattern, never the path. */
  request(method: string, route: string, status: number, seconds: number): void;
  handOut(outcome: HandOutOutcome): void;
  refresh(provider: string, reason: string, outcome: RefreshOutcome): void;
  upstream(provider: string, operation: string, seconds: number): void;
  webhookAttempt(eventType: string, outcome: WebhookAttemptOutcome, seconds: number): void;
  /** Gauges computed at scrape time (see connection-gauges.ts). */
  gauge(name: string, help: string, labelNames: string[], collect: (set: GaugeSetter) => Promise<void>): void;
}
export type GaugeSetter = (value: number, labels?: Record<string, string>) => void;

// The event-loop delay monitor wakes the process this often. prom-client's default (10 ms: a hundred
// wake-ups a second) cost an idle broker about 10 ms of CPU each second, 2-3 times all its other
// background work together; at 100 ms a blocked loop still shows in nodejs_eventloop_lag_* (each
// sample is late by the block), for a tenth of the wake-ups.
const EVENT_LOOP_SAMPLE_MS = 100;

// Seconds: the hand-out answers in well under a millisecond from memory; a refresh waits on a provider.
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const UPSTREAM_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    // Gauges named like counters, which `promtool check metrics` refuses; the same counts stay
    // available by type in nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
    for (const name of ['handles', 'requests', 'resources'])
      registry.removeSingleMetric(`nodejs_active_${name}_total`);
  }
  const registers = [registry];
  const requests = new HotHistogram(
    'custodian_http_request_duration_seconds',
    'Time to answer an HTTP request, by method, matched route pattern and status.',
    ['method', 'route', 'status'],
    REQUEST_BUCKETS,
    registry,
  );
  // Counted here, handed to prom-client when scraped.
  const handOutCounts = new Map<HandOutOutcome, { pending: number }>();
  new Counter({
    name: 'custodian_handouts_total',
    help: 'Access-token hand-outs (route and token exchange), by outcome.',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      for (const [outcome, count] of handOutCounts) {
        this.inc({ outcome }, count.pending);
        count.pending = 0;
      }
    },
  });
  const refreshes = new Counter({
    name: 'custodian_refreshes_total',
    help: 'Token refreshes that called a provider, by provider, reason and outcome.',
    labelNames: ['provider', 'reason', 'outcome'] as const,
    registers,
  });
  const upstream = new Histogram({
    name: 'custodian_upstream_request_duration_seconds',
    help: 'Time of a request to an OAuth provider, by provider and operation.',
    labelNames: ['provider', 'operation'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers,
  });

  const webhookAttempts = new Counter({
    name: 'custodian_webhook_attempts_total',
    help: 'Webhook delivery attempts, by event type and outcome (succeeded and failed end a delivery, retrying schedules another).',
    labelNames: ['event_type', 'outcome'] as const,
    registers,
  });
  const webhookDurations = new Histogram({
    name: 'custodian_webhook_attempt_duration_seconds',
    help: 'Time of a webhook delivery attempt, from sending to the answer or the error, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers,
  });

  // method → route → status → child; a few dozen entries for the life of the process.
  const requestChildren = new Map<
    string,
    Map<string, Map<number, HotHistogramChild<'method' | 'route' | 'status'>>>
  >();
  const resolve = <K, T>(cache: Map<K, T>, key: K, child: T): T => {
    cache.set(key, child);
    return child;
  };
  const resolveRequest = (method: string, route: string, status: number) => {
    const byRoute = requestChildren.get(method) ?? resolve(requestChildren, method, new Map());
    const byStatus = byRoute.get(route) ?? resolve(byRoute, route, new Map());
    return resolve(byStatus, status, requests.child(method, route, String(status)));
  };
  return {
    registry,
    request(method, route, status, seconds) {
      const byStatus = requestChildren.get(method)?.get(route);
      const child = byStatus?.get(status) ?? resolveRequest(method, route, status);
      child.observe(seconds);
    },
    handOut(outcome) {
      const count = handOutCounts.get(outcome) ?? resolve(handOutCounts, outcome, { pending: 0 });
      count.pending++;
    },
    // Rare (a refresh, a provider call): resolved per call.
    refresh(provider, reason, outcome) {
      refreshes.labels(provider, reason, outcome).inc();
    },
    upstream(provider, operation, seconds) {
      upstream.labels(provider, operation).observe(seconds);
    },
    webhookAttempt(eventType, outcome, seconds) {
      webhookAttempts.labels(eventType, outcome).inc();
      webhookDurations.labels(outcome).observe(seconds);
    },
    gauge(name, help, labelNames, collect) {
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          this.reset();
          await collect((value, labels) => (labels ? this.set(labels, value) : this.set(value)));
        },
      });
    },
  };
}

/** Metrics turned off (CUSTODIAN_METRICS=false): every call does nothing. */
export const noMetrics: Metrics = {
  registry: null,
  request() {},
  handOut() {},
  refresh() {},
  upstream() {},
  webhookAttempt() {},
  gauge() {},
};
