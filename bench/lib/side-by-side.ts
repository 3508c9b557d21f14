import { type Broker, type BrokerSecrets, createProvider, serviceTokens, startBroker } from './broker.js';
import { config, type Engine } from './config.js';
import type { LoadResult } from './load.js';
import type { BrokerModules } from './modules.js';
import { runPaced } from './paced.js';
import { scratchDatabase } from './scratch.js';
import { seedHandOutRows } from './seed.js';

/**
 * Two brokers on one database, loaded at once with hand-outs at the same
 * fixed rate, so both see the same machine: whatever else runs slows both
 * alike, and the difference of their server CPU per answer is what one does
 * more than the other. Saturated throughput ratios swing by 0.1 between
 * rounds on a shared 2-core machine; this difference holds to about a
 * percent. The metrics part (metrics on / off) and the compare part (this
 * build / another) use it.
 */

export interface Side {
  label: string;
  env?: Record<string, string>;
  /** Another build's main.js; this tree's by default. */
  main?: string;
}

export interface SideBySide {
  engine: Engine;
  rate: number;
  seconds: number;
  /** `percent`: how much more CPU per answer `a` took than `b`. */
  rounds: Array<{ a: LoadResult; b: LoadResult; percent: number }>;
  medianPercent: number;
}

export async function sideBySide(
  mods: BrokerModules,
  engine: Engine,
  secrets: BrokerSecrets,
  sides: { a: Side; b: Side; name: string; check?: (a: Broker, b: Broker) => Promise<void> },
  log: (message: string) => void,
): Promise<SideBySide> {
  const url = await scratchDatabase(engine, `${sides.name}-${engine}`);
  // Seeded with this tree's schema: an older build finds its migrations applied and reads the columns it knows.
  const ids = await seedHandOutRows(mods, engine, url, secrets.vaultKeys);
  const start = (side: Side) =>
    startBroker({
      label: `${engine}-${side.label}`,
      databaseUrl: url,
      secrets,
      env: side.env,
      main: side.main,
    });
  const a = await start(sides.a);
  let b: Broker | undefined;
  try {
    await createProvider(a);
    b = await start(sides.b);
    await sides.check?.(a, b);
    const tokens = {
      a: await serviceTokens(a, config.connections),
      b: await serviceTokens(b, config.connections),
    };
    const load = (broker: Broker, which: 'a' | 'b', seconds: number) =>
      runPaced({
        url: broker.url,
        ids,
        tokens: tokens[which],
        connections: config.connections,
        durationSeconds: seconds,
        pid: broker.pid,
        rate: config.metricsRate,
      });
    const both = (seconds: number) => Promise.all([load(a, 'a', seconds), load(b!, 'b', seconds)]);
    if (config.warmupSeconds > 0) await both(config.warmupSeconds);
    const rounds: SideBySide['rounds'] = [];
    for (let round = 1; round <= config.rounds; round++) {
      const [ra, rb] = await both(config.metricsSeconds);
      const percent = (100 * (ra.cpuMicrosPerRequest - rb.cpuMicrosPerRequest)) / rb.cpuMicrosPerRequest;
      log(
        `  ${engine} ${sides.name} round ${round}: ${sides.a.label} ${ra.cpuMicrosPerRequest.toFixed(1)} µs/req, ` +
          `${sides.b.label} ${rb.cpuMicrosPerRequest.toFixed(1)} µs/req = ${percent >= 0 ? '+' : ''}${percent.toFixed(1)} %`,
      );
      rounds.push({ a: ra, b: rb, percent });
    }
    const sorted = rounds.map((r) => r.percent).sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    const medianPercent = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return { engine, rate: config.metricsRate, seconds: config.metricsSeconds, rounds, medianPercent };
  } finally {
    await b?.stop();
    await a.stop();
  }
}
