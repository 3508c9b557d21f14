import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Latencies, type LoadResult, type LoadSpec, measureServer } from './load.js';

/**
 * An open-loop generator for the fixed-rate runs: requests leave at evenly
 * spaced times (autocannon's rate limit lets each connection fire its whole
 * second's quota at once, which measures bursts, not a moderate rate). Each
 * of `connections` keep-alive connections carries its own service token; a
 * request due while every connection is busy waits, and its latency counts
 * from when it was due (no coordinated omission).
 */

interface Connection {
  agent: http.Agent;
  token: string;
  busy: boolean;
}

export async function runPaced(spec: LoadSpec & { rate: number }): Promise<LoadResult> {
  const url = new URL(spec.url);
  const connections: Connection[] = spec.tokens.slice(0, spec.connections).map((token) => ({
    agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    token,
    busy: false,
  }));
  const latencies = new Latencies();
  const failures: Record<string, number> = {};
  const fail = (kind: string) => {
    failures[kind] = (failures[kind] ?? 0) + 1;
  };
  let bytes = 0;
  let inFlight = 0;
  const due: number[] = [];
  const interval = 1000 / spec.rate;
  const measurement = measureServer(spec.pid);
  // The generator's own pauses (its garbage collections) would count as the broker's latency: watched.
  const pauses = monitorEventLoopDelay({ resolution: 1 });
  pauses.enable();
  const start = performance.now();
  const end = start + spec.durationSeconds * 1000;
  let next = start;
  let drained: (() => void) | undefined;

  const send = (connection: Connection, dueAt: number) => {
    connection.busy = true;
    inFlight++;
    const sentAt = performance.now();
    // Waited for a free connection: count from when it was due. Timer lag alone (< 2 ms) is not the server's.
    const from = sentAt - dueAt > 2 ? dueAt : sentAt;
    const id = spec.ids.at(Math.floor(Math.random() * spec.ids.length))!;
    const done = () => {
      connection.busy = false;
      inFlight--;
      dispatch();
      if (inFlight === 0 && drained) drained();
    };
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `/v1/connections/${id}/access-token`,
        agent: connection.agent,
        headers: {
          authorization: `Bearer ${connection.token}`,
          'content-type': 'application/json',
          'content-length': '2',
        },
      },
      (res) => {
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
        });
        res.on('end', () => {
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
            latencies.add(performance.now() - from);
            bytes += size;
          } else fail(`HTTP ${res.statusCode}`);
          done();
        });
      },
    );
    req.on('error', (error) => {
      fail(error.message);
      done();
    });
    req.end('{}');
  };

  const dispatch = () => {
    while (due.length > 0) {
      const idle = connections.find((c) => !c.busy);
      if (!idle) return;
      send(idle, due.shift()!);
    }
  };

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      while (next <= now && next < end) {
        due.push(next);
        next += interval;
      }
      dispatch();
      if (now >= end) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  if (inFlight > 0) {
    await Promise.race([
      new Promise<void>((resolve) => {
        drained = resolve;
      }),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
  }
  if (due.length > 0) failures['never sent (all connections busy)'] = due.length;
  for (const c of connections) c.agent.destroy();
  pauses.disable();
  return { ...measurement.finish(latencies, bytes, failures), generatorPauseMs: pauses.max / 1e6 };
}
