import { type Broker, type BrokerSecrets, createProvider, serviceTokens, startBroker } from './broker.js';
import { config, type Engine } from './config.js';
import type { LoadResult } from './load.js';
import type { BrokerModules } from './modules.js';
import { runPaced } from './paced.js';
import { scratchDatabase } from './scratch.js';
import { seedConnections } from './seed.js';

/**
 * What the metrics cost a hand-out, measured side by side: two brokers on
 * one database, one with CUSTODIAN_METRICS=false, loaded at once at the same
 * fixed rate, so both see the same machine. The cost is the difference of
 * their server CPU per answered hand-out, per round (median of rounds).
 */

export interface MetricsCost {
  engine: Engine;
  rate: number;
  seconds: number;
  rounds: Array<{ on: LoadResult; off: LoadResult; percent: number }>;
  medianPercent: number;
}

const FOUR_HOURS = 4 * 3600 * 1000;

export async function metricsCost(
  mods: BrokerModules,
  engine: Engine,
  secrets: BrokerSecrets,
  log: (message: string) => void,
): Promise<MetricsCost> {
  const url = await scratchDatabase(engine, `metrics-${engine}`);
  const ids = await seedConnections(mods, {
    engine,
    url,
    from: 0,
    count: config.smallConnections,
    providerId: 'dropbox',
    vaultKeys: secrets.vaultKeys,
    expiresAt: Date.now() + FOUR_HOURS,
  });
  const on = await startBroker({ label: `${engine}-metrics-on`, databaseUrl: url, secrets });
  let off: Broker | undefined;
  try {
    await createProvider(on);
    off = await startBroker({
      label: `${engine}-metrics-off`,
      databaseUrl: url,
      secrets,
      env: { CUSTODIAN_METRICS: 'false' },
    });
    // The toggle really toggles: one answers the scrape, the other has nothing to give.
    const scrape = (b: Broker) =>
      fetch(`${b.url}/metrics`, { headers: { authorization: `Bearer ${secrets.adminToken}` } });
    if ((await scrape(on)).status !== 200 || (await scrape(off)).status !== 404) {
      throw new Error('metrics on/off brokers do not answer /metrics as configured');
    }
    const tokens = {
      on: await serviceTokens(on, config.connections),
      off: await serviceTokens(off, config.connections),
    };
    const load = (b: Broker, which: 'on' | 'off', seconds: number) =>
      runPaced({
        url: b.url,
        ids,
        tokens: tokens[which],
        connections: config.connections,
        durationSeconds: seconds,
        pid: b.pid,
        rate: config.metricsRate,
      });
    const both = (seconds: number) => Promise.all([load(on, 'on', seconds), load(off!, 'off', seconds)]);
    if (config.warmupSeconds > 0) await both(config.warmupSeconds);
    const rounds: MetricsCost['rounds'] = [];
    for (let round = 1; round <= config.rounds; round++) {
      const [withMetrics, without] = await both(config.metricsSeconds);
      const percent =
        (100 * (withMetrics.cpuMicrosPerRequest - without.cpuMicrosPerRequest)) / without.cpuMicrosPerRequest;
      log(
        `  ${engine} metrics round ${round}: on ${withMetrics.cpuMicrosPerRequest.toFixed(1)} µs/req, ` +
          `off ${without.cpuMicrosPerRequest.toFixed(1)} µs/req = ${percent >= 0 ? '+' : ''}${percent.toFixed(1)} %`,
      );
      rounds.push({ on: withMetrics, off: without, percent });
    }
    const sorted = rounds.map((r) => r.percent).sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const medianPercent = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return { engine, rate: config.metricsRate, seconds: config.metricsSeconds, rounds, medianPercent };
  } finally {
    await off?.stop();
    await on.stop();
  }
}
