import type { Metrics } from '../metrics/metrics.js';
import { cachedForScrapes } from '../metrics/scrape-cache.js';
import type { DeliveryStore } from './delivery-store.js';

/**
 * The webhook backlog, read from the database when scraped (every replica's
 * deliveries are in it): a `due` that stays above zero means receivers are
 * not keeping up or no replica is sending.
 */
export function registerWebhookGauges(
  metrics: Metrics,
  deps: { deliveries: DeliveryStore; now: () => number; cacheMs?: number },
): void {
  const read = cachedForScrapes(() => deps.deliveries.backlog(deps.now()), deps.now, deps.cacheMs);
  metrics.gauge(
    'custodian_webhook_deliveries_pending',
    'Webhook deliveries not yet ended (sent successfully or given up), retries scheduled later included.',
    [],
    async (set) => set((await read()).pending),
  );
  metrics.gauge(
    'custodian_webhook_deliveries_due',
    'Webhook deliveries due now and not being sent.',
    [],
    async (set) => set((await read()).due),
  );
}
