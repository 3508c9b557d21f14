import type { BrokerSecrets } from './broker.js';
import type { Engine } from './config.js';
import type { BrokerModules } from './modules.js';
import { type SideBySide, sideBySide } from './side-by-side.js';

/**
 * What the metrics cost a hand-out: a broker with metrics (a) against one
 * with CUSTODIAN_METRICS=false (b), side by side, per round (median of rounds).
 */
export function metricsCost(
  mods: BrokerModules,
  engine: Engine,
  secrets: BrokerSecrets,
  log: (message: string) => void,
): Promise<SideBySide> {
  return sideBySide(
    mods,
    engine,
    secrets,
    {
      name: 'metrics',
      a: { label: 'metrics-on' },
      b: { label: 'metrics-off', env: { CUSTODIAN_METRICS: 'false' } },
      // The toggle really toggles: one answers the scrape, the other has nothing to give.
      async check(on, off) {
        const scrape = (broker: typeof on) =>
          fetch(`${broker.url}/metrics`, { headers: { authorization: `Bearer ${secrets.adminToken}` } });
        if ((await scrape(on)).status !== 200 || (await scrape(off)).status !== 404) {
          throw new Error('metrics on/off brokers do not answer /metrics as configured');
        }
      },
    },
    log,
  );
}
