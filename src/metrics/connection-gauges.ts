import { and, count, eq, lte } from 'drizzle-orm';
import type { Database } from '../db/open.js';
import { noTracing, type Tracing, traceMethods } from '../tracing/tracing.js';
import type { Metrics } from './metrics.js';
import { cachedForScrapes } from './scrape-cache.js';

/**
 * `custodian_connections` (by status) and `custodian_refresh_due`, read from
 * the database when scraped, not kept up to date by every write: other
 * replicas write too. Two aggregate queries, reused for `cacheMs`.
 */
export function registerConnectionGauges(
  metrics: Metrics,
  deps: { database: Database; now: () => number; cacheMs?: number; tracing?: Tracing },
): void {
  const { db, tables } = deps.database;
  const t = tables.connections;
  // In spans when tracing, beneath the scrape's request.
  const counts = traceMethods(deps.tracing ?? noTracing, 'connection_gauges', deps.database.engine, {
    byStatus: async () => await db.select({ status: t.status, n: count() }).from(t).groupBy(t.status),
    // Due and not yet renewed: the background refresher's own condition, on the next_refresh_at index.
    due: async (now: number) =>
      (
        await db
          .select({ n: count() })
          .from(t)
          .where(and(eq(t.status, 'active'), lte(t.nextRefreshAt, now)))
      )[0]?.n ?? 0,
  });
  const read = cachedForScrapes(
    async () => ({ byStatus: await counts.byStatus(), due: Number(await counts.due(deps.now())) }),
    deps.now,
    deps.cacheMs,
  );

  metrics.gauge(
    'custodian_connections',
    'Stored connections by status (read from the database at most every few seconds).',
    ['status'],
    async (set) => {
      for (const { status, n } of (await read()).byStatus) set(Number(n), { status });
    },
  );
  metrics.gauge(
    'custodian_refresh_due',
    'Active connections whose background refresh is due now and not yet done.',
    [],
    async (set) => set((await read()).due),
  );
}
