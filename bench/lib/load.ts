import autocannon from 'autocannon';
import { cpuTimes, machineBusySeconds, sampleRss } from './proc.js';

/**
 * One autocannon run against a server process. Every load-generator
 * connection carries its own service token for the whole run (as one
 * service instance would cache it) and asks each time for a connection id
 * drawn at random from `ids`. Latencies are recorded here at microsecond
 * resolution (autocannon's own histogram keeps whole milliseconds).
 */

/** Connection ids: an array, or the same packed into one string (see PackedIds). */
export interface Ids {
  readonly length: number;
  at(index: number): string | undefined;
}

/**
 * A million ids as one string of fixed-width ids: a million strings in the
 * load generator's heap make its own collections pause it for tens of
 * milliseconds, and those pauses would count as the broker's latency.
 */
export class PackedIds implements Ids {
  readonly length: number;
  private readonly text: string;
  private readonly width: number;
  constructor(ids: readonly string[]) {
    this.width = ids[0]?.length ?? 0;
    if (ids.some((id) => id.length !== this.width)) throw new Error('ids to pack must have one width');
    this.text = ids.join('');
    this.length = ids.length;
  }
  at(index: number): string | undefined {
    if (index < 0 || index >= this.length) return undefined;
    return this.text.slice(index * this.width, (index + 1) * this.width);
  }
}

export interface LoadSpec {
  url: string;
  ids: Ids;
  tokens: readonly string[];
  connections: number;
  durationSeconds: number;
  /** Requests per second for all connections together; omitted: as fast as answers come. */
  rate?: number;
  /** The server's pid: its CPU time and memory are read during the run. */
  pid: number;
}

export interface LoadResult {
  ok: number;
  failed: number;
  /** Status codes other than 2xx, and transport errors, by kind. */
  failures: Record<string, number>;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Server CPU time per answered request, in microseconds. */
  cpuMicrosPerRequest: number;
  /** Server CPU use during the run, in percent of one core. */
  serverCpuPercent: number;
  /** The part of the server's CPU time spent in the kernel (system calls: sockets, files). */
  serverKernelShare: number;
  /** CPU used by everything else on the machine but the server and this load generator (other processes), percent of one core. */
  otherCpuPercent: number;
  peakRssKb: number;
  bytesPerAnswer: number;
  /** Fixed-rate runs: the longest the load generator itself was held up (its own garbage collections). */
  generatorPauseMs?: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Latencies of the 2xx answers, growing as needed. */
export class Latencies {
  private values = new Float64Array(1 << 16);
  count = 0;
  add(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }
  sorted(): Float64Array {
    return this.values.slice(0, this.count).sort();
  }
}

/**
 * Reads the server's CPU time and memory, this process's CPU time and the
 * machine's, from start to `finish`, and turns them and the latencies into a
 * LoadResult.
 */
export function measureServer(pid: number) {
  const cpuBefore = cpuTimes(pid);
  const machineBefore = machineBusySeconds();
  const selfBefore = process.cpuUsage();
  const rss = sampleRss(pid);
  const started = performance.now();
  return {
    finish(latencies: Latencies, bytes: number, failures: Record<string, number>): LoadResult {
      const seconds = (performance.now() - started) / 1000;
      const peakRssKb = rss.stop();
      const cpuAfter = cpuTimes(pid);
      const serverKernel = cpuAfter.system - cpuBefore.system;
      const serverCpu = cpuAfter.user - cpuBefore.user + serverKernel;
      const self = process.cpuUsage(selfBefore);
      const selfCpu = (self.user + self.system) / 1e6;
      const machine = machineBusySeconds() - machineBefore;
      const ok = latencies.count;
      const sorted = latencies.sorted();
      return {
        ok,
        failed: Object.values(failures).reduce((a, b) => a + b, 0),
        failures,
        seconds,
        rps: ok / seconds,
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1] ?? Number.NaN,
        cpuMicrosPerRequest: ok === 0 ? Number.NaN : (serverCpu / ok) * 1e6,
        serverCpuPercent: (serverCpu / seconds) * 100,
        serverKernelShare: serverCpu === 0 ? 0 : serverKernel / serverCpu,
        otherCpuPercent: Math.max(0, ((machine - serverCpu - selfCpu) / seconds) * 100),
        peakRssKb,
        bytesPerAnswer: ok === 0 ? 0 : bytes / ok,
      };
    },
  };
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.tokens.length < spec.connections) throw new Error('one service token per connection is needed');
  const latencies = new Latencies();
  let bytes = 0;
  const failures: Record<string, number> = {};
  const fail = (kind: string) => {
    failures[kind] = (failures[kind] ?? 0) + 1;
  };
  let nextClient = 0;
  const ids = spec.ids;
  const pick = () => ids.at(Math.floor(Math.random() * ids.length))!;

  const measurement = measureServer(spec.pid);
  let finish: (error: unknown, result: autocannon.Result) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      duration: spec.durationSeconds,
      pipelining: 1,
      timeout: 10,
      ...(spec.rate ? { overallRate: spec.rate } : {}),
      setupClient: (client) => {
        const token = spec.tokens[nextClient++ % spec.tokens.length]!;
        client.setRequests([
          {
            method: 'POST',
            path: `/v1/connections/${pick()}/access-token`,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: '{}',
            setupRequest: (request) => {
              request.path = `/v1/connections/${pick()}/access-token`;
              return request;
            },
          },
        ]);
      },
    },
    (error, result) => finish(error, result),
  );
  instance.on('response', (_client, statusCode, resBytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) {
      latencies.add(responseTime);
      bytes += resBytes;
    } else {
      fail(`HTTP ${statusCode}`);
    }
  });
  instance.on('reqError', (error: Error) => fail(error.message));
  const result = await finished;
  if (result.timeouts > 0) failures.timeout = (failures.timeout ?? 0) + result.timeouts;
  return measurement.finish(latencies, bytes, failures);
}
